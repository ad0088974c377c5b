"""Occurrence accounting: what became of each session of a slot, and which upcoming ones collide.

Pure: the calendar's current view (series instances, other events) and "now" are passed in.
An occurrence is identified by its planned start in UTC (`occurrence_key`), the way Graph
identifies an instance by `originalStart`: it survives moves, and a deleted instance still has
one, so a card about it can be answered later.

Outcomes (every session is counted once, which is what the kept-vs-booked reports add up):
- BOOKED: upcoming and where it was booked;
- MOVED: upcoming, moved to another time (still learning time, not lost);
- KEPT: its time has passed and it was not lost (moved ones included);
- LOST: deleted or declined; or passed while another busy event overlapped it and the member
  did not choose "Keep";
- SKIPPED: the member chose "Skip this week" and the session left their calendar: the time went
  back to work by their own decision, so it is neither kept nor lost, and no longer booked;
- AWAY: on a day the member is out of office (an `oof` event covers its day, or overlaps it
  when the absence is not all-day): not lost, not kept, not booked. The defend scan removes an
  upcoming one from their calendar; it never makes a collision card.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from teams_app.domain.calendar import CalendarEvent, EventType, ShowAs, TimeSpan
from teams_app.domain.learning_plans import PlanSpec
from teams_app.domain.slots import BUSY_STATUSES, SlotTime, occurrence_spans


class Presence(StrEnum):
    PRESENT = "present"  # where it was booked
    MOVED = "moved"  # still in the calendar, at another time
    DELETED = "deleted"
    DECLINED = "declined"  # a team session the member declined


class Outcome(StrEnum):
    BOOKED = "booked"
    MOVED = "moved"
    KEPT = "kept"
    LOST = "lost"
    SKIPPED = "skipped"
    AWAY = "away"


class CollisionKind(StrEnum):
    DELETED = "deleted"
    DECLINED = "declined"
    MOVED = "moved"
    OVERLAPPED = "overlapped"


@dataclass(frozen=True)
class ExpectedOccurrence:
    key: str  # see occurrence_key
    day: date  # local date in the slot's zone
    span: TimeSpan  # as booked, UTC


@dataclass(frozen=True)
class OccurrenceView:
    """What the calendar shows now for one expected occurrence."""

    key: str
    presence: Presence
    event_id: str | None = None  # the instance's Graph id (None when deleted)
    span: TimeSpan | None = None  # where it is now, when present or moved


@dataclass(frozen=True)
class AccountedOccurrence:
    occurrence: ExpectedOccurrence
    outcome: Outcome
    view: OccurrenceView

    @property
    def hours(self) -> timedelta:
        return self.occurrence.span.duration  # the booked length: what the plan promised


@dataclass(frozen=True)
class Collision:
    """What the collision card needs: which session, what happened, and with what."""

    occurrence_key: str
    day: date
    kind: CollisionKind
    span: TimeSpan  # where the session is now (as booked when deleted or declined)
    event_id: str | None = None
    colliding_event_id: str | None = None
    colliding_subject: str | None = field(default=None, repr=False)

    @property
    def key(self) -> str:
        """Stable per occurrence, kind and colliding event: a card is sent once per key, and an
        answered card (Keep, Move, Skip) marks its key handled."""
        return collision_key(self.occurrence_key, self.kind, self.colliding_event_id)


@dataclass(frozen=True)
class Tally:
    booked: timedelta = timedelta(0)  # every session of the horizon
    due: timedelta = timedelta(0)  # sessions whose time has passed
    kept: timedelta = timedelta(0)
    lost: timedelta = timedelta(0)  # past and upcoming
    upcoming: timedelta = timedelta(0)  # booked or moved, still ahead
    skipped: timedelta = timedelta(0)  # given back to work: in none of the above
    away: timedelta = timedelta(0)  # out of office that day: in none of the above

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.booked + other.booked,
            self.due + other.due,
            self.kept + other.kept,
            self.lost + other.lost,
            self.upcoming + other.upcoming,
            self.skipped + other.skipped,
            self.away + other.away,
        )


@dataclass(frozen=True)
class TeamTally:
    members: Mapping[str, Tally]
    total: Tally


# --- functions -----------------------------------------------------------------------------


def occurrence_key(original_start: datetime) -> str:
    return original_start.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def collision_key(occurrence: str, kind: CollisionKind, colliding_event_id: str | None) -> str:
    return f"{occurrence}|{kind.value}|{colliding_event_id or ''}"


def expected_occurrences(
    plan: PlanSpec, slot: SlotTime, *, since: datetime | None = None
) -> list[ExpectedOccurrence]:
    """`since`: the slot's series starts with the first session from then on (an edit's
    revision, `BookedSlot.since`); the sessions before are the older revision's."""
    return [
        ExpectedOccurrence(occurrence_key(span.start), day, span)
        for day, span in occurrence_spans(plan, slot, since=since)
    ]


def view_series(
    expected: Sequence[ExpectedOccurrence],
    instances: Sequence[CalendarEvent],
    *,
    declined_event_ids: Collection[str] = (),
) -> list[OccurrenceView]:
    """Match the series' instances (Calendar.series_instances) to the expected occurrences.
    An expected occurrence with no live instance was deleted."""
    by_key: dict[str, CalendarEvent] = {}
    for event in sorted(instances, key=lambda e: e.id):
        if event.type is EventType.SERIES_MASTER:
            continue
        by_key.setdefault(occurrence_key(event.original_start or event.start), event)
    views: list[OccurrenceView] = []
    for occurrence in expected:
        found = by_key.get(occurrence.key)
        if found is None or found.is_cancelled:
            views.append(OccurrenceView(occurrence.key, Presence.DELETED))
        elif found.id in declined_event_ids:
            views.append(OccurrenceView(occurrence.key, Presence.DECLINED, found.id, found.span))
        else:
            moved = found.span != occurrence.span
            presence = Presence.MOVED if moved else Presence.PRESENT
            views.append(OccurrenceView(occurrence.key, presence, found.id, found.span))
    return views


def account(
    expected: Sequence[ExpectedOccurrence],
    views: Sequence[OccurrenceView],
    *,
    at: datetime,
    other_events: Sequence[CalendarEvent] = (),
    kept_anyway: Collection[str] = (),
) -> list[AccountedOccurrence]:
    """Classify every expected occurrence. `kept_anyway` holds the occurrence keys where the
    member answered a collision card with Keep."""
    seen = _views_by_key(expected, views)
    blockers = _blockers(views, other_events)
    absences = _absences(blockers)
    accounted = []
    for occurrence in expected:
        view = seen[occurrence.key]
        span = view.span or occurrence.span
        if view.presence in (Presence.DELETED, Presence.DECLINED):
            outcome = Outcome.LOST
        elif _away(occurrence, view, absences):
            outcome = Outcome.AWAY
        elif span.end > at:
            outcome = Outcome.MOVED if view.presence is Presence.MOVED else Outcome.BOOKED
        elif occurrence.key not in kept_anyway and _first_overlap(span, blockers):
            outcome = Outcome.LOST
        else:
            outcome = Outcome.KEPT
        accounted.append(AccountedOccurrence(occurrence, outcome, view))
    return accounted


def collisions(
    expected: Sequence[ExpectedOccurrence],
    views: Sequence[OccurrenceView],
    *,
    at: datetime,
    other_events: Sequence[CalendarEvent] = (),
    handled: Collection[str] = (),
) -> list[Collision]:
    """Upcoming occurrences that were deleted, declined, moved (by someone else: a move made
    through the card is marked handled) or are overlapped by another busy event, at most one
    collision each, the most serious first. `handled` holds `Collision.key`s already answered."""
    seen = _views_by_key(expected, views)
    blockers = _blockers(views, other_events)
    absences = _absences(blockers)
    found: list[Collision] = []
    for occurrence in expected:
        view = seen[occurrence.key]
        span = view.span or occurrence.span
        if span.start <= at or _away(occurrence, view, absences):
            continue  # an absence is a day away, not a collision to defend
        for kind, blocker in _possible_collisions(view, span, blockers):
            collision = Collision(
                occurrence.key,
                occurrence.day,
                kind,
                span,
                view.event_id,
                blocker.id if blocker else None,
                blocker.subject if blocker else None,
            )
            if collision.key not in handled:
                found.append(collision)
                break
    return found


def tally(accounted: Sequence[AccountedOccurrence], *, at: datetime) -> Tally:
    total = Tally()
    for item in accounted:
        hours, outcome = item.hours, item.outcome
        if outcome is Outcome.SKIPPED:
            total += Tally(skipped=hours)
            continue
        if outcome is Outcome.AWAY:
            total += Tally(away=hours)
            continue
        passed = outcome is Outcome.KEPT or (
            outcome is Outcome.LOST and item.occurrence.span.end <= at
        )
        total += Tally(
            booked=hours,
            due=hours if passed else timedelta(0),
            kept=hours if outcome is Outcome.KEPT else timedelta(0),
            lost=hours if outcome is Outcome.LOST else timedelta(0),
            upcoming=hours if outcome in (Outcome.BOOKED, Outcome.MOVED) else timedelta(0),
        )
    return total


def team_tally(
    per_member: Mapping[str, Sequence[AccountedOccurrence]], *, at: datetime
) -> TeamTally:
    members = {member: tally(items, at=at) for member, items in sorted(per_member.items())}
    return TeamTally(members, sum(members.values(), Tally()))


# --- internals -----------------------------------------------------------------------------


def _views_by_key(
    expected: Sequence[ExpectedOccurrence], views: Sequence[OccurrenceView]
) -> dict[str, OccurrenceView]:
    seen = {view.key: view for view in views}
    # An occurrence the caller has no view of is treated as deleted: not there is not kept.
    return {o.key: seen.get(o.key) or OccurrenceView(o.key, Presence.DELETED) for o in expected}


def _blockers(
    views: Sequence[OccurrenceView], other_events: Sequence[CalendarEvent]
) -> list[CalendarEvent]:
    """Other events that take the person's time, without the slot's own instances."""
    own = {view.event_id for view in views if view.event_id}
    return sorted(
        (
            event
            for event in other_events
            if event.id not in own
            and not event.is_cancelled
            and event.type is not EventType.SERIES_MASTER
            and event.show_as in BUSY_STATUSES
        ),
        key=lambda e: (e.start, e.id),
    )


def _absences(blockers: Sequence[CalendarEvent]) -> list[CalendarEvent]:
    return [event for event in blockers if event.show_as is ShowAs.OUT_OF_OFFICE]


def _away(
    occurrence: ExpectedOccurrence, view: OccurrenceView, absences: Sequence[CalendarEvent]
) -> bool:
    """Whether the member is out of office when the session is. Graph gives an all-day event
    as floating dates (midnight to midnight in whatever zone was asked for), so it is compared
    by the session's local date; a timed absence by overlap."""
    if view.presence not in (Presence.PRESENT, Presence.MOVED):
        return False
    span = view.span or occurrence.span
    for event in absences:
        if event.is_all_day and view.presence is Presence.PRESENT:
            if event.start.date() <= occurrence.day < event.end.date():
                return True
        elif event.span.overlaps(span):
            return True
    return False


def _first_overlap(span: TimeSpan, blockers: Sequence[CalendarEvent]) -> CalendarEvent | None:
    return next((event for event in blockers if event.span.overlaps(span)), None)


def _possible_collisions(
    view: OccurrenceView, span: TimeSpan, blockers: Sequence[CalendarEvent]
) -> list[tuple[CollisionKind, CalendarEvent | None]]:
    if view.presence is Presence.DELETED:
        return [(CollisionKind.DELETED, None)]
    if view.presence is Presence.DECLINED:
        return [(CollisionKind.DECLINED, None)]
    possible: list[tuple[CollisionKind, CalendarEvent | None]] = []
    if view.presence is Presence.MOVED:
        possible.append((CollisionKind.MOVED, None))
    possible += [(CollisionKind.OVERLAPPED, e) for e in blockers if e.span.overlaps(span)]
    return possible
