"""Plan repository writes for many members in one statement each (mixed into SqlPlanRepository).

Booking 10,000 members one row per statement spent more time in the database driver than in
Graph (benchmarks/bench_plan_booking.py); these keep a booking run and each booking job to a
handful of statements.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from teams_app.adapters.sql.dialects import insert_for
from teams_app.adapters.sql.slot_rows import slot_from_row
from teams_app.adapters.sql.tables import plan_members, plan_slots
from teams_app.domain.bookings import (
    BookedSlot,
    MemberFailure,
    MemberState,
    PlanMember,
    SlotState,
)


class PlanBulkWrites:
    _connection: AsyncConnection

    async def slots_of(
        self, plan_id: str, revision: int, member_ids: Sequence[str]
    ) -> list[BookedSlot]:
        if not member_ids:
            return []
        rows = (
            await self._connection.execute(
                select(plan_slots).where(
                    plan_slots.c.plan_id == plan_id,
                    plan_slots.c.revision == revision,
                    plan_slots.c.member_id.in_(list(member_ids)),
                )
            )
        ).mappings()
        return [slot_from_row(r) for r in rows]

    async def members_of(self, plan_id: str, member_ids: Sequence[str]) -> list[PlanMember]:
        if not member_ids:
            return []
        rows = (
            await self._connection.execute(
                select(plan_members).where(
                    plan_members.c.plan_id == plan_id,
                    plan_members.c.member_id.in_(list(member_ids)),
                )
            )
        ).mappings()
        return [
            PlanMember(
                r["plan_id"],
                r["member_id"],
                MemberState(r["state"]),
                MemberFailure(r["failure"]) if r["failure"] else None,
            )
            for r in rows
        ]

    async def set_members(
        self,
        plan_id: str,
        states: Sequence[tuple[str, MemberState, MemberFailure | None]],
        *,
        at: datetime,
    ) -> None:
        """Insert or overwrite each (member, state, failure)."""
        if not states:
            return
        statement = insert_for(self._connection)(plan_members)
        await self._connection.execute(
            statement.on_conflict_do_update(
                index_elements=["plan_id", "member_id"],
                set_={
                    "state": statement.excluded.state,
                    "failure": statement.excluded.failure,
                    "updated_at": statement.excluded.updated_at,
                },
            ),
            [
                {
                    "plan_id": plan_id,
                    "member_id": member,
                    "state": state.value,
                    "failure": failure.value if failure else None,
                    "updated_at": at,
                }
                for member, state, failure in states
            ],
        )

    async def plan_slots(self, slots: Sequence[BookedSlot], *, at: datetime) -> None:
        """Insert each slot; one already there is kept as it is."""
        if not slots:
            return
        await self._connection.execute(
            insert_for(self._connection)(plan_slots).on_conflict_do_nothing(
                index_elements=["plan_id", "member_id", "revision"]
            ),
            [
                {
                    "plan_id": s.plan_id,
                    "member_id": s.member_id,
                    "revision": s.revision,
                    "event_id": s.event_id,
                    "transaction_id": s.transaction_id,
                    "days": ",".join(d.value for d in s.days),
                    "start_time": s.start.strftime("%H:%M"),
                    "time_zone": s.time_zone,
                    "state": s.state.value,
                    "since": s.since,
                    "created_at": at,
                    "updated_at": at,
                }
                for s in slots
            ],
        )

    async def move_members(
        self,
        plan_id: str,
        member_ids: Sequence[str],
        *,
        from_state: MemberState,
        to_state: MemberState,
        at: datetime,
        failure: MemberFailure | None = None,
    ) -> list[str]:
        """The members that were in `from_state` and are now in `to_state` (a repeat or a race
        moves nobody twice)."""
        if not member_ids:
            return []
        result = await self._connection.execute(
            update(plan_members)
            .where(
                plan_members.c.plan_id == plan_id,
                plan_members.c.member_id.in_(list(member_ids)),
                plan_members.c.state == from_state.value,
            )
            .values(state=to_state.value, failure=failure.value if failure else None, updated_at=at)
            .returning(plan_members.c.member_id)
        )
        return [str(row[0]) for row in result]

    async def mark_slots(
        self,
        plan_id: str,
        revision: int,
        event_ids: Mapping[str, str],
        state: SlotState,
        *,
        at: datetime,
    ) -> None:
        """Set the state and series id of each member's slot (`event_ids`: member -> event)."""
        if not event_ids:
            return
        await self._connection.execute(
            update(plan_slots)
            .where(
                plan_slots.c.plan_id == plan_id,
                plan_slots.c.revision == revision,
                plan_slots.c.member_id == bindparam("member"),
            )
            .values(state=state.value, event_id=bindparam("event"), updated_at=at),
            [{"member": member, "event": event} for member, event in event_ids.items()],
        )
