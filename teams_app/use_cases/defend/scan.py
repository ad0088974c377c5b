"""Defending booked learning time: a periodic scan, one job per mailbox, that counts every
session as booked, kept, moved, lost or away and cards each new collision once. A session on a
day the member is out of office is removed from their calendar, without a card.

Cheap by default: one calendarView delta round per mailbox. Only when it shows a change, or a
session needs its final count, are the series' instances and the other events read (see
`domain/calendar_scans.py`). Graph is read outside transactions; what the scan learns is stored
in one transaction with the collision-card jobs it causes, so a card is queued exactly when its
collision is first recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from teams_app.domain import calendar_scans as scans
from teams_app.domain.bookings import BookedSlot
from teams_app.domain.calendar import CalendarChanges, CalendarEvent, EventType, TimeSpan
from teams_app.domain.learning_plans import PlanMode, PlanStatus
from teams_app.domain.occurrence_records import (
    CardedCollision,
    CollisionState,
    ScanState,
    SlotRef,
    StoredOccurrence,
)
from teams_app.domain.occurrences import (
    Collision,
    Outcome,
    account,
    expected_occurrences,
    view_series,
)
from teams_app.ports import Calendar, Clock, GraphNotFound, UnitOfWork, UnitOfWorkFactory
from teams_app.use_cases.defend.collision_cards import COLLISION_CARD, collision_delivery_key

DEFEND_SCAN = "plans.defend_scan"  # periodic job kind: queues one DEFEND_MAILBOX per member
DEFEND_MAILBOX = "plans.defend_mailbox"  # payload: member_id
DEFAULT_LOOKAHEAD = timedelta(days=28)


@dataclass(frozen=True)
class StartDefendScan:
    scan_id: str  # the periodic job's id: a retried fan-out queues nothing twice


@dataclass(frozen=True)
class DefendMailbox:
    member_id: str
    lookahead: timedelta = DEFAULT_LOOKAHEAD


@dataclass(frozen=True)
class MailboxDefended:
    member_id: str
    slots: int
    read: bool  # False when the delta round showed nothing to read again
    new_delta: bool  # the delta window was opened (again)
    saved: int  # occurrences stored
    carded: int  # collision cards queued


@dataclass(frozen=True)
class _Defended:
    slot: BookedSlot
    stored: dict[str, StoredOccurrence]
    carded: tuple[CardedCollision, ...]
    scan: scans.SlotScan
    team: bool = False  # a team session's meeting: never removed here (it is everyone's)
    # A member's copy of a team session: the organiser, whose slot (`slot`) holds the meeting.
    organiser: str | None = None


async def start_defend_scan(
    cmd: StartDefendScan, *, uow: Callable[[], UnitOfWork]
) -> int:
    """Queue one scan per mailbox with booked slots, so a slow mailbox holds up no other."""
    queued = 0
    async with uow() as tx:
        for member_id in await tx.occurrences.booked_members():
            job_id = await tx.jobs.enqueue(
                DEFEND_MAILBOX,
                {"member_id": member_id},
                idempotency_key=f"defend:{cmd.scan_id}:{member_id}",
            )
            queued += job_id is not None
        await tx.commit()
    return queued


async def defend_mailbox(
    cmd: DefendMailbox, *, uow: UnitOfWorkFactory, calendar: Calendar, clock: Clock
) -> MailboxDefended:
    """GraphThrottled and GraphUnavailable propagate (the job retries); nothing is stored
    then, so the next run sees the same changes again."""
    at = clock.now()
    slots, state = await _load(cmd, uow, at)
    if not any(d.scan.open or d.scan.unstored for d in slots):
        # Nothing within reach can still change (a plan whose sessions are all counted, or
        # none yet within the lookahead): not even a delta round.
        return MailboxDefended(cmd.member_id, len(slots), False, False, 0, 0)
    changes, new_delta = await _delta_round(cmd, calendar, state, at)
    quiet = not new_delta and scans.is_quiet(changes)
    read = not quiet or any(scans.needs_read(d.scan, d.stored, at=at) for d in slots)
    found: list[StoredOccurrence] = []
    cards: list[tuple[SlotRef, Collision]] = []
    if read:
        found, cards = await _read_and_account(cmd.member_id, slots, calendar, at)
    if new_delta or state is None:
        window = scans.delta_window(at=at, lookahead=cmd.lookahead)
    else:
        window = state.window
    carded = 0
    async with uow() as tx:
        await tx.occurrences.save_occurrences(found, at=at)
        for slot, collision in cards:
            if not await tx.occurrences.add_collision(
                slot,
                collision.key,
                occurrence_key=collision.occurrence_key,
                kind=collision.kind,
                state=CollisionState.CARDED,
                at=at,
            ):
                continue  # a racing scan recorded it first and queued its card
            await tx.jobs.enqueue(
                COLLISION_CARD,
                {
                    "plan_id": slot.plan_id,
                    "member_id": slot.member_id,
                    "revision": slot.revision,
                    "occurrence_key": collision.occurrence_key,
                    "collision_key": collision.key,
                },
                idempotency_key=collision_delivery_key(slot, collision.key),
            )
            carded += 1
        await tx.occurrences.save_scan_state(
            ScanState(cmd.member_id, window, at, changes.delta_link)
        )
        await tx.commit()
    return MailboxDefended(cmd.member_id, len(slots), read, new_delta, len(found), carded)


async def _load(
    cmd: DefendMailbox, uow: UnitOfWorkFactory, at: datetime
) -> tuple[list[_Defended], ScanState | None]:
    defended: list[_Defended] = []
    async with uow(read_only=True) as tx:
        state = await tx.occurrences.scan_state(cmd.member_id)
        own = await tx.occurrences.booked_slots_of(cmd.member_id)
        # The team sessions this person attends: the organiser's slot is the meeting, and
        # their own copy of it (found by iCalUId when the calendar is read) is what is defended.
        meetings = await tx.occurrences.organiser_slots_for(cmd.member_id)
        for slot in [*own, *meetings]:
            plan = await tx.plans.get(slot.plan_id)
            if plan is None or plan.status is not PlanStatus.ACTIVE or not slot.event_id:
                continue
            team = plan.spec.mode is PlanMode.TEAM_SESSION
            attending = slot.member_id != cmd.member_id
            if (team and slot.member_id != plan.owner_id) or (attending and not team):
                continue  # a personal plan's owner's own series is theirs alone
            ref = SlotRef(slot.plan_id, cmd.member_id, slot.revision)
            expected = expected_occurrences(plan.spec, slot.slot_time, since=slot.since)
            stored = {o.key: o for o in await tx.occurrences.occurrences(ref)}
            carded = tuple(await tx.occurrences.collisions(ref))
            scan = scans.slot_scan(ref, expected, stored, at=at, lookahead=cmd.lookahead)
            organiser = slot.member_id if attending else None
            defended.append(_Defended(slot, stored, carded, scan, team, organiser))
    return defended, state


async def _delta_round(
    cmd: DefendMailbox, calendar: Calendar, state: ScanState | None, at: datetime
) -> tuple[CalendarChanges, bool]:
    """One delta round from the stored link, or a new window when the link no longer reaches
    far enough ahead or Graph forgot it (410 Gone arrives as GraphNotFound)."""
    if not scans.needs_new_delta(state, at=at, lookahead=cmd.lookahead) and state is not None:
        try:
            return await calendar.delta_scan(cmd.member_id, delta_link=state.delta_link), False
        except GraphNotFound:
            pass
    window = scans.delta_window(at=at, lookahead=cmd.lookahead)
    return await calendar.delta_scan(cmd.member_id, window), True


async def _remove(calendar: Calendar, mailbox: str, event_id: str) -> None:
    try:
        await calendar.delete_event(mailbox, event_id)
    except GraphNotFound:
        pass  # gone already: what the removal wanted


async def _series_in(mailbox: str, d: _Defended, calendar: Calendar) -> str | None:
    """The series to read in `mailbox`: its own, or its copy of the organiser's meeting (None
    when it has none: they removed it, which reads as every session deleted)."""
    if d.organiser is None:
        return d.slot.event_id
    meeting = await calendar.event(d.organiser, d.slot.event_id or "")
    if not meeting.ical_uid:
        return None
    copies = await calendar.events_by_ical_uid(mailbox, meeting.ical_uid)
    return next(
        (c.id for c in copies if c.type is EventType.SERIES_MASTER and not c.is_cancelled), None
    )


async def _read_and_account(
    mailbox: str, slots: Sequence[_Defended], calendar: Calendar, at: datetime
) -> tuple[list[StoredOccurrence], list[tuple[SlotRef, Collision]]]:
    windows = [d.scan.window for d in slots if d.scan.window is not None]
    others: list[CalendarEvent] = []
    if windows:
        whole = TimeSpan(min(w.start for w in windows), max(w.end for w in windows))
        others = await calendar.calendar_view(mailbox, whole)
    found: list[StoredOccurrence] = []
    cards: list[tuple[SlotRef, Collision]] = []
    for d in slots:
        ref, window = d.scan.slot, d.scan.window
        found += [
            StoredOccurrence(ref, o.key, o.span, Outcome.BOOKED) for o in d.scan.unstored
        ]
        if window is None or d.slot.event_id is None:
            continue
        try:
            series_id = await _series_in(mailbox, d, calendar)
            instances = (
                await calendar.series_instances(mailbox, series_id, window) if series_id else []
            )
        except GraphNotFound:
            instances = []  # the whole series was deleted: every open session is
        expected = list(d.scan.open)
        views = scans.with_replacements(
            view_series(expected, instances),
            d.stored,
            {o.key: o for o in expected},
            others,
        )
        accounted = account(
            expected, views, at=at, other_events=others, kept_anyway=scans.kept_anyway(d.stored)
        )
        # Removing an occurrence of a team session would cancel it for everyone invited: an
        # organiser away that day is counted away, and the meeting stays.
        for event_id in [] if d.team else scans.away_to_remove(accounted, at=at):
            await _remove(calendar, mailbox, event_id)
        found += scans.outcomes(ref, accounted, d.stored)
        cards += [
            (ref, c)
            for c in scans.new_collisions(
                expected, views, at=at, other_events=others, stored=d.stored, carded=d.carded
            )
        ]
    return found, cards
