"""When prompts go out: working hours in each person's zone (DST included), the weekly cap that
postpones and counts, and which reminder is due."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from teams_app.domain.calendar import Weekday, WorkingHours
from teams_app.domain.campaigns.delivery import (
    PromptProgress,
    WorkingWeek,
    asks_after,
    place_prompt,
    reminder_due,
)
from teams_app.domain.occurrences import Outcome

WEEKDAYS = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY,
            Weekday.FRIDAY)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def week(zone: str, start: time = time(8, 0), end: time = time(17, 0),
         days: tuple[Weekday, ...] = WEEKDAYS) -> WorkingWeek:
    return WorkingWeek.of(zone, WorkingHours(days, start, end, zone))


def test_a_due_time_inside_working_hours_is_kept() -> None:
    due = utc("2026-03-10T10:00")  # Tuesday 11:00 in Stockholm
    assert week("Europe/Stockholm").send_instant(due) == due


def test_before_working_hours_waits_for_the_start_in_the_persons_zone() -> None:
    due = utc("2026-03-10T05:00")  # Tuesday 06:00 in Stockholm, 01:00 in New York (Mon night)
    assert week("Europe/Stockholm").send_instant(due) == utc("2026-03-10T07:00")
    assert week("America/New_York").send_instant(due) == utc("2026-03-10T12:00")  # 08:00 EDT


def test_after_working_hours_goes_to_the_next_working_day() -> None:
    friday_evening = utc("2026-03-13T17:30")  # 18:30 in Stockholm
    assert week("Europe/Stockholm").send_instant(friday_evening) == utc("2026-03-16T07:00")


def test_the_same_instant_lands_differently_for_people_in_different_zones() -> None:
    due = utc("2026-03-10T23:30")  # Wed 08:30 in Tokyo, Tue 16:30 in Los Angeles
    assert week("Asia/Tokyo").send_instant(due) == due
    assert week("America/Los_Angeles").send_instant(due) == due
    assert week("Europe/Stockholm").send_instant(due) == utc("2026-03-11T07:00")


def test_working_hours_follow_daylight_saving_time() -> None:
    stockholm = week("Europe/Stockholm")
    # Sunday 29 March 2026 Stockholm moves to summer time: 08:00 is 06:00 UTC from Monday on.
    assert stockholm.send_instant(utc("2026-03-27T18:00")) == utc("2026-03-30T06:00")
    # And back on 25 October: 08:00 is 07:00 UTC again.
    assert stockholm.send_instant(utc("2026-10-23T18:00")) == utc("2026-10-26T07:00")


def test_a_start_skipped_by_the_clock_change_is_the_same_wall_time_shifted() -> None:
    night = week("Europe/Stockholm", start=time(2, 30), end=time(6, 0),
                 days=(Weekday.SUNDAY,))
    # 02:30 does not exist on 29 March 2026 in Stockholm; it is 03:30 CEST (01:30 UTC).
    assert night.send_instant(utc("2026-03-28T12:00")) == utc("2026-03-29T01:30")


def test_no_working_hours_means_office_hours_and_an_unknown_zone_utc() -> None:
    assert WorkingWeek.of("Europe/Amsterdam", None).send_instant(
        utc("2026-03-10T06:00")) == utc("2026-03-10T08:00")
    assert WorkingWeek.of("Mars/Olympus", None).send_instant(
        utc("2026-03-10T06:00")) == utc("2026-03-10T09:00")


def test_the_weekly_cap_postpones_to_the_next_weeks_first_working_moment() -> None:
    stockholm = week("Europe/Stockholm")
    already = [utc("2026-03-09T08:00"), utc("2026-03-10T08:00"), utc("2026-03-11T08:00")]
    placed = place_prompt(utc("2026-03-12T10:00"), stockholm, already, cap=3)
    assert placed.send_at == utc("2026-03-16T07:00")  # Monday 08:00 in Stockholm
    assert placed.postponed == 1


def test_under_the_cap_nothing_moves() -> None:
    stockholm = week("Europe/Stockholm")
    placed = place_prompt(utc("2026-03-12T10:00"), stockholm,
                          [utc("2026-03-09T08:00"), utc("2026-03-10T08:00")], cap=3)
    assert placed == type(placed)(utc("2026-03-12T10:00"), 0)


def test_a_full_next_week_postpones_again_and_counts_each_week() -> None:
    stockholm = week("Europe/Stockholm")
    this_week = [utc("2026-03-09T08:00")] * 2
    next_week = [utc("2026-03-16T08:00")] * 2
    placed = place_prompt(utc("2026-03-12T10:00"), stockholm, this_week + next_week, cap=2)
    assert placed.send_at == utc("2026-03-23T07:00")
    assert placed.postponed == 2


def test_weeks_are_counted_in_the_persons_zone() -> None:
    tokyo = week("Asia/Tokyo")
    # Sunday 22:00 UTC is already Monday 07:00 in Tokyo: that prompt belongs to the new week.
    already = [utc("2026-03-15T22:00")] * 3
    placed = place_prompt(utc("2026-03-13T01:00"), tokyo, already, cap=3)
    assert placed.postponed == 0


def test_reminders_go_one_at_a_time_to_those_who_have_not_answered() -> None:
    sent = utc("2026-03-10T08:00")
    rules = (timedelta(hours=24), timedelta(hours=72))
    closes = utc("2026-04-01T00:00")
    waiting = PromptProgress(sent, 0, answered=False)
    assert reminder_due(waiting, rules, at=sent + timedelta(hours=23), closes_at=closes) is None
    assert reminder_due(waiting, rules, at=sent + timedelta(hours=24), closes_at=closes) == 1
    # A late run after both are due sends only the next one.
    assert reminder_due(waiting, rules, at=sent + timedelta(hours=80), closes_at=closes) == 1
    once = PromptProgress(sent, 1, answered=False)
    assert reminder_due(once, rules, at=sent + timedelta(hours=71), closes_at=closes) is None
    assert reminder_due(once, rules, at=sent + timedelta(hours=72), closes_at=closes) == 2
    assert reminder_due(PromptProgress(sent, 2, False), rules, at=sent + timedelta(days=9),
                        closes_at=closes) is None


@pytest.mark.parametrize("progress", [
    PromptProgress(utc("2026-03-10T08:00"), 0, answered=True),
    PromptProgress(None, 0, answered=False),
])
def test_no_reminder_for_the_answered_or_the_never_sent(progress: PromptProgress) -> None:
    assert reminder_due(progress, (timedelta(hours=1),), at=utc("2026-03-20T08:00"),
                        closes_at=utc("2026-04-01T00:00")) is None


def test_no_reminder_after_the_close() -> None:
    waiting = PromptProgress(utc("2026-03-10T08:00"), 0, answered=False)
    assert reminder_due(waiting, (timedelta(hours=1),), at=utc("2026-03-12T08:00"),
                        closes_at=utc("2026-03-11T00:00")) is None


def test_a_lost_occurrence_gets_no_check_in() -> None:
    assert asks_after(Outcome.KEPT)
    assert not asks_after(Outcome.LOST)
    assert not asks_after(Outcome.SKIPPED)
    assert not asks_after(Outcome.AWAY)
