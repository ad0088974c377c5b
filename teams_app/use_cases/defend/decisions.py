"""The member's answer on a collision card: Move, Keep or Skip one session.

Move updates that one occurrence in Outlook (Graph makes it an exception of the series), or,
when the occurrence was deleted, creates a single event at the new time. Keep records the
decision (an overlapped session kept counts as kept); on a deleted session it puts the session
back as a single event. Skip removes that one session from Outlook (deleting an occurrence of a
series cancels only that occurrence), so the time goes back to work; it counts as skipped.

In a team session only the organiser moves the meeting (for everyone) and Skip cancels that week
for everyone; an attendee keeps it or skips their own copy of that week.

Nothing is recorded unless Outlook did what was asked: Graph errors propagate to the caller,
which answers with a card that can be pressed again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from teams_app.domain.bookings import BookedSlot, SlotState
from teams_app.domain.calendar import CalendarEvent, EventChanges, TimeSpan
from teams_app.domain.errors import DomainError
from teams_app.domain.learning_plans import LearningPlan, PlanMode, PlanStatus
from teams_app.domain.occurrence_records import (
    CollisionState,
    Decision,
    SlotRef,
    StoredOccurrence,
)
from teams_app.domain.occurrences import CollisionKind, Outcome, collision_key
from teams_app.domain.slot_events import slot_event_draft
from teams_app.ports import Calendar, Clock, GraphNotFound, UnitOfWork, UnitOfWorkFactory
from teams_app.use_cases.defend.collision_cards import (
    MOVE_WITHIN,
    CollisionFacts,
    busy_spans,
    collision_details,
    defended_slot,
)

# Fixed forever: the namespace of single sessions made through a card (moved or put back).
_SINGLE_SESSIONS = uuid.UUID("0d6f3f38-5c1e-4f57-9a0e-2b7c9d4e8a13")


class NotYourSlot(DomainError):
    code = "slot_not_yours"


class StaleCard(DomainError):
    """The card no longer applies; `reason` is passed, cancelled or unknown."""

    code = "slot_card_stale"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MoveTargetInvalid(DomainError):
    """move_to is malformed, in the past or further ahead than the card offers."""

    code = "slot_move_invalid"


class MoveTargetTaken(DomainError):
    """The time is no longer free; `card` is the collision card again with a fresh suggestion."""

    code = "slot_move_taken"

    def __init__(self, card: CollisionFacts) -> None:
        super().__init__("taken")
        self.card = card


@dataclass(frozen=True)
class DecideOccurrence:
    slot: SlotRef
    occurrence_key: str
    decision: Decision
    by: str  # the AAD object id of who pressed the button
    move_to: datetime | None = None  # for MOVED: the new start, tz-aware


@dataclass(frozen=True)
class OccurrenceDecided:
    slot: SlotRef
    occurrence_key: str
    decision: Decision
    span: TimeSpan  # where the session is now
    time_zone: str  # the slot's, for display
    restored: bool = False  # put back (or moved) as a new event after it was deleted


@dataclass(frozen=True)
class _Loaded:
    plan: LearningPlan
    slot: BookedSlot
    occurrence: StoredOccurrence
    kind: CollisionKind | None  # of the card being answered, when known


async def card_for(
    slot: SlotRef, occurrence_key: str, *, uow: UnitOfWorkFactory, clock: Clock
) -> CollisionFacts:
    """The collision card again, as stored (for answers that leave it open), without Graph."""
    loaded = await _load(slot, occurrence_key, uow, at=clock.now())
    return _facts(loaded)


async def decide_occurrence(
    cmd: DecideOccurrence,
    *,
    uow: UnitOfWorkFactory,
    calendar: Calendar,
    clock: Clock,
) -> OccurrenceDecided:
    if cmd.by != cmd.slot.member_id:
        raise NotYourSlot()
    at = clock.now()
    if cmd.decision is Decision.KEPT:
        # Most answers under load are Keep on a session still in Outlook: read, decide and
        # record in one transaction. Only a Keep that must put the session back leaves it, to
        # call Graph outside any transaction.
        async with uow() as tx:
            loaded = await _load_in(tx, cmd.slot, cmd.occurrence_key, at=at)
            if not _needs_calendar(loaded, cmd.decision):
                decided = _decide_without_calendar(cmd, loaded)
                await _record(tx, cmd, decided, at=at)
                await tx.commit()
                return decided.result
    loaded = await _load(cmd.slot, cmd.occurrence_key, uow, at=at)
    decided = await _decide_in_calendar(cmd, loaded, calendar, at=at)
    async with uow() as tx:
        await _record(tx, cmd, decided, at=at)
        await tx.commit()
    return decided.result


def _deleted(occurrence: StoredOccurrence) -> bool:
    """Not in Outlook any more: deleted by someone, skipped or away (we removed it)."""
    return occurrence.outcome in (Outcome.SKIPPED, Outcome.AWAY) or (
        occurrence.outcome is Outcome.LOST and occurrence.decision is not Decision.SKIPPED
    )


def _is_team(loaded: _Loaded) -> bool:
    return loaded.plan.spec.mode is PlanMode.TEAM_SESSION


def _needs_calendar(loaded: _Loaded, decision: Decision) -> bool:
    if decision is not Decision.KEPT:
        return True
    return _deleted(loaded.occurrence) and not _is_team(loaded)


@dataclass(frozen=True)
class _Decided:
    result: OccurrenceDecided
    outcome: Outcome
    event_id: str | None


def _decide_without_calendar(cmd: DecideOccurrence, loaded: _Loaded) -> _Decided:
    """Keep on a session still in Outlook, or on a team session's deleted occurrence (not ours
    to put back): only the record changes."""
    occurrence = loaded.occurrence
    unchanged = occurrence.outcome is Outcome.MOVED or (
        _deleted(occurrence) and _is_team(loaded)
    )
    outcome = occurrence.outcome if unchanged else Outcome.BOOKED
    return _Decided(
        OccurrenceDecided(cmd.slot, cmd.occurrence_key, cmd.decision, occurrence.span,
                          loaded.slot.time_zone),
        outcome,
        occurrence.event_id,
    )


async def _decide_in_calendar(
    cmd: DecideOccurrence, loaded: _Loaded, calendar: Calendar, *, at: datetime
) -> _Decided:
    occurrence, slot = loaded.occurrence, loaded.slot
    deleted = _deleted(occurrence)
    span, event_id, restored = occurrence.span, occurrence.event_id, False
    # A team session is one meeting: only its organiser moves it, and what was deleted from it
    # (cancelled for everyone, or an attendee's own decline) is not ours to put back.
    team = _is_team(loaded)
    organiser = slot.member_id == cmd.slot.member_id
    if cmd.decision is Decision.MOVED and team and (deleted or not organiser):
        raise MoveTargetInvalid()
    if cmd.decision is Decision.MOVED:
        span = await _free_target(cmd, loaded, calendar, at=at)
        event = await _place(calendar, loaded, span, existing=None if deleted else event_id)
        event_id, restored = event.id, deleted
        outcome = Outcome.MOVED
    elif cmd.decision is Decision.KEPT:
        if not _needs_calendar(loaded, cmd.decision):
            return _decide_without_calendar(cmd, loaded)
        event = await _place(calendar, loaded, occurrence.span, existing=None)
        event_id, restored = event.id, True
        outcome = Outcome.BOOKED
    else:
        if not deleted and event_id is not None:
            # The person's own occurrence: their series, their copy of a team session (they
            # miss that week), or the organiser's meeting (cancelled that week for everyone).
            await _remove(calendar, cmd.slot.member_id, event_id)
        outcome = Outcome.SKIPPED
    return _Decided(
        OccurrenceDecided(cmd.slot, cmd.occurrence_key, cmd.decision, span, slot.time_zone,
                          restored),
        outcome,
        event_id,
    )


async def _record(tx: UnitOfWork, cmd: DecideOccurrence, decided: _Decided, *,
                  at: datetime) -> None:
    await tx.occurrences.decide(
        cmd.slot, cmd.occurrence_key, cmd.decision, outcome=decided.outcome, at=at,
        event_id=decided.event_id,
    )
    if cmd.decision is Decision.MOVED:
        # Our own move must not come back as a "your session was moved" card.
        await tx.occurrences.add_collision(
            cmd.slot,
            collision_key(cmd.occurrence_key, CollisionKind.MOVED, None),
            occurrence_key=cmd.occurrence_key,
            kind=CollisionKind.MOVED,
            state=CollisionState.ANSWERED,
            at=at,
        )
    await tx.occurrences.answer_collisions(cmd.slot, cmd.occurrence_key, at=at)


async def _load(
    ref: SlotRef, occurrence_key: str, uow: UnitOfWorkFactory, *, at: datetime
) -> _Loaded:
    async with uow(read_only=True) as tx:
        return await _load_in(tx, ref, occurrence_key, at=at)


async def _load_in(
    tx: UnitOfWork, ref: SlotRef, occurrence_key: str, *, at: datetime
) -> _Loaded:
    plan = await tx.plans.get(ref.plan_id)
    slot = await defended_slot(tx, plan, ref)
    occurrence = await tx.occurrences.occurrence(ref, occurrence_key)
    carded = [
        c for c in await tx.occurrences.collisions(ref) if c.occurrence_key == occurrence_key
    ]
    if (
        plan is None
        or slot is None
        or plan.status is not PlanStatus.ACTIVE
        or plan.revision != ref.revision
        or slot.state is not SlotState.BOOKED
    ):
        raise StaleCard("cancelled")
    if occurrence is None:
        raise StaleCard("unknown")
    if occurrence.span.start <= at:
        raise StaleCard("passed")
    kind = carded[-1].kind if carded else None
    return _Loaded(plan, slot, occurrence, kind)


def _facts(loaded: _Loaded, *, notice: str | None = None) -> CollisionFacts:
    kind = loaded.kind or CollisionKind.OVERLAPPED
    team = loaded.plan.spec.mode is PlanMode.TEAM_SESSION
    attendee = team and loaded.slot.member_id != loaded.occurrence.slot.member_id
    occurrence = loaded.occurrence
    return CollisionFacts(
        occurrence.slot,
        occurrence.key,
        kind,
        occurrence.span,
        loaded.slot.time_zone,
        # A team session's deleted occurrence: nothing to put back (see decide_occurrence).
        restore=kind in (CollisionKind.DELETED, CollisionKind.DECLINED) and not team,
        notice=notice,
        goal=loaded.plan.spec.goal.strip(),
        team=team and not attendee,
        attendee=attendee,
    )


async def _free_target(
    cmd: DecideOccurrence, loaded: _Loaded, calendar: Calendar, *, at: datetime
) -> TimeSpan:
    start = cmd.move_to
    booked = loaded.occurrence.span.start
    if start is None or start.tzinfo is None or start <= at or abs(start - booked) > MOVE_WITHIN:
        raise MoveTargetInvalid()
    target = TimeSpan(start, start + loaded.plan.spec.duration)
    events = await calendar.calendar_view(cmd.slot.member_id, target)
    own = loaded.occurrence.event_id
    if any(span.overlaps(target) for span in busy_spans(events, besides=own)):
        fresh = await collision_details(
            _facts(loaded, notice="not_free"),
            loaded.plan,
            calendar,
            at=at,
            instance_id=own,
            colliding_id=None,
        )
        raise MoveTargetTaken(replace(fresh, notice="not_free"))
    return target


async def _place(
    calendar: Calendar, loaded: _Loaded, span: TimeSpan, *, existing: str | None
) -> CalendarEvent:
    """Move the occurrence itself, or (when it was deleted) book the session as one event."""
    zone = loaded.slot.time_zone
    local_start, local_end = _local(span.start, zone), _local(span.end, zone)
    if existing is not None:
        changes = EventChanges(start=local_start, end=local_end, time_zone=zone)
        return await calendar.update_event(loaded.slot.member_id, existing, changes)
    series = slot_event_draft(loaded.plan, loaded.slot.member_id, loaded.slot.slot_time)
    draft = replace(
        series,
        start=local_start,
        end=local_end,
        recurrence=None,
        # Derived from what it books, so a retried create makes no second event.
        transaction_id=str(
            uuid.uuid5(
                _SINGLE_SESSIONS,
                f"{loaded.slot.transaction_id}/{loaded.occurrence.key}/{span.start.isoformat()}",
            )
        ),
    )
    return await calendar.create_event(loaded.slot.member_id, draft)


async def _remove(calendar: Calendar, member_id: str, event_id: str) -> None:
    try:
        await calendar.delete_event(member_id, event_id)
    except GraphNotFound:
        pass  # already gone (a retried skip, or the member deleted it meanwhile): as asked


def _local(instant: datetime, zone: str) -> datetime:
    return instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
