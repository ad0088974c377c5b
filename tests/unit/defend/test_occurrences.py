"""Occurrence accounting: booked, kept, moved, lost; collisions for the card; kept-vs-booked."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from teams_app.domain.cadences import Cadence, Horizon, LearningWindow
from teams_app.domain.calendar import CalendarEvent, EventType, ShowAs, TimeSpan, Weekday
from teams_app.domain.learning_plans import MemberSource, PlanSpec
from teams_app.domain.occurrences import (
    CollisionKind,
    ExpectedOccurrence,
    OccurrenceView,
    Outcome,
    Presence,
    Tally,
    account,
    collision_key,
    collisions,
    expected_occurrences,
    occurrence_key,
    tally,
    team_tally,
    view_series,
)
from teams_app.domain.slots import SlotTime

STOCKHOLM = "Europe/Stockholm"
HOUR = timedelta(hours=1)
PLAN = PlanSpec(
    members=MemberSource.direct_reports(),
    cadence=Cadence.weekly(),
    duration_minutes=60,
    window=LearningWindow((Weekday.TUESDAY,), time(9), time(16)),
    horizon=Horizon(date(2026, 3, 3), occurrences=6),  # 3 Mar … 7 Apr, EU DST on 29 Mar
)
SLOT = SlotTime((Weekday.TUESDAY,), time(10), STOCKHOLM)
EXPECTED = expected_occurrences(PLAN, SLOT)
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)  # three sessions past, three ahead


def instance(
    occurrence: ExpectedOccurrence, *, moved_by: timedelta = timedelta(0), cancelled: bool = False
) -> CalendarEvent:
    span = occurrence.span
    return CalendarEvent(
        id=f"occ-{occurrence.key}",
        subject="Learning time",
        start=span.start + moved_by,
        end=span.end + moved_by,
        type=EventType.EXCEPTION if moved_by else EventType.OCCURRENCE,
        series_master_id="series-1",
        original_start=span.start,
        is_cancelled=cancelled,
    )


def meeting(
    event_id: str, span: TimeSpan, *, show_as: ShowAs = ShowAs.BUSY, subject: str = "Sprint review"
) -> CalendarEvent:
    return CalendarEvent(event_id, subject, span.start, span.end, EventType.SINGLE, show_as=show_as)


def views(**presence: Presence) -> list[OccurrenceView]:
    """All six present, except those named by index: views(o4=Presence.DELETED)."""
    out = []
    for n, occurrence in enumerate(EXPECTED):
        kind = presence.get(f"o{n}", Presence.PRESENT)
        out.append(
            OccurrenceView(
                occurrence.key,
                kind,
                f"occ-{occurrence.key}",
                None if kind is Presence.DELETED else occurrence.span,
            )
        )
    return out


def test_expected_occurrences_follow_local_time_and_have_stable_keys() -> None:
    assert [o.day for o in EXPECTED] == [date(2026, 3, 3) + timedelta(weeks=k) for k in range(6)]
    local = {o.span.start.astimezone(ZoneInfo(STOCKHOLM)).time() for o in EXPECTED}
    assert local == {time(10)}
    assert EXPECTED[0].key == "20260303T0900Z" and EXPECTED[-1].key == "20260407T0800Z"
    assert occurrence_key(datetime(2026, 3, 3, 10, tzinfo=ZoneInfo(STOCKHOLM))) == EXPECTED[0].key


def test_the_series_instances_are_matched_to_what_was_booked() -> None:
    instances = [
        instance(EXPECTED[0]),
        instance(EXPECTED[1], moved_by=2 * HOUR),
        instance(EXPECTED[2], cancelled=True),
        # EXPECTED[3] is gone: deleted
        instance(EXPECTED[4]),
        instance(EXPECTED[5]),
        replace(instance(EXPECTED[0]), id="master", type=EventType.SERIES_MASTER),
    ]
    seen = view_series(EXPECTED, instances, declined_event_ids={f"occ-{EXPECTED[4].key}"})
    assert [v.presence for v in seen] == [
        Presence.PRESENT,
        Presence.MOVED,
        Presence.DELETED,
        Presence.DELETED,
        Presence.DECLINED,
        Presence.PRESENT,
    ]
    assert seen[1].span == TimeSpan(
        EXPECTED[1].span.start + 2 * HOUR, EXPECTED[1].span.end + 2 * HOUR
    )
    assert seen[3].event_id is None and seen[0].event_id == f"occ-{EXPECTED[0].key}"


def test_every_occurrence_gets_one_outcome() -> None:
    current = views(o1=Presence.MOVED, o2=Presence.DELETED, o4=Presence.MOVED, o5=Presence.DECLINED)
    current[1] = replace(
        current[1], span=TimeSpan(EXPECTED[1].span.start + HOUR, EXPECTED[1].span.end + HOUR)
    )
    current[4] = replace(
        current[4], span=TimeSpan(EXPECTED[4].span.start + HOUR, EXPECTED[4].span.end + HOUR)
    )
    clash = meeting("m-1", EXPECTED[0].span)  # someone booked over the first session
    outcomes = [a.outcome for a in account(EXPECTED, current, at=NOW, other_events=[clash])]
    assert outcomes == [
        Outcome.LOST,  # passed under another meeting
        Outcome.KEPT,  # moved, then happened
        Outcome.LOST,  # deleted
        Outcome.BOOKED,
        Outcome.MOVED,  # upcoming, at another time
        Outcome.LOST,  # declined
    ]
    kept = account(EXPECTED, current, at=NOW, other_events=[clash], kept_anyway={EXPECTED[0].key})
    assert kept[0].outcome is Outcome.KEPT


def test_overlaps_that_do_not_take_time_are_ignored() -> None:
    others = [
        meeting("free", EXPECTED[0].span, show_as=ShowAs.FREE),
        meeting("elsewhere", EXPECTED[0].span, show_as=ShowAs.WORKING_ELSEWHERE),
        replace(meeting("cancelled", EXPECTED[0].span), is_cancelled=True),
        replace(meeting(f"occ-{EXPECTED[0].key}", EXPECTED[0].span), subject="Learning time"),
        meeting("before", TimeSpan(EXPECTED[0].span.start - HOUR, EXPECTED[0].span.start)),
    ]
    [first, *_] = account(EXPECTED, views(), at=NOW, other_events=others)
    assert first.outcome is Outcome.KEPT


def test_collisions_tell_the_card_what_happened_and_with_what() -> None:
    current = views(o3=Presence.DELETED, o4=Presence.MOVED)
    new_time = TimeSpan(EXPECTED[4].span.start + HOUR, EXPECTED[4].span.end + HOUR)
    current[4] = replace(current[4], span=new_time)
    others = [
        meeting("m-late", TimeSpan(EXPECTED[5].span.start + HOUR / 2, EXPECTED[5].span.end)),
        meeting(
            "m-early",
            TimeSpan(EXPECTED[5].span.start, EXPECTED[5].span.end),
            subject="Customer call",
        ),
        meeting("m-past", EXPECTED[0].span),  # past: accounting, not a card
    ]
    found = collisions(EXPECTED, current, at=NOW, other_events=others)
    assert [(c.day, c.kind, c.colliding_event_id) for c in found] == [
        (date(2026, 3, 24), CollisionKind.DELETED, None),
        (date(2026, 3, 31), CollisionKind.MOVED, None),
        (date(2026, 4, 7), CollisionKind.OVERLAPPED, "m-early"),
    ]
    overlapped = found[2]
    assert overlapped.colliding_subject == "Customer call"
    assert overlapped.event_id == f"occ-{EXPECTED[5].key}" and overlapped.span == EXPECTED[5].span
    assert overlapped.occurrence_key == EXPECTED[5].key
    assert "Customer call" not in repr(overlapped)
    assert found[1].span == new_time


def test_answered_collisions_are_not_raised_again() -> None:
    current = views(o4=Presence.MOVED)
    new_time = TimeSpan(EXPECTED[4].span.start + HOUR, EXPECTED[4].span.end + HOUR)
    current[4] = replace(current[4], span=new_time)
    others = [
        meeting("m-1", EXPECTED[5].span),
        meeting("m-2", EXPECTED[5].span),
        meeting("m-3", new_time),
    ]
    handled = {
        collision_key(EXPECTED[4].key, CollisionKind.MOVED, None),  # moved through the card
        collision_key(EXPECTED[5].key, CollisionKind.OVERLAPPED, "m-1"),  # "Keep"
    }
    found = collisions(EXPECTED, current, at=NOW, other_events=others, handled=handled)
    assert [(c.occurrence_key, c.kind, c.colliding_event_id) for c in found] == [
        (EXPECTED[4].key, CollisionKind.OVERLAPPED, "m-3"),  # the new time collides now
        (EXPECTED[5].key, CollisionKind.OVERLAPPED, "m-2"),  # a second meeting: a new card
    ]
    assert found[0].key == collision_key(EXPECTED[4].key, CollisionKind.OVERLAPPED, "m-3")


def test_a_session_under_way_is_neither_kept_nor_a_collision() -> None:
    during = EXPECTED[3].span.start + HOUR / 2
    [*_, fourth, _, _] = account(EXPECTED, views(), at=during)
    assert fourth.outcome is Outcome.BOOKED
    found = collisions(EXPECTED, views(o3=Presence.DELETED), at=during)
    assert found == []


def test_missing_views_count_as_deleted() -> None:
    outcomes = [a.outcome for a in account(EXPECTED, views()[:4], at=NOW)]
    assert outcomes[4:] == [Outcome.LOST, Outcome.LOST]


def test_kept_versus_booked_hours_per_person_and_team() -> None:
    clash = meeting("m-1", EXPECTED[1].span)
    anna = account(EXPECTED, views(o4=Presence.DELETED), at=NOW, other_events=[clash])
    ben = account(EXPECTED, views(), at=NOW)
    assert tally(anna, at=NOW) == Tally(
        booked=6 * HOUR, due=3 * HOUR, kept=2 * HOUR, lost=2 * HOUR, upcoming=2 * HOUR
    )
    team = team_tally({"ben": ben, "anna": anna}, at=NOW)
    assert list(team.members) == ["anna", "ben"]
    assert team.members["ben"] == Tally(6 * HOUR, 3 * HOUR, 3 * HOUR, timedelta(0), 3 * HOUR)
    assert team.total == Tally(12 * HOUR, 6 * HOUR, 5 * HOUR, 2 * HOUR, 5 * HOUR)
    assert team_tally({}, at=NOW).total == Tally()


def test_a_skipped_session_is_neither_booked_nor_kept_nor_lost() -> None:
    accounted = account(EXPECTED, views(), at=NOW)
    skipped = [replace(a, outcome=Outcome.SKIPPED) if n in (1, 4) else a
               for n, a in enumerate(accounted)]
    assert tally(skipped, at=NOW) == Tally(
        booked=4 * HOUR, due=2 * HOUR, kept=2 * HOUR, upcoming=2 * HOUR, skipped=2 * HOUR
    )


def a_day_off(day: date) -> CalendarEvent:
    """An all-day absence as Graph gives it: floating midnights, read here as UTC."""
    return CalendarEvent(
        "oof-1", "Vacation", datetime.combine(day, time(0), tzinfo=UTC),
        datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC), EventType.SINGLE,
        show_as=ShowAs.OUT_OF_OFFICE, is_all_day=True,
    )


def test_a_session_on_a_day_out_of_office_is_away_and_no_collision() -> None:
    off = [a_day_off(EXPECTED[1].day), a_day_off(EXPECTED[4].day),
           meeting("oof-2", EXPECTED[5].span, show_as=ShowAs.OUT_OF_OFFICE),  # a timed absence
           a_day_off(EXPECTED[3].day + timedelta(days=1))]  # the day after: no matter
    accounted = account(EXPECTED, views(), at=NOW, other_events=off)
    assert [a.outcome for a in accounted] == [
        Outcome.KEPT, Outcome.AWAY, Outcome.KEPT, Outcome.BOOKED, Outcome.AWAY, Outcome.AWAY
    ]
    assert collisions(EXPECTED, views(), at=NOW, other_events=off) == []
    assert tally(accounted, at=NOW) == Tally(
        booked=3 * HOUR, due=2 * HOUR, kept=2 * HOUR, upcoming=HOUR, away=3 * HOUR
    )
    # Deleted stays lost, a day off or not: it was gone before the absence mattered.
    deleted = account(EXPECTED, views(o4=Presence.DELETED), at=NOW, other_events=off)
    assert deleted[4].outcome is Outcome.LOST
