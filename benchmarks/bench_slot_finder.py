"""Slot finder speed: a 50-person team over 8 weeks at 15-minute resolution (goal: under 50 ms).

    .venv/bin/python benchmarks/bench_slot_finder.py [--members 50] [--weeks 8] [--runs 50]

The team is spread over Stockholm, London and New York, and the 8 weeks from 2 March 2026 cross
both the US (8 March) and the EU (29 March) daylight-saving changes. Each person's calendar is
generated from a fixed seed, so every run and every machine sees the same input: a daily
stand-up, a weekly 1:1 and team meeting, 2–5 other meetings a day of 30–120 minutes (more in
the afternoon), focus blocks, and now and then a day out of office. Lunch is not blocked, as in
most real calendars, which is why the finder has to avoid it on purpose.

Each scenario is timed `--runs` times with time.perf_counter after one warm-up run; the table
gives min, median and p95 in milliseconds. Building the inputs is not timed: the finder's input
is what the Calendar port already returned.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time as clock
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from teams_app.domain.cadences import Cadence, Horizon, LearningWindow  # noqa: E402
from teams_app.domain.calendar import TimeSpan, Weekday, WeekIndex, WorkingHours  # noqa: E402
from teams_app.domain.learning_plans import DayPart, MemberSource, PlanMode, PlanSpec  # noqa: E402
from teams_app.domain.slots import (  # noqa: E402
    MemberCalendar,
    find_personal_slots,
    find_team_session,
    search_windows,
)

ZONES = ("Europe/Stockholm", "Europe/London", "America/New_York")
WORKDAYS = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY)
START = date(2026, 3, 2)  # a Monday; DST changes on 8 March (US) and 29 March (EU)


def team_calendars(members: int, weeks: int, *, seed: int = 4) -> list[MemberCalendar]:
    rng = random.Random(seed)
    days = [START + timedelta(days=d) for d in range(-2, weeks * 7 + 2)]
    calendars = []
    for n in range(members):
        zone_name = ZONES[n % len(ZONES)]
        tz = ZoneInfo(zone_name)
        begin = rng.choice((time(8), time(8, 30), time(9)))
        hours = WorkingHours(WORKDAYS, begin, time(begin.hour + 8, begin.minute), zone_name)
        standup = time(9, 15) if n % 2 else time(9, 30)
        one_on_one = (rng.randrange(5), time(rng.choice((10, 11, 14, 15))))
        team_day = rng.randrange(5)
        busy: list[TimeSpan] = []

        def block(
            day: date, at: time, minutes: int, zone: ZoneInfo = tz, busy: list[TimeSpan] = busy
        ) -> None:
            start = datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
            busy.append(TimeSpan(start, start + timedelta(minutes=minutes)))

        for day in days:
            weekday = day.weekday()
            if weekday >= 5:
                continue
            if rng.random() < 0.03:  # a day off
                block(day, time(0), 24 * 60)
                continue
            block(day, standup, 15)
            if weekday == one_on_one[0]:
                block(day, one_on_one[1], 30)
            if weekday == team_day:
                block(day, time(13), 60)
            for _ in range(rng.randint(2, 5)):
                hour = rng.choice((9, 10, 10, 11, 13, 14, 14, 15, 15, 16))
                length = rng.choice((30, 30, 60, 60, 90, 120))
                block(day, time(hour, rng.choice((0, 0, 30))), length)
            if rng.random() < 0.3:  # a focus block someone protected for themselves
                block(day, time(rng.choice((9, 13, 14))), 120)
        rng.shuffle(busy)  # free/busy order must not matter
        calendars.append(MemberCalendar(f"member-{n:03d}", zone_name, hours, tuple(busy)))
    return calendars


def plan(weeks: int, *, mode: PlanMode = PlanMode.PERSONAL, **changes: object) -> PlanSpec:
    spec = PlanSpec(
        members=MemberSource.direct_reports(),
        cadence=Cadence.weekly(),
        duration_minutes=60,
        window=LearningWindow(WORKDAYS[:4], time(9), time(16)),
        horizon=Horizon(START, end=START + timedelta(weeks=weeks) - timedelta(days=1)),
        mode=mode,
        preference=DayPart.ANY,
    )
    fields = {**spec.__dict__, **changes}
    return PlanSpec(**fields)  # type: ignore[arg-type]


def timed(run: Callable[[], object], runs: int) -> list[float]:
    run()  # warm-up: zoneinfo caches, first-call imports
    samples = []
    for _ in range(runs):
        began = clock.perf_counter()
        run()
        samples.append((clock.perf_counter() - began) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    team = team_calendars(args.members, args.weeks)
    monthly = plan(
        args.weeks,
        cadence=Cadence.monthly_on(WeekIndex.FIRST),
        horizon=Horizon(START, occurrences=12),
    )
    # A year of calendars, but only what the Calendar port returns for search_windows(): the
    # days around the possible sessions.
    windows = search_windows(monthly)
    year = [
        replace(m, busy=tuple(b for b in m.busy if any(b.overlaps(w) for w in windows)))
        for m in team_calendars(args.members, 52)
    ]
    spans = sum(len(m.busy) for m in team)
    wide = LearningWindow(WORKDAYS, time(8), time(18))
    scenarios: list[tuple[str, Callable[[], object]]] = [
        (
            "personal, weekly 60 min, Mon–Thu 09–16",
            lambda: find_personal_slots(plan(args.weeks), team),
        ),
        (
            "personal, weekly 30 min, Mon–Fri 08–18, mornings",
            lambda: find_personal_slots(
                plan(args.weeks, duration_minutes=30, window=wide, preference=DayPart.MORNING),
                team,
            ),
        ),
        (
            "personal, weekly Tue+Thu 90 min (fixed days)",
            lambda: find_personal_slots(
                plan(
                    args.weeks,
                    duration_minutes=90,
                    cadence=Cadence.weekly(days=(Weekday.TUESDAY, Weekday.THURSDAY)),
                ),
                team,
            ),
        ),
        (
            "personal, first Mon–Thu of the month, 12 sessions (a year)",
            lambda: find_personal_slots(monthly, year),
        ),
        (
            "team session, weekly 60 min, organiser in Stockholm",
            lambda: find_team_session(
                plan(args.weeks, mode=PlanMode.TEAM_SESSION), "Europe/Stockholm", team
            ),
        ),
    ]
    print(
        f"Slot finder: {args.members} people in {len(ZONES)} zones, {args.weeks} weeks from "
        f"{START}, {spans:,} busy spans, 15-minute cells, {args.runs} runs each "
        f""
        f"(monthly row: {sum(len(m.busy) for m in year):,} spans in {len(windows)} windows)"
    )
    print(f"Python {platform.python_version()} on {platform.machine()}\n")
    print("| scenario | min ms | median ms | p95 ms | goal < 50 ms |")
    print("|---|---:|---:|---:|---|")
    for name, run in scenarios:
        samples = sorted(timed(run, args.runs))
        p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
        verdict = "met" if p95 < 50 else "**missed**"
        print(
            f"| {name} | {samples[0]:.1f} | {statistics.median(samples):.1f} | {p95:.1f} "
            f"| {verdict} |"
        )
    report = find_personal_slots(plan(args.weeks), team)
    placed = [m for m in report.members if m.slot]
    clashes = sum(len(m.conflicts) for m in placed)
    print(
        f"\nFirst scenario: {len(placed)} of {len(team)} placed, {clashes} colliding sessions "
        f"of {sum(m.sessions for m in placed)}, "
        f"{len({(m.slot.days, m.slot.start, m.slot.time_zone) for m in placed if m.slot})} "
        "distinct times."
    )


if __name__ == "__main__":
    main()
