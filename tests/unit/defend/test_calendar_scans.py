"""The defend scan's rules: when a delta link still serves, which sessions are read again, and
how the member's decisions bend what the calendar shows."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from teams_app.domain import calendar_scans as scans
from teams_app.domain.cadences import Cadence, Horizon, LearningWindow
from teams_app.domain.calendar import (
    CalendarChanges,
    CalendarEvent,
    EventType,
    ShowAs,
    TimeSpan,
    Weekday,
)
from teams_app.domain.learning_plans import MemberSource, PlanSpec
from teams_app.domain.occurrence_records import (
    CardedCollision,
    CollisionState,
    Decision,
    ScanState,
    SlotRef,
    StoredOccurrence,
)
from teams_app.domain.occurrences import (
    CollisionKind,
    OccurrenceView,
    Outcome,
    Presence,
    account,
    expected_occurrences,
    view_series,
)
from teams_app.domain.slots import SlotTime

PLAN = PlanSpec(
    members=MemberSource.direct_reports(),
    cadence=Cadence.weekly(),
    duration_minutes=60,
    window=LearningWindow((Weekday.TUESDAY,), time(9), time(16)),
    horizon=Horizon(date(2026, 3, 3), occurrences=8),
)
EXPECTED = expected_occurrences(PLAN, SlotTime((Weekday.TUESDAY,), time(10), "Europe/Stockholm"))
SLOT = SlotRef("p-1", "m-1", 1)
NOW = datetime(2026, 3, 12, 12, 0, tzinfo=UTC)  # two sessions past
LOOKAHEAD = timedelta(days=28)


def stored(n: int, outcome: Outcome, decision: Decision | None = None,
           event_id: str | None = None) -> StoredOccurrence:
    o = EXPECTED[n]
    return StoredOccurrence(SLOT, o.key, o.span, outcome, decision, event_id or f"i-{n}")


def instance(n: int, *, moved: timedelta = timedelta(0)) -> CalendarEvent:
    o = EXPECTED[n]
    return CalendarEvent(f"i-{n}", "Learning time", o.span.start + moved, o.span.end + moved,
                         EventType.EXCEPTION if moved else EventType.OCCURRENCE,
                         original_start=o.span.start)


def test_a_delta_link_serves_until_its_window_stops_reaching_far_enough() -> None:
    window = scans.delta_window(at=NOW, lookahead=LOOKAHEAD)
    assert window == TimeSpan(NOW - timedelta(days=1), NOW + LOOKAHEAD + timedelta(days=7))
    state = ScanState("m-1", window, NOW, "link")
    assert not scans.needs_new_delta(state, at=NOW + timedelta(days=7), lookahead=LOOKAHEAD)
    assert scans.needs_new_delta(state, at=NOW + timedelta(days=8), lookahead=LOOKAHEAD)
    assert scans.needs_new_delta(None, at=NOW, lookahead=LOOKAHEAD)
    assert scans.needs_new_delta(ScanState("m-1", window, NOW, None), at=NOW,
                                 lookahead=LOOKAHEAD)


def test_settled_sessions_are_not_read_again_and_far_ones_are_stored_once() -> None:
    known = {
        EXPECTED[0].key: stored(0, Outcome.KEPT),
        EXPECTED[1].key: stored(1, Outcome.LOST),
        EXPECTED[2].key: stored(2, Outcome.LOST),  # deleted, still ahead: may come back
        EXPECTED[4].key: stored(4, Outcome.SKIPPED, Decision.SKIPPED),  # ahead, but decided
        EXPECTED[6].key: stored(6, Outcome.AWAY),  # beyond the lookahead, a day off: removed
        EXPECTED[7].key: stored(7, Outcome.BOOKED),
    }
    scan = scans.slot_scan(SLOT, EXPECTED, known, at=NOW, lookahead=LOOKAHEAD)
    assert [o.key for o in scan.open] == [o.key for o in (*EXPECTED[2:4], EXPECTED[5])]
    assert [o.key for o in scan.unstored] == []  # 6 and 7 are stored already
    assert scan.window == TimeSpan(EXPECTED[2].span.start - scans.MOVED_REACH,
                                   EXPECTED[5].span.end + scans.MOVED_REACH)


def test_a_quiet_delta_still_reads_a_slot_whose_session_has_just_passed() -> None:
    everything = {o.key: stored(n, Outcome.BOOKED if n > 1 else Outcome.KEPT)
                  for n, o in enumerate(EXPECTED)}
    scan = scans.slot_scan(SLOT, EXPECTED, everything, at=NOW, lookahead=LOOKAHEAD)
    assert scans.needs_read(scan, everything, at=NOW) is False
    missing = scans.slot_scan(SLOT, EXPECTED, {}, at=NOW, lookahead=LOOKAHEAD)
    assert scans.needs_read(missing, {}, at=NOW)
    later = NOW + timedelta(days=5)  # session 2 has passed, still counted booked
    assert scans.needs_read(scan, everything, at=later)
    assert scans.is_quiet(CalendarChanges((), (), "l"))
    assert not scans.is_quiet(CalendarChanges((), ("gone",), "l"))


def test_a_skip_stays_skipped_and_a_card_made_event_stands_in_for_a_deleted_instance() -> None:
    expected = EXPECTED[2:5]
    moved_to = expected[1].span.start + timedelta(days=1)
    replacement = CalendarEvent("single-9", "Learning time", moved_to,
                                moved_to + timedelta(hours=1), EventType.SINGLE)
    known = {
        expected[0].key: stored(2, Outcome.SKIPPED, Decision.SKIPPED),
        expected[1].key: stored(3, Outcome.MOVED, Decision.MOVED, event_id="single-9"),
        expected[2].key: stored(4, Outcome.BOOKED, Decision.KEPT),
    }
    views = view_series(expected, [instance(2), instance(4)])  # 3 was deleted before the move
    assert views[1].presence is Presence.DELETED
    views = scans.with_replacements(views, known, {o.key: o for o in expected}, [replacement])
    assert views[1] == OccurrenceView(expected[1].key, Presence.MOVED, "single-9",
                                      replacement.span)
    accounted = account(expected, views, at=NOW, other_events=[replacement],
                        kept_anyway=scans.kept_anyway(known))
    out = scans.outcomes(SLOT, accounted, known)
    assert [(o.outcome, o.decision) for o in out] == [
        (Outcome.SKIPPED, Decision.SKIPPED),
        (Outcome.MOVED, Decision.MOVED),
        (Outcome.BOOKED, Decision.KEPT),
    ]
    assert out[1].event_id == "single-9"


def test_no_card_for_a_skipped_session_nor_while_one_is_unanswered() -> None:
    expected = EXPECTED[2:5]
    views = view_series(expected, [instance(2), instance(3), instance(4, moved=timedelta(hours=2))])
    meeting = CalendarEvent("ev-1", "Sprint review", expected[0].span.start,
                            expected[1].span.end, EventType.SINGLE)
    carded = [CardedCollision(SLOT, f"{expected[1].key}|overlapped|ev-1", expected[1].key,
                              CollisionKind.OVERLAPPED, CollisionState.CARDED)]
    known = {expected[0].key: stored(2, Outcome.SKIPPED, Decision.SKIPPED)}
    found = scans.new_collisions(expected, views, at=NOW, other_events=[meeting], stored=known,
                                 carded=carded)
    assert [(c.occurrence_key, c.kind) for c in found] == [(expected[2].key, CollisionKind.MOVED)]


def test_upcoming_sessions_on_a_day_off_are_removed_and_never_carded_later() -> None:
    expected = EXPECTED[1:4]  # one past, two ahead
    day_off = CalendarEvent("oof-1", "Vacation", expected[0].span.start - timedelta(hours=2),
                            expected[2].span.end + timedelta(hours=2), EventType.SINGLE,
                            show_as=ShowAs.OUT_OF_OFFICE)
    views = view_series(expected, [instance(1), instance(2), instance(3)])
    accounted = account(expected, views, at=NOW, other_events=[day_off])
    assert [a.outcome for a in accounted] == [Outcome.AWAY] * 3
    assert scans.away_to_remove(accounted, at=NOW) == [views[1].event_id, views[2].event_id]
    # Once removed, the next scan sees them deleted: still no card for a day away.
    known = {o.key: o for o in scans.outcomes(SLOT, accounted, {})}
    gone = view_series(expected, [])
    assert scans.new_collisions(expected, gone, at=NOW, other_events=[], stored=known,
                                carded=[]) == []
