"""The slot finder: time zones, DST, monthly rules, conflicts, lunch, preferences, spreading."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from teams_app.domain.cadences import Cadence, Horizon, LearningWindow
from teams_app.domain.calendar import (
    Availability,
    BusyBlock,
    MailboxSettings,
    ShowAs,
    TimeSpan,
    Weekday,
    WeekIndex,
    WorkingHours,
)
from teams_app.domain.learning_plans import DayPart, MemberSource, PlanMode, PlanSpec
from teams_app.domain.slot_days import slot_in_zone
from teams_app.domain.slot_moves import suggest_moves
from teams_app.domain.slots import (
    MemberCalendar,
    SlotProblem,
    SlotTime,
    Unavailable,
    find_personal_slots,
    find_team_session,
    occurrence_spans,
    search_windows,
)

MON, TUE, WED, THU, FRI = (
    Weekday.MONDAY,
    Weekday.TUESDAY,
    Weekday.WEDNESDAY,
    Weekday.THURSDAY,
    Weekday.FRIDAY,
)
WEEKDAYS = (MON, TUE, WED, THU, FRI)
STOCKHOLM, LONDON, NEW_YORK = "Europe/Stockholm", "Europe/London", "America/New_York"
SPRING = Horizon(date(2026, 3, 2), end=date(2026, 4, 10))  # US DST 8 Mar, EU DST 29 Mar
AUTUMN = Horizon(date(2026, 10, 12), end=date(2026, 11, 13))  # EU 25 Oct, US 1 Nov


def a_plan(**changes: object) -> PlanSpec:
    spec = PlanSpec(
        members=MemberSource.direct_reports(),
        cadence=Cadence.weekly(),
        duration_minutes=60,
        window=LearningWindow((MON,), time(9), time(16)),
        horizon=SPRING,
    )
    return replace(spec, **changes)  # type: ignore[arg-type]


def hours(
    zone: str, start: time = time(8), end: time = time(17), days: tuple[Weekday, ...] = WEEKDAYS
) -> WorkingHours:
    return WorkingHours(tuple(days), start, end, zone)


def local(zone: str, day: date, at: time, minutes: int = 60) -> TimeSpan:
    start = datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)
    return TimeSpan(start, start + timedelta(minutes=minutes))


def every(horizon: Horizon, weekday: int) -> list[date]:
    end = horizon.end or horizon.start + timedelta(days=366)
    days = (end - horizon.start).days + 1
    return [
        d
        for d in (horizon.start + timedelta(days=k) for k in range(days))
        if d.weekday() == weekday
    ]


def busy_except(zone: str, days: list[date], free: list[tuple[time, time]]) -> tuple[TimeSpan, ...]:
    """Busy 08:00–17:00 local on `days` except the given local ranges."""
    spans: list[TimeSpan] = []
    for day in days:
        cursor = time(8)
        for begin, end in [*sorted(free), (time(17), time(17))]:
            if begin > cursor:
                minutes = (begin.hour - cursor.hour) * 60 + begin.minute - cursor.minute
                spans.append(local(zone, day, cursor, minutes))
            cursor = max(cursor, end)
    return tuple(spans)


def member(
    member_id: str, zone: str, busy: tuple[TimeSpan, ...] = (), **kw: object
) -> MemberCalendar:
    working = kw.pop("working_hours", hours(zone))
    return MemberCalendar(member_id, zone, working, busy)  # type: ignore[arg-type]


# --- time zones and DST --------------------------------------------------------------------


def test_ten_oclock_means_ten_oclock_where_each_member_is() -> None:
    team = [
        member(f"m-{zone}", zone, busy_except(zone, every(SPRING, 0), [(time(10), time(11))]))
        for zone in (STOCKHOLM, LONDON, NEW_YORK)
    ]
    report = find_personal_slots(a_plan(), team)
    assert [(m.slot, m.conflicts, m.problem) for m in report.members] == [
        (SlotTime((MON,), time(10), zone), (), None) for zone in (STOCKHOLM, LONDON, NEW_YORK)
    ]
    assert all(m.sessions == 6 for m in report.members)


@pytest.mark.parametrize("zone", [STOCKHOLM, LONDON, NEW_YORK])
@pytest.mark.parametrize("horizon", [SPRING, AUTUMN], ids=["march", "october"])
def test_a_slot_keeps_its_local_time_across_dst(zone: str, horizon: Horizon) -> None:
    slot = SlotTime((MON,), time(10), zone)
    spans = occurrence_spans(a_plan(horizon=horizon), slot)
    assert {span.start.astimezone(ZoneInfo(zone)).time() for _, span in spans} == {time(10)}
    offsets = {span.start.hour for _, span in spans}
    assert len(offsets) == 2  # the UTC hour moves by one when the clocks change


def test_a_meeting_fixed_in_utc_collides_only_on_one_side_of_the_change() -> None:
    # Every Monday 09:00–10:00 UTC: 10:00 in Stockholm in winter, 11:00 from 29 March.
    mondays = every(SPRING, 0)
    standing = tuple(
        TimeSpan(datetime.combine(d, time(9), UTC), datetime.combine(d, time(10), UTC))
        for d in mondays
    )
    plan = a_plan(window=LearningWindow((MON,), time(10), time(11)))
    [result] = find_personal_slots(plan, [member("m", STOCKHOLM, standing)]).members
    assert result.slot == SlotTime((MON,), time(10), STOCKHOLM)
    assert result.conflicts == tuple(d for d in mondays if d < date(2026, 3, 29))


def test_autumn_change_in_new_york_shifts_utc_busy_time_by_an_hour() -> None:
    mondays = every(AUTUMN, 0)  # 12, 19, 26 Oct; 2, 9 Nov (US change on 1 Nov)
    standing = tuple(
        TimeSpan(datetime.combine(d, time(14), UTC), datetime.combine(d, time(15), UTC))
        for d in mondays
    )  # 10:00 EDT before, 09:00 EST after
    plan = a_plan(horizon=AUTUMN, window=LearningWindow((MON,), time(9), time(11)))
    [result] = find_personal_slots(plan, [member("m", NEW_YORK, standing)]).members
    # 09:00 collides after the change (2 sessions), 10:00 before it (3): 09:00 wins.
    assert result.slot == SlotTime((MON,), time(9), NEW_YORK)
    assert result.conflicts == (date(2026, 11, 2), date(2026, 11, 9))


# --- monthly rules ---------------------------------------------------------------------------


def test_first_tuesday_and_last_friday_sessions_are_checked_on_those_dates() -> None:
    first_tuesdays = [date(2026, 3, 3), date(2026, 4, 7), date(2026, 5, 5)]
    plan = a_plan(
        cadence=Cadence.monthly_on(WeekIndex.FIRST),
        window=LearningWindow((TUE,), time(9), time(11)),
        horizon=Horizon(date(2026, 3, 1), occurrences=3),
    )
    busy = (local(STOCKHOLM, date(2026, 4, 7), time(9)),)  # only April's 09:00 is taken
    [result] = find_personal_slots(plan, [member("m", STOCKHOLM, busy)]).members
    assert result.slot == SlotTime((TUE,), time(10), STOCKHOLM)  # 09:15 and 09:30 would clash
    assert result.sessions == 3 and result.conflicts == ()
    [result] = find_personal_slots(
        plan, [member("m", STOCKHOLM, busy_except(STOCKHOLM, first_tuesdays[1:2], []))]
    ).members
    assert result.slot == SlotTime((TUE,), time(9), STOCKHOLM)
    assert result.conflicts == (date(2026, 4, 7),)

    last_fridays = Cadence.monthly_on(WeekIndex.LAST)
    plan = replace(plan, cadence=last_fridays, window=LearningWindow((FRI,), time(14), time(15)))
    busy = (local(LONDON, date(2026, 5, 29), time(14)),)
    [result] = find_personal_slots(plan, [member("m", LONDON, busy)]).members
    assert result.conflicts == (date(2026, 5, 29),) and result.sessions == 3


def test_absolute_days_on_non_working_days_count_as_conflicts() -> None:
    plan = a_plan(
        cadence=Cadence.monthly_on_day(15), horizon=Horizon(date(2026, 3, 1), occurrences=4)
    )  # Sun, Wed, Fri, Mon
    [result] = find_personal_slots(plan, [member("m", STOCKHOLM)]).members
    assert result.slot == SlotTime((), time(9), STOCKHOLM)
    assert result.conflicts == (date(2026, 3, 15),)


# --- choosing among free times ---------------------------------------------------------------


def test_the_time_free_for_most_sessions_wins_and_conflicts_are_reported() -> None:
    mondays = every(SPRING, 0)
    busy = (
        *busy_except(STOCKHOLM, mondays[:2], []),  # the first two Mondays are full
        *(local(STOCKHOLM, d, time(9), 7 * 60) for d in mondays[2:4]),  # 09–16 taken
    )
    plan = a_plan(window=LearningWindow((MON, TUE), time(9), time(12)))
    tuesdays = every(SPRING, 1)
    busy += (local(STOCKHOLM, tuesdays[0], time(9), 180),)
    [result] = find_personal_slots(plan, [member("m", STOCKHOLM, busy)]).members
    assert result.slot == SlotTime((TUE,), time(9), STOCKHOLM)
    assert result.conflicts == (tuesdays[0],)


def test_lunch_is_avoided_unless_nothing_else_fits() -> None:
    mondays = every(SPRING, 0)
    plan = a_plan(window=LearningWindow((MON,), time(11), time(14)))
    [free] = find_personal_slots(plan, [member("m", STOCKHOLM)]).members
    assert free.slot is not None and free.slot.start == time(11)
    # Only 12:00–13:00 is free: lunch it is.
    only_lunch = busy_except(STOCKHOLM, mondays, [(time(12), time(13))])
    [lunch] = find_personal_slots(plan, [member("m", STOCKHOLM, only_lunch)]).members
    assert lunch.slot is not None and lunch.slot.start == time(12) and lunch.conflicts == ()
    # 13:00 free on most Mondays fits, so it beats a lunch time free on all of them.
    mostly = busy_except(STOCKHOLM, mondays[:2], [(time(12), time(13))]) + busy_except(
        STOCKHOLM, mondays[2:], [(time(12), time(14))]
    )
    [afternoon] = find_personal_slots(plan, [member("m", STOCKHOLM, mostly)]).members
    assert afternoon.slot is not None and afternoon.slot.start == time(13)
    assert afternoon.conflicts == tuple(mondays[:2])


@pytest.mark.parametrize(
    ("preference", "expected"),
    [(DayPart.ANY, time(9)), (DayPart.MORNING, time(9)), (DayPart.AFTERNOON, time(13))],
)
def test_the_part_of_day_preference_is_respected(preference: DayPart, expected: time) -> None:
    [result] = find_personal_slots(a_plan(preference=preference), [member("m", LONDON)]).members
    assert result.slot is not None and result.slot.start == expected


def test_a_preference_gives_way_when_that_part_of_the_day_is_full() -> None:
    mondays = every(SPRING, 0)
    busy = tuple(local(LONDON, d, time(13), 4 * 60) for d in mondays)
    [result] = find_personal_slots(
        a_plan(preference=DayPart.AFTERNOON), [member("m", LONDON, busy)]
    ).members
    assert result.slot == SlotTime((MON,), time(9), LONDON) and result.conflicts == ()


def test_members_are_spread_so_the_team_is_not_out_at_once() -> None:
    plan = a_plan(window=LearningWindow((MON, TUE), time(9), time(11)))
    team = [member(f"m{n}", STOCKHOLM) for n in range(4)]
    slots = [m.slot for m in find_personal_slots(plan, team).members]
    assert slots == [
        SlotTime((MON,), time(9), STOCKHOLM),
        SlotTime((TUE,), time(9), STOCKHOLM),
        SlotTime((MON,), time(10), STOCKHOLM),
        SlotTime((TUE,), time(10), STOCKHOLM),
    ]
    # Stockholm 09:00 and London 09:00 are different hours: no need to move London.
    team = [member("a", STOCKHOLM), member("b", LONDON)]
    assert [m.slot for m in find_personal_slots(plan, team).members] == [
        SlotTime((MON,), time(9), STOCKHOLM),
        SlotTime((MON,), time(9), LONDON),
    ]


def test_the_most_constrained_member_is_placed_first() -> None:
    plan = a_plan(window=LearningWindow((MON,), time(9), time(11)))
    mondays = every(SPRING, 0)
    only_nine = busy_except(STOCKHOLM, mondays, [(time(9), time(10))])
    team = [member("a-flexible", STOCKHOLM), member("z-constrained", STOCKHOLM, only_nine)]
    result = {m.member_id: m.slot for m in find_personal_slots(plan, team).members}
    assert result["z-constrained"] == SlotTime((MON,), time(9), STOCKHOLM)
    assert result["a-flexible"] == SlotTime((MON,), time(10), STOCKHOLM)


def test_the_same_input_in_any_order_gives_the_same_slots() -> None:
    rng = random.Random(7)
    plan = a_plan(window=LearningWindow((MON, TUE, WED), time(9), time(16)))
    team = []
    for n in range(12):
        zone = (STOCKHOLM, LONDON, NEW_YORK)[n % 3]
        busy = tuple(
            local(zone, d, time(rng.randrange(8, 16)), rng.choice((30, 60, 90)))
            for d in every(SPRING, 0) + every(SPRING, 1) + every(SPRING, 2)
            for _ in range(3)
        )
        team.append(member(f"m{n:02d}", zone, busy))
    first = {m.member_id: m for m in find_personal_slots(plan, team).members}
    shuffled = [replace(m, busy=tuple(rng.sample(m.busy, len(m.busy)))) for m in team]
    rng.shuffle(shuffled)
    second = {m.member_id: m for m in find_personal_slots(plan, shuffled).members}
    assert first == second


# --- who cannot be booked --------------------------------------------------------------------


def test_a_window_outside_working_hours_is_reported_not_raised() -> None:
    plan = a_plan(window=LearningWindow((MON,), time(9), time(12)))
    team = [
        member("late", STOCKHOLM, working_hours=hours(STOCKHOLM, time(13), time(21))),
        member("fridays", LONDON, working_hours=hours(LONDON, days=(FRI,))),
    ]
    report = find_personal_slots(plan, team)
    assert [m.problem for m in report.members] == [SlotProblem.OUTSIDE_WORKING_HOURS] * 2
    assert report.outside_working_hours_for_everyone
    report = find_personal_slots(plan, [*team, member("ok", LONDON)])
    assert not report.outside_working_hours_for_everyone
    assert report.members[2].slot == SlotTime((MON,), time(9), LONDON)


def test_a_member_busy_at_every_possible_time_has_no_free_time() -> None:
    full = busy_except(NEW_YORK, every(SPRING, 0), [])
    [result] = find_personal_slots(a_plan(), [member("m", NEW_YORK, full)]).members
    assert result.problem is SlotProblem.NO_FREE_TIME and result.slot is None


def test_working_hours_in_another_zone_are_converted() -> None:
    # Mailbox in London, working hours stated in Stockholm time (09:00–12:00 CET = 08–11 GMT).
    plan = a_plan(window=LearningWindow((MON,), time(10), time(16)))
    m = member("m", LONDON, working_hours=hours(STOCKHOLM, time(9), time(12)))
    [result] = find_personal_slots(plan, [m]).members
    assert result.slot == SlotTime((MON,), time(10), LONDON)
    assert result.conflicts == ()


def test_unknown_working_hours_leave_the_window_alone() -> None:
    [result] = find_personal_slots(a_plan(), [member("m", LONDON, working_hours=None)]).members
    assert result.slot == SlotTime((MON,), time(9), LONDON)


def test_an_unknown_zone_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="Mars/Olympus"):
        find_personal_slots(a_plan(), [member("m", "Mars/Olympus", working_hours=None)])


def test_calendars_come_from_the_ports_answers() -> None:
    span = local(LONDON, date(2026, 3, 2), time(9))
    availability = Availability(
        "m@x",
        busy=(
            BusyBlock(span, ShowAs.TENTATIVE),
            BusyBlock(span, ShowAs.FREE),
            BusyBlock(span, ShowAs.WORKING_ELSEWHERE),
        ),
        working_hours=hours(LONDON),
    )
    calendar = MemberCalendar.of("m", MailboxSettings(LONDON, None), availability)
    assert (calendar.time_zone, calendar.working_hours, calendar.busy) == (
        LONDON,
        hours(LONDON),
        (span,),
    )


# --- team session ----------------------------------------------------------------------------


def test_a_team_session_is_when_most_members_can_attend() -> None:
    team = [
        member(zone, zone, working_hours=hours(zone, time(9), time(17)))
        for zone in (STOCKHOLM, LONDON, NEW_YORK)
    ]
    plan = a_plan(mode=PlanMode.TEAM_SESSION, horizon=Horizon(date(2026, 4, 6), occurrences=4))
    session = find_team_session(plan, STOCKHOLM, team)
    # 15:00 in Stockholm is 14:00 in London and 09:00 in New York.
    assert session.slot == SlotTime((MON,), time(15), STOCKHOLM)
    assert (session.sessions, session.attendance, session.possible) == (4, 12, 12)
    assert session.absences == () and session.problem is None


def test_a_team_session_lists_who_cannot_come_and_when() -> None:
    mondays = [date(2026, 4, 6), date(2026, 4, 13), date(2026, 4, 20)]
    busy_ny = (local(NEW_YORK, mondays[1], time(9), 120),)
    team = [
        member("sthlm", STOCKHOLM),
        member("ny", NEW_YORK, busy_ny),
    ]
    plan = a_plan(
        mode=PlanMode.TEAM_SESSION,
        window=LearningWindow((MON,), time(15), time(16)),
        horizon=Horizon(date(2026, 4, 6), occurrences=3),
    )
    session = find_team_session(plan, STOCKHOLM, team)
    assert session.slot == SlotTime((MON,), time(15), STOCKHOLM)
    [absence] = session.absences
    assert (absence.member_id, absence.dates, absence.reasons) == (
        "ny",
        (mondays[1],),
        (Unavailable.BUSY,),
    )
    assert (session.attendance, session.possible) == (5, 6)

    early = replace(plan, window=LearningWindow((MON,), time(9), time(10)))  # 03:00 in New York
    session = find_team_session(early, STOCKHOLM, team)
    assert session.slot == SlotTime((MON,), time(9), STOCKHOLM)
    [absence] = session.absences
    assert absence.reasons == (Unavailable.OUTSIDE_HOURS,) * 3


def test_a_team_session_outside_everyones_hours_is_a_problem() -> None:
    plan = a_plan(mode=PlanMode.TEAM_SESSION, window=LearningWindow((MON,), time(6), time(7)))
    session = find_team_session(plan, STOCKHOLM, [member("a", STOCKHOLM), member("b", LONDON)])
    assert session.problem is SlotProblem.OUTSIDE_WORKING_HOURS and session.slot is None
    assert find_team_session(plan, STOCKHOLM, []).problem is SlotProblem.OUTSIDE_WORKING_HOURS
    full = busy_except(LONDON, every(SPRING, 0), [])
    session = find_team_session(a_plan(), LONDON, [member("b", LONDON, full)])
    assert session.problem is SlotProblem.NO_FREE_TIME


# --- moving one occurrence -------------------------------------------------------------------


def test_moves_are_ranked_like_the_finder_and_never_overlap_busy_time_or_each_other() -> None:
    plan = a_plan(window=LearningWindow((MON, TUE, WED), time(9), time(16)))
    monday = date(2026, 3, 9)
    occurrence = local(STOCKHOLM, monday, time(10))
    at = local(STOCKHOLM, monday, time(8)).start
    busy = (
        occurrence,  # the learning slot itself
        local(STOCKHOLM, monday, time(9)),  # before it
        local(STOCKHOLM, monday, time(10)),  # the colliding meeting
        local(STOCKHOLM, monday, time(11, 30), 30),
        local(STOCKHOLM, monday + timedelta(days=2), time(9, 30)),
    )
    moves = suggest_moves(plan, member("m", STOCKHOLM, busy), occurrence=occurrence, at=at)
    # Earliest start time first, then earliest day; Tuesday 09:15 would overlap 09:00.
    assert moves == [
        local(STOCKHOLM, monday + timedelta(days=1), time(9)),
        local(STOCKHOLM, monday + timedelta(days=1), time(10)),
        local(STOCKHOLM, monday + timedelta(days=2), time(10, 30)),
    ]
    assert not any(m.overlaps(b) for m in moves for b in busy)
    afternoon = replace(plan, preference=DayPart.AFTERNOON)
    moves = suggest_moves(afternoon, member("m", STOCKHOLM, busy), occurrence=occurrence, at=at)
    assert moves[:2] == [local(STOCKHOLM, monday, time(13)),
                         local(STOCKHOLM, monday + timedelta(days=1), time(13))]
    assert len(suggest_moves(plan, member("m", STOCKHOLM, busy), occurrence=occurrence, at=at,
                             count=1)) == 1


def test_a_move_never_lands_on_the_occurrence_or_in_the_past() -> None:
    plan = a_plan(window=LearningWindow((MON, TUE), time(9), time(12)))
    monday = date(2026, 3, 9)
    occurrence = local(LONDON, monday, time(9))  # deleted, so nothing blocks it
    at = local(LONDON, monday, time(8, 50)).start
    moves = suggest_moves(plan, member("m", LONDON), occurrence=occurrence, at=at)
    assert moves == [local(LONDON, monday + timedelta(days=1), time(9)),
                     local(LONDON, monday, time(10)),
                     local(LONDON, monday + timedelta(days=1), time(10))]
    later = local(LONDON, monday, time(10, 5)).start
    moves = suggest_moves(plan, member("m", LONDON), occurrence=occurrence, at=later)
    assert local(LONDON, monday, time(10)) not in moves
    assert len(moves) == 3 and all(m.start >= later for m in moves)


def test_a_move_uses_lunch_only_when_nothing_else_is_free_and_may_find_nothing() -> None:
    plan = a_plan(window=LearningWindow((MON,), time(11), time(14)))
    monday = date(2026, 3, 9)
    occurrence = local(NEW_YORK, monday, time(11))
    at = local(NEW_YORK, monday, time(7)).start
    only_lunch = busy_except(NEW_YORK, [monday, monday + timedelta(days=7)], [(time(12), time(13))])
    moves = suggest_moves(plan, member("m", NEW_YORK, only_lunch), occurrence=occurrence, at=at)
    assert moves == [local(NEW_YORK, monday, time(12))]
    some = busy_except(NEW_YORK, [monday, monday + timedelta(days=7)],
                       [(time(12), time(14))])
    moves = suggest_moves(plan, member("m", NEW_YORK, some), occurrence=occurrence, at=at)
    assert moves == [local(NEW_YORK, monday, time(13)), local(NEW_YORK, monday, time(12))]
    full = busy_except(NEW_YORK, [monday, monday + timedelta(days=7)], [])
    assert suggest_moves(plan, member("m", NEW_YORK, full), occurrence=occurrence, at=at) == []


def test_free_busy_is_asked_for_the_days_that_matter() -> None:
    [weekly] = search_windows(a_plan())
    assert weekly.start == datetime(2026, 3, 1, tzinfo=UTC)
    assert weekly.end == datetime(2026, 4, 8, tzinfo=UTC)  # last Monday 6 April, + 2 days
    monthly = search_windows(
        a_plan(
            cadence=Cadence.monthly_on(WeekIndex.FIRST),
            horizon=Horizon(date(2026, 3, 1), occurrences=3),
        )
    )
    assert [w.start.date() for w in monthly] == [
        date(2026, 3, 1),
        date(2026, 4, 5),
        date(2026, 5, 3),
    ]


def test_a_team_session_in_another_zone_keeps_its_moments_and_may_change_weekday() -> None:
    stockholm = SlotTime((Weekday.TUESDAY, Weekday.THURSDAY), time(3, 0), "Europe/Stockholm")
    winter, summer = date(2027, 1, 12), date(2027, 6, 15)
    # 03:00 in Stockholm is the evening before in New York: the weekdays move back one.
    assert slot_in_zone(stockholm, "America/New_York", near=winter) == SlotTime(
        (Weekday.MONDAY, Weekday.WEDNESDAY), time(21, 0), "America/New_York")
    assert slot_in_zone(stockholm, "Europe/London", near=summer) == SlotTime(
        (Weekday.TUESDAY, Weekday.THURSDAY), time(2, 0), "Europe/London")
    assert slot_in_zone(stockholm, "Europe/Stockholm", near=winter) is stockholm
    monthly = SlotTime((), time(10, 0), "Europe/Stockholm")  # the day of the month decides
    assert slot_in_zone(monthly, "Asia/Kolkata", near=winter) == SlotTime(
        (), time(14, 30), "Asia/Kolkata")
