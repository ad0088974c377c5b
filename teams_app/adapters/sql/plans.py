"""SQL implementation of the plan repository: plans, members, slots and booking progress.

The plan's spec is stored as JSON of ids, enums, dates and times; the goal and the material
link (personal free text) have their own columns so nothing that serialises the spec for a log
or a job can carry them.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import and_, bindparam, case, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from teams_app.adapters.sql.dialects import insert_for
from teams_app.adapters.sql.plan_bulk import PlanBulkWrites
from teams_app.adapters.sql.slot_rows import slot_from_row
from teams_app.adapters.sql.tables import booking_runs, learning_plans, plan_members, plan_slots
from teams_app.domain.bookings import (
    BookedSlot,
    BookingProgress,
    MemberFailure,
    MemberState,
    PlanMember,
    RunState,
    SlotState,
)
from teams_app.domain.cadences import Cadence, CadenceKind, Horizon, LearningWindow
from teams_app.domain.calendar import ShowAs, Weekday, WeekIndex
from teams_app.domain.learning_plans import (
    DayPart,
    LearningPlan,
    MemberSource,
    MemberSourceKind,
    PlanMode,
    PlanSpec,
    PlanStatus,
)

# Read on every card answer, built once (see adapters/sql/occurrences.py).
_PLAN = select(learning_plans).where(learning_plans.c.id == bindparam("plan_id"))
_SLOT = select(plan_slots).where(
    plan_slots.c.plan_id == bindparam("plan_id"),
    plan_slots.c.member_id == bindparam("member_id"),
    plan_slots.c.revision == bindparam("revision"),
)

class SqlPlanRepository(PlanBulkWrites):  # bulk writes: plan_bulk.py
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    # --- plans ---------------------------------------------------------------------------

    async def get(self, plan_id: str) -> LearningPlan | None:
        row = (
            (
                await self._connection.execute(_PLAN, {"plan_id": plan_id})
            )
            .mappings()
            .first()
        )
        return _learning_plan(row) if row is not None else None

    async def plans_of(
        self, owner_id: str, *, include_cancelled: bool = False
    ) -> list[LearningPlan]:
        query = select(learning_plans).where(learning_plans.c.owner_id == owner_id)
        if not include_cancelled:
            query = query.where(learning_plans.c.state == PlanStatus.ACTIVE.value)
        query = query.order_by(learning_plans.c.created_at.desc(), learning_plans.c.id)
        rows = (await self._connection.execute(query)).mappings()
        return [_learning_plan(row) for row in rows]

    async def active_plan_ids(self) -> list[str]:
        query = (
            select(learning_plans.c.id)
            .where(learning_plans.c.state == PlanStatus.ACTIVE.value)
            .order_by(learning_plans.c.id)
        )
        return [str(r) for r in (await self._connection.execute(query)).scalars()]

    async def add(self, plan: LearningPlan) -> None:
        await self._connection.execute(
            learning_plans.insert().values(
                id=plan.id, owner_id=plan.owner_id, created_at=plan.created_at, **_plan(plan)
            )
        )

    async def save(self, plan: LearningPlan) -> None:
        await self._connection.execute(
            update(learning_plans).where(learning_plans.c.id == plan.id).values(**_plan(plan))
        )

    # --- members -------------------------------------------------------------------------

    async def members(self, plan_id: str) -> list[PlanMember]:
        rows = (
            await self._connection.execute(
                select(plan_members)
                .where(plan_members.c.plan_id == plan_id)
                .order_by(plan_members.c.member_id)
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

    async def set_member(
        self,
        plan_id: str,
        member_id: str,
        state: MemberState,
        *,
        at: datetime,
        failure: MemberFailure | None = None,
    ) -> None:
        values = {"state": state.value, "failure": failure.value if failure else None}
        await self._connection.execute(
            insert_for(self._connection)(plan_members)
            .values(plan_id=plan_id, member_id=member_id, updated_at=at, **values)
            .on_conflict_do_update(
                index_elements=["plan_id", "member_id"], set_={**values, "updated_at": at}
            )
        )

    async def move_member(
        self,
        plan_id: str,
        member_id: str,
        *,
        from_state: MemberState,
        to_state: MemberState,
        at: datetime,
        failure: MemberFailure | None = None,
    ) -> bool:
        result = await self._connection.execute(
            update(plan_members)
            .where(
                plan_members.c.plan_id == plan_id,
                plan_members.c.member_id == member_id,
                plan_members.c.state == from_state.value,
            )
            .values(state=to_state.value, failure=failure.value if failure else None, updated_at=at)
        )
        return bool(result.rowcount)

    # --- slots ---------------------------------------------------------------------------

    async def slots(self, plan_id: str) -> list[BookedSlot]:
        rows = (
            await self._connection.execute(
                select(plan_slots)
                .where(plan_slots.c.plan_id == plan_id)
                .order_by(plan_slots.c.member_id, plan_slots.c.revision)
            )
        ).mappings()
        return [slot_from_row(r) for r in rows]

    async def slot(self, plan_id: str, member_id: str, revision: int) -> BookedSlot | None:
        row = (
            (
                await self._connection.execute(
                    _SLOT, {"plan_id": plan_id, "member_id": member_id, "revision": revision})
            )
            .mappings()
            .first()
        )
        return slot_from_row(row) if row else None

    async def plan_slot(self, slot: BookedSlot, *, at: datetime) -> bool:
        result = await self._connection.execute(
            insert_for(self._connection)(plan_slots)
            .values(
                plan_id=slot.plan_id,
                member_id=slot.member_id,
                revision=slot.revision,
                event_id=slot.event_id,
                transaction_id=slot.transaction_id,
                days=",".join(d.value for d in slot.days),
                start_time=slot.start.strftime("%H:%M"),
                time_zone=slot.time_zone,
                state=slot.state.value,
                since=slot.since,
                created_at=at,
                updated_at=at,
            )
            .on_conflict_do_nothing(index_elements=["plan_id", "member_id", "revision"])
        )
        return bool(result.rowcount)

    async def mark_slot(
        self, slot: BookedSlot, state: SlotState, *, at: datetime, event_id: str | None = None
    ) -> None:
        values: dict[str, Any] = {"state": state.value, "updated_at": at}
        if event_id is not None:
            values["event_id"] = event_id
        await self._connection.execute(
            update(plan_slots)
            .where(
                plan_slots.c.plan_id == slot.plan_id,
                plan_slots.c.member_id == slot.member_id,
                plan_slots.c.revision == slot.revision,
            )
            .values(values)
        )

    async def touch_slot(self, slot: BookedSlot, *, since: datetime, at: datetime) -> bool:
        # Conditional, so a job that runs twice after one edit counts its series once.
        result = await self._connection.execute(
            update(plan_slots)
            .where(
                plan_slots.c.plan_id == slot.plan_id,
                plan_slots.c.member_id == slot.member_id,
                plan_slots.c.revision == slot.revision,
                plan_slots.c.updated_at < since,
            )
            .values(updated_at=at)
        )
        return bool(result.rowcount)

    # --- progress ------------------------------------------------------------------------

    async def progress(self, plan_id: str, revision: int) -> BookingProgress | None:
        row = (
            (
                await self._connection.execute(
                    select(booking_runs).where(
                        booking_runs.c.plan_id == plan_id, booking_runs.c.revision == revision
                    )
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        return BookingProgress(
            row["plan_id"],
            row["revision"],
            row["total"],
            row["done"],
            row["failed"],
            RunState(row["state"]),
            row["updated_at"],
        )

    async def save_progress(self, progress: BookingProgress) -> None:
        values = {
            "total": progress.total,
            "done": progress.done,
            "failed": progress.failed,
            "state": progress.state.value,
            "updated_at": progress.updated_at,
        }
        await self._connection.execute(
            insert_for(self._connection)(booking_runs)
            .values(plan_id=progress.plan_id, revision=progress.revision, **values)
            .on_conflict_do_update(index_elements=["plan_id", "revision"], set_=values)
        )

    async def count_progress(
        self,
        plan_id: str,
        revision: int,
        *,
        done: int = 0,
        failed: int = 0,
        total: int = 0,
        at: datetime,
    ) -> None:
        # One UPDATE with relative values: concurrent jobs of the same run never lose a count.
        run = and_(booking_runs.c.plan_id == plan_id, booking_runs.c.revision == revision)
        counted = booking_runs.c.done + booking_runs.c.failed + done + failed
        await self._connection.execute(
            update(booking_runs)
            .where(run)
            .values(
                done=booking_runs.c.done + done,
                failed=booking_runs.c.failed + failed,
                total=booking_runs.c.total + total,
                state=case(
                    (counted >= booking_runs.c.total + total, RunState.FINISHED.value),
                    else_=booking_runs.c.state,
                ),
                updated_at=at,
            )
        )


# --- mapping ---------------------------------------------------------------------------------


def _learning_plan(row: Any) -> LearningPlan:
    return LearningPlan(
        id=row["id"],
        owner_id=row["owner_id"],
        spec=spec_from_json(row["spec"], goal=row["goal"], material_url=row["material_url"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        revision=row["revision"],
        status=PlanStatus(row["state"]),
    )


def _plan(plan: LearningPlan) -> dict[str, Any]:
    return {
        "spec": spec_to_json(plan.spec),
        "goal": plan.spec.goal,
        "material_url": plan.spec.material_url,
        "revision": plan.revision,
        "state": plan.status.value,
        "updated_at": plan.updated_at,
    }


def spec_to_json(spec: PlanSpec) -> dict[str, Any]:
    """Everything but the goal and the material link (free text, stored in their columns)."""
    cadence, window, horizon = spec.cadence, spec.window, spec.horizon
    return {
        "members": {
            "kind": spec.members.kind.value,
            "people": list(spec.members.people),
            "group_id": spec.members.group_id,
        },
        "cadence": {
            "kind": cadence.kind.value,
            "every": cadence.every,
            "days": [d.value for d in cadence.days],
            "week": cadence.week.value if cadence.week else None,
            "day_of_month": cadence.day_of_month,
        },
        "duration_minutes": spec.duration_minutes,
        "window": {
            "days": [d.value for d in window.days],
            "start": window.start.strftime("%H:%M"),
            "end": window.end.strftime("%H:%M"),
        },
        "horizon": {
            "start": horizon.start.isoformat(),
            "end": horizon.end.isoformat() if horizon.end else None,
            "occurrences": horizon.occurrences,
        },
        "mode": spec.mode.value,
        "preference": spec.preference.value,
        "show_as": spec.show_as.value,
        "category": spec.category,
    }


def spec_from_json(data: dict[str, Any], *, goal: str, material_url: str | None) -> PlanSpec:
    members, cadence, window, horizon = (
        data["members"],
        data["cadence"],
        data["window"],
        data["horizon"],
    )
    return PlanSpec(
        members=MemberSource(
            MemberSourceKind(members["kind"]),
            people=tuple(members["people"]),
            group_id=members["group_id"],
        ),
        cadence=Cadence(
            CadenceKind(cadence["kind"]),
            cadence["every"],
            tuple(Weekday(d) for d in cadence["days"]),
            WeekIndex(cadence["week"]) if cadence["week"] else None,
            cadence["day_of_month"],
        ),
        duration_minutes=data["duration_minutes"],
        window=LearningWindow(
            tuple(Weekday(d) for d in window["days"]),
            time.fromisoformat(window["start"]),
            time.fromisoformat(window["end"]),
        ),
        horizon=Horizon(
            date.fromisoformat(horizon["start"]),
            date.fromisoformat(horizon["end"]) if horizon["end"] else None,
            horizon["occurrences"],
        ),
        mode=PlanMode(data["mode"]),
        goal=goal,
        material_url=material_url,
        preference=DayPart(data["preference"]),
        show_as=ShowAs(data["show_as"]),
        category=data["category"],
    )
