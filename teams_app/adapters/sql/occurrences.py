"""SQL implementation of the occurrence repository: outcomes and decisions per session, carded
collisions, calendar scan state and member cards nobody could receive (migration 0003)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from teams_app.adapters.sql.dialects import insert_for
from teams_app.adapters.sql.occurrence_tables import (
    calendar_scans,
    calendar_subscriptions,
    member_card_misses,
    slot_collisions,
    slot_occurrences,
)
from teams_app.adapters.sql.slot_queries import attended_slots, booked_slots
from teams_app.adapters.sql.slot_rows import slot_from_row
from teams_app.adapters.sql.tables import plan_slots
from teams_app.domain.bookings import BookedSlot
from teams_app.domain.calendar import TimeSpan
from teams_app.domain.occurrence_records import (
    CardedCollision,
    CollisionState,
    Decision,
    ScanState,
    SlotRef,
    StoredOccurrence,
    WatchedMailbox,
)
from teams_app.domain.occurrences import CollisionKind, Outcome


def _slot_of(table: Any) -> tuple[Any, ...]:
    # Not the columns' own names: an UPDATE reserves those for its SET clause.
    return (
        table.c.plan_id == bindparam("of_plan"),
        table.c.member_id == bindparam("of_member"),
        table.c.revision == bindparam("of_revision"),
    )


# The statements a card answer runs (Keep, Skip, Move), built once: building a statement's
# expression objects cost about a fifth of an answer's CPU (a profile at 100 answers a second).
_OCCURRENCE = select(slot_occurrences).where(
    *_slot_of(slot_occurrences), slot_occurrences.c.occurrence_key == bindparam("key"))
_COLLISIONS = (select(slot_collisions).where(*_slot_of(slot_collisions))
               .order_by(slot_collisions.c.collision_key))
_ANSWER_COLLISIONS = (
    update(slot_collisions)
    .where(*_slot_of(slot_collisions),
           slot_collisions.c.occurrence_key == bindparam("key"))
    .values(state=CollisionState.ANSWERED.value, updated_at=bindparam("at"))
)
_DECIDE = (
    update(slot_occurrences)
    .where(*_slot_of(slot_occurrences), slot_occurrences.c.occurrence_key == bindparam("key"))
    .values(decision=bindparam("to_decision"), outcome=bindparam("to_outcome"),
            decided_at=bindparam("at"), updated_at=bindparam("at"))
)
_DECIDE_WITH_EVENT = _DECIDE.values(event_id=bindparam("to_event_id"))


def _slot_params(slot: SlotRef, **more: Any) -> dict[str, Any]:
    return {"of_plan": slot.plan_id, "of_member": slot.member_id, "of_revision": slot.revision,
            **more}


class SqlOccurrenceRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    # --- which slots to defend -------------------------------------------------------------

    async def booked_slots_of(self, member_id: str) -> list[BookedSlot]:
        """The member's booked slots of active plans, current revision only."""
        rows = (
            await self._connection.execute(
                booked_slots().where(plan_slots.c.member_id == member_id)
            )
        ).mappings()
        return [slot_from_row(r) for r in rows]

    async def organiser_slots_for(self, member_id: str) -> list[BookedSlot]:
        query, attendee = attended_slots()
        rows = (await self._connection.execute(query.where(attendee == member_id))).mappings()
        return [slot_from_row(r) for r in rows]

    async def booked_members(self) -> list[str]:
        """Everyone with a booked series of their own, and everyone booked into a meeting
        (a team session's, whose slot is its organiser's): each mailbox to defend."""
        own = await self._connection.execute(
            booked_slots().with_only_columns(plan_slots.c.member_id).order_by(None)
        )
        query, attendee = attended_slots()
        attending = await self._connection.execute(
            query.with_only_columns(attendee).order_by(None)
        )
        return sorted({r[0] for r in own} | {r[0] for r in attending})

    # --- occurrences ---------------------------------------------------------------------

    async def occurrences(self, slot: SlotRef) -> list[StoredOccurrence]:
        rows = (
            await self._connection.execute(
                select(slot_occurrences)
                .where(*_is_slot(slot_occurrences, slot))
                .order_by(slot_occurrences.c.occurrence_key)
            )
        ).mappings()
        return [_occurrence(r) for r in rows]

    async def occurrence(self, slot: SlotRef, key: str) -> StoredOccurrence | None:
        row = (
            (
                await self._connection.execute(_OCCURRENCE, _slot_params(slot, key=key))
            )
            .mappings()
            .first()
        )
        return _occurrence(row) if row else None

    async def plan_occurrences(self, plan_ids: Collection[str]) -> list[StoredOccurrence]:
        """Every stored session of the plans, of every revision (for kept-vs-booked hours): an
        edit ends the older series where the new one starts and forgets the older revision's
        sessions from there (`forget_occurrences`), so each session is stored once."""
        if not plan_ids:
            return []
        rows = (
            await self._connection.execute(
                select(slot_occurrences)
                .where(slot_occurrences.c.plan_id.in_(list(plan_ids)))
                .order_by(
                    slot_occurrences.c.plan_id,
                    slot_occurrences.c.member_id,
                    slot_occurrences.c.occurrence_key,
                )
            )
        ).mappings()
        return [_occurrence(r) for r in rows]

    async def forget_occurrences(self, slot: SlotRef, *, from_key: str) -> None:
        """Drop the slot's sessions planned at `from_key` (an occurrence key) or later: its
        series ended before them, and the newer revision's series holds them now."""
        await self._connection.execute(
            delete(slot_occurrences).where(
                *_is_slot(slot_occurrences, slot), slot_occurrences.c.occurrence_key >= from_key
            )
        )

    async def save_occurrences(
        self, found: Sequence[StoredOccurrence], *, at: datetime
    ) -> None:
        """Insert or update outcome, span and instance id; a decision is only ever written by
        `decide`, so a scan never erases what the member chose."""
        for item in found:
            values: dict[str, Any] = {
                "starts_at": item.span.start,
                "ends_at": item.span.end,
                "outcome": item.outcome.value,
                "event_id": item.event_id,
                "updated_at": at,
            }
            # A skip pressed while this scan was reading stays skipped.
            on_conflict = {
                **values,
                "outcome": case(
                    (slot_occurrences.c.decision == Decision.SKIPPED.value, Outcome.SKIPPED.value),
                    else_=item.outcome.value,
                ),
            }
            await self._connection.execute(
                insert_for(self._connection)(slot_occurrences)
                .values(
                    plan_id=item.slot.plan_id,
                    member_id=item.slot.member_id,
                    revision=item.slot.revision,
                    occurrence_key=item.key,
                    decision=item.decision.value if item.decision else None,
                    **values,
                )
                .on_conflict_do_update(
                    index_elements=["plan_id", "member_id", "revision", "occurrence_key"],
                    set_=on_conflict,
                )
            )

    async def decide(
        self,
        slot: SlotRef,
        key: str,
        decision: Decision,
        *,
        outcome: Outcome,
        at: datetime,
        event_id: str | None = None,
    ) -> bool:
        params = _slot_params(slot, key=key, to_decision=decision.value,
                              to_outcome=outcome.value, at=at)
        if event_id is None:
            result = await self._connection.execute(_DECIDE, params)
        else:
            result = await self._connection.execute(_DECIDE_WITH_EVENT,
                                                    {**params, "to_event_id": event_id})
        return bool(result.rowcount)

    # --- collisions ----------------------------------------------------------------------

    async def collisions(self, slot: SlotRef) -> list[CardedCollision]:
        rows = (await self._connection.execute(_COLLISIONS, _slot_params(slot))).mappings()
        return [
            CardedCollision(
                slot,
                r["collision_key"],
                r["occurrence_key"],
                CollisionKind(r["kind"]),
                CollisionState(r["state"]),
            )
            for r in rows
        ]

    async def add_collision(
        self,
        slot: SlotRef,
        key: str,
        *,
        occurrence_key: str,
        kind: CollisionKind,
        state: CollisionState,
        at: datetime,
    ) -> bool:
        """False when the collision is known already: the card goes once per key."""
        result = await self._connection.execute(
            insert_for(self._connection)(slot_collisions)
            .values(
                plan_id=slot.plan_id,
                member_id=slot.member_id,
                revision=slot.revision,
                collision_key=key,
                occurrence_key=occurrence_key,
                kind=kind.value,
                state=state.value,
                created_at=at,
                updated_at=at,
            )
            .on_conflict_do_nothing(
                index_elements=["plan_id", "member_id", "revision", "collision_key"]
            )
        )
        return bool(result.rowcount)

    async def answer_collisions(self, slot: SlotRef, occurrence_key: str, *, at: datetime) -> None:
        await self._connection.execute(_ANSWER_COLLISIONS,
                                       _slot_params(slot, key=occurrence_key, at=at))

    # --- calendar scans ------------------------------------------------------------------

    async def scan_state(self, mailbox: str) -> ScanState | None:
        row = (
            (
                await self._connection.execute(
                    select(calendar_scans).where(calendar_scans.c.mailbox_id == mailbox)
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        return ScanState(
            row["mailbox_id"],
            TimeSpan(row["window_start"], row["window_end"]),
            row["scanned_at"],
            row["delta_link"],
        )

    async def save_scan_state(self, state: ScanState) -> None:
        values = {
            "delta_link": state.delta_link,
            "window_start": state.window.start,
            "window_end": state.window.end,
            "scanned_at": state.scanned_at,
        }
        await self._connection.execute(
            insert_for(self._connection)(calendar_scans)
            .values(mailbox_id=state.mailbox, **values)
            .on_conflict_do_update(index_elements=["mailbox_id"], set_=values)
        )

    # --- member cards nobody could receive -------------------------------------------------

    async def record_card_miss(
        self, delivery_key: str, slot: SlotRef, reason: str, *, at: datetime
    ) -> bool:
        result = await self._connection.execute(
            insert_for(self._connection)(member_card_misses)
            .values(
                delivery_key=delivery_key,
                plan_id=slot.plan_id,
                member_id=slot.member_id,
                reason=reason,
                at=at,
            )
            .on_conflict_do_nothing(index_elements=["delivery_key"])
        )
        return bool(result.rowcount)

    async def card_misses(self, plan_id: str) -> list[tuple[str, str]]:
        """(member id, reason) of the plan's member cards that could not be delivered."""
        rows = await self._connection.execute(
            select(member_card_misses.c.member_id, member_card_misses.c.reason)
            .where(member_card_misses.c.plan_id == plan_id)
            .order_by(member_card_misses.c.member_id, member_card_misses.c.delivery_key)
        )
        return [(r[0], r[1]) for r in rows]


    # --- change-notification subscriptions -------------------------------------------------

    async def watched(self, mailbox: str) -> WatchedMailbox | None:
        return await self._watched(calendar_subscriptions.c.mailbox_id == mailbox)

    async def watched_by(self, subscription_id: str) -> WatchedMailbox | None:
        return await self._watched(calendar_subscriptions.c.id == subscription_id)

    async def watch(self, watched: WatchedMailbox, *, at: datetime) -> None:
        await self._connection.execute(
            delete(calendar_subscriptions).where(
                (calendar_subscriptions.c.mailbox_id == watched.mailbox)
                | (calendar_subscriptions.c.id == watched.subscription_id)
            )
        )
        await self._connection.execute(
            insert(calendar_subscriptions).values(
                id=watched.subscription_id,
                mailbox_id=watched.mailbox,
                client_state=watched.secret_hash,
                expires_at=watched.expires_at,
                created_at=at,
            )
        )

    async def unwatch(self, subscription_id: str) -> None:
        await self._connection.execute(
            delete(calendar_subscriptions).where(calendar_subscriptions.c.id == subscription_id)
        )

    async def _watched(self, condition: Any) -> WatchedMailbox | None:
        row = (
            (await self._connection.execute(select(calendar_subscriptions).where(condition)))
            .mappings()
            .first()
        )
        if row is None:
            return None
        return WatchedMailbox(row["mailbox_id"], row["id"], row["expires_at"], row["client_state"])


# --- mapping ---------------------------------------------------------------------------------


def _is_slot(table: Any, slot: SlotRef) -> tuple[Any, ...]:
    return (
        table.c.plan_id == slot.plan_id,
        table.c.member_id == slot.member_id,
        table.c.revision == slot.revision,
    )


def _occurrence(row: Any) -> StoredOccurrence:
    return StoredOccurrence(
        SlotRef(row["plan_id"], row["member_id"], row["revision"]),
        row["occurrence_key"],
        TimeSpan(row["starts_at"], row["ends_at"]),
        Outcome(row["outcome"]),
        Decision(row["decision"]) if row["decision"] else None,
        row["event_id"],
    )
