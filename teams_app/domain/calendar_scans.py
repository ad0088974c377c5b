"""Defending a mailbox's booked slots between scans: when the cheap delta round is enough, which
sessions to read again, and how the member's decisions bend the accounting.

Pure. The defend use case reads the calendar (delta, series instances, calendar view) and
stores what these functions return. The rules:

- A mailbox keeps one calendarView delta link. Its window starts a day back and reaches
  `lookahead` plus a week ahead; once it no longer reaches `lookahead` ahead, it is opened again.
- A session is *settled* once kept, or lost with its booked time passed; settled sessions are
  never read again. Open sessions up to `lookahead` ahead are read when the delta round shows a
  change, when one has no stored outcome yet, or when one's booked time has passed (so it can be
  counted kept or lost).
- The member's decisions win over what the calendar shows: a skipped session left the calendar
  by the member's choice, so its absence is no deletion to defend;
- A session on a day the member is out of office counts as away and leaves the calendar (the
  scan removes it), so the time is not held for someone who is not there;
  a session moved or put back through the card lives on in the event the card made when Graph
  left no instance for it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from teams_app.domain.calendar import CalendarChanges, CalendarEvent, TimeSpan
from teams_app.domain.occurrence_records import (
    CardedCollision,
    CollisionState,
    Decision,
    ScanState,
    SlotRef,
    StoredOccurrence,
)
from teams_app.domain.occurrences import (
    AccountedOccurrence,
    Collision,
    ExpectedOccurrence,
    OccurrenceView,
    Outcome,
    Presence,
    collisions,
)

DELTA_LOOKBACK = timedelta(days=1)
DELTA_SLACK = timedelta(days=7)  # how far past the lookahead a new window reaches
MOVED_REACH = timedelta(days=7)  # how far from its booked time a moved session is looked for


@dataclass(frozen=True)
class SlotScan:
    """What one slot needs from the calendar this round."""

    slot: SlotRef
    open: tuple[ExpectedOccurrence, ...]  # sessions whose outcome may still change
    unstored: tuple[ExpectedOccurrence, ...]  # beyond the lookahead and not stored yet

    @property
    def window(self) -> TimeSpan | None:
        """The span to read instances and other events in: all open sessions, widened so a
        session moved up to `MOVED_REACH` away is still found (beyond, it reads as deleted)."""
        if not self.open:
            return None
        return TimeSpan(
            min(o.span.start for o in self.open) - MOVED_REACH,
            max(o.span.end for o in self.open) + MOVED_REACH,
        )


def delta_window(*, at: datetime, lookahead: timedelta) -> TimeSpan:
    return TimeSpan(at - DELTA_LOOKBACK, at + lookahead + DELTA_SLACK)


def needs_new_delta(state: ScanState | None, *, at: datetime, lookahead: timedelta) -> bool:
    """A stored delta link serves while its window still covers from a day back to
    `lookahead` ahead; otherwise sessions near its edge would change unseen."""
    if state is None or not state.delta_link:
        return True
    return state.window.end < at + lookahead or state.window.start > at - DELTA_LOOKBACK


def settled(stored: StoredOccurrence, *, at: datetime) -> bool:
    if stored.outcome in (Outcome.KEPT, Outcome.SKIPPED, Outcome.AWAY):
        return True
    return stored.outcome is Outcome.LOST and stored.span.end <= at


def slot_scan(
    slot: SlotRef,
    expected: Sequence[ExpectedOccurrence],
    stored: Mapping[str, StoredOccurrence],
    *,
    at: datetime,
    lookahead: timedelta,
) -> SlotScan:
    horizon = at + lookahead
    open_: list[ExpectedOccurrence] = []
    unstored: list[ExpectedOccurrence] = []
    for occurrence in expected:
        known = stored.get(occurrence.key)
        if known is not None and settled(known, at=at):
            continue
        if occurrence.span.start < horizon:
            open_.append(occurrence)
        elif known is None:
            unstored.append(occurrence)
    return SlotScan(slot, tuple(open_), tuple(unstored))


def needs_read(
    scan: SlotScan, stored: Mapping[str, StoredOccurrence], *, at: datetime
) -> bool:
    """Whether this slot must be read even though the delta round showed no change."""
    for occurrence in scan.open:
        known = stored.get(occurrence.key)
        if known is None:
            return True
        if known.outcome in (Outcome.BOOKED, Outcome.MOVED) and occurrence.span.end <= at:
            return True  # its time has passed: kept or lost is decided now
    return False


def is_quiet(changes: CalendarChanges) -> bool:
    return not changes.changed and not changes.removed_ids


def with_replacements(
    views: Sequence[OccurrenceView],
    stored: Mapping[str, StoredOccurrence],
    expected: Mapping[str, ExpectedOccurrence],
    events: Sequence[CalendarEvent],
) -> list[OccurrenceView]:
    """A session the member moved or put back through the card, whose instance Graph no
    longer lists (it was deleted before), lives on in the event the card created."""
    by_id = {event.id: event for event in events if not event.is_cancelled}
    out: list[OccurrenceView] = []
    for view in views:
        known = stored.get(view.key)
        replacement = by_id.get(known.event_id or "") if known is not None else None
        if (
            view.presence is Presence.DELETED
            and known is not None
            and known.decision in (Decision.KEPT, Decision.MOVED)
            and replacement is not None
        ):
            booked = expected[view.key].span
            moved = replacement.span != booked
            presence = Presence.MOVED if moved else Presence.PRESENT
            out.append(OccurrenceView(view.key, presence, replacement.id, replacement.span))
        else:
            out.append(view)
    return out


def away_to_remove(accounted: Sequence[AccountedOccurrence], *, at: datetime) -> list[str]:
    """The calendar events of upcoming sessions on a day away, to remove from the calendar."""
    return [
        item.view.event_id
        for item in accounted
        if item.outcome is Outcome.AWAY
        and item.view.event_id
        and (item.view.span or item.occurrence.span).start > at
    ]


def kept_anyway(stored: Mapping[str, StoredOccurrence]) -> set[str]:
    return {key for key, s in stored.items() if s.decision is Decision.KEPT}


def outcomes(
    slot: SlotRef,
    accounted: Sequence[AccountedOccurrence],
    stored: Mapping[str, StoredOccurrence],
) -> list[StoredOccurrence]:
    """What to store for each accounted session; a skip stays skipped whatever the calendar
    says."""
    out: list[StoredOccurrence] = []
    for item in accounted:
        key = item.occurrence.key
        known = stored.get(key)
        decision = known.decision if known is not None else None
        outcome = Outcome.SKIPPED if decision is Decision.SKIPPED else item.outcome
        event_id = item.view.event_id or (known.event_id if known is not None else None)
        out.append(StoredOccurrence(slot, key, item.occurrence.span, outcome, decision, event_id))
    return out


def new_collisions(
    expected: Sequence[ExpectedOccurrence],
    views: Sequence[OccurrenceView],
    *,
    at: datetime,
    other_events: Sequence[CalendarEvent],
    stored: Mapping[str, StoredOccurrence],
    carded: Collection[CardedCollision],
) -> list[Collision]:
    """Collisions to card: never one already carded or answered, none for a session the
    member skipped or is away for, and none while a card about the same session is still
    unanswered."""
    waiting = {c.occurrence_key for c in carded if c.state is CollisionState.CARDED}
    skipped = {
        k
        for k, s in stored.items()
        if s.decision is Decision.SKIPPED or s.outcome is Outcome.AWAY
    }
    found = collisions(
        expected, views, at=at, other_events=other_events, handled={c.key for c in carded}
    )
    return [c for c in found if c.occurrence_key not in waiting | skipped]
