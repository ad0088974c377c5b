"""When a plan's sessions fall: cadence, allowed window and horizon, and the dates they give.

Dates here are local calendar dates and times are wall-clock times; each member reads them in
their own time zone (the slot finder converts to instants). Periods are counted the way the
Graph adapter books them: weeks start on Monday (its `firstDayOfWeek`) and both weeks and months
count from the recurrence's start date, so the dates we plan are the dates Outlook shows.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta
from enum import StrEnum

from teams_app.domain.calendar import Weekday, WeekIndex

MAX_HORIZON = timedelta(days=366)  # a plan is revisited at least yearly; also bounds the finder
MAX_OCCURRENCES = 104  # two sessions a week for a year
# Absolute monthly days stop at 28: Outlook moves "the 31st" to the month's last day while
# RFC 5545 (and the emulator's dateutil) skips the month, so 29–31 would count differently.
MAX_DAY_OF_MONTH = 28
_WEEK = tuple(Weekday)


class CadenceKind(StrEnum):
    WEEKLY = "weekly"  # every N weeks
    MONTHLY_RELATIVE = "monthly_relative"  # e.g. the first Tuesday every N months
    MONTHLY_ABSOLUTE = "monthly_absolute"  # e.g. the 15th every N months


@dataclass(frozen=True)
class Cadence:
    """How often. `days` fixes the session days (weekly on Tue and Thu: two sessions a week);
    left empty, there is one session per period and the finder picks the day among the
    window's days, per member in personal mode."""

    kind: CadenceKind
    every: int = 1  # weeks or months
    days: tuple[Weekday, ...] = ()
    week: WeekIndex | None = None
    day_of_month: int | None = None

    @classmethod
    def weekly(cls, *, every_weeks: int = 1, days: tuple[Weekday, ...] = ()) -> Cadence:
        return cls(CadenceKind.WEEKLY, every_weeks, days)

    @classmethod
    def monthly_on(
        cls, week: WeekIndex, day: Weekday | None = None, *, every_months: int = 1
    ) -> Cadence:
        return cls(CadenceKind.MONTHLY_RELATIVE, every_months, (day,) if day else (), week)

    @classmethod
    def monthly_on_day(cls, day_of_month: int, *, every_months: int = 1) -> Cadence:
        return cls(CadenceKind.MONTHLY_ABSOLUTE, every_months, day_of_month=day_of_month)

    def is_valid_within(self, window_days: Sequence[Weekday]) -> bool:
        limit = 52 if self.kind is CadenceKind.WEEKLY else 12
        ok = 1 <= self.every <= limit
        if self.kind is CadenceKind.MONTHLY_RELATIVE:
            ok = ok and self.week is not None and len(self.days) <= 1
        if self.kind is CadenceKind.MONTHLY_ABSOLUTE:
            ok = ok and not self.days and 1 <= (self.day_of_month or 0) <= MAX_DAY_OF_MONTH
        # Fixed session days must lie inside the allowed window, or no slot could ever fit.
        return ok and set(self.days) <= set(window_days)


@dataclass(frozen=True)
class LearningWindow:
    """Allowed days and local wall-clock times, read in each member's own time zone."""

    days: tuple[Weekday, ...]
    start: time
    end: time

    @property
    def minutes(self) -> int:
        return minute_of_day(self.end) - minute_of_day(self.start)


@dataclass(frozen=True)
class Horizon:
    """From `start` (a local date) until `end` (inclusive) or for `occurrences` sessions."""

    start: date
    end: date | None = None
    occurrences: int | None = None


def day_patterns(cadence: Cadence, window: LearningWindow) -> tuple[tuple[Weekday, ...], ...]:
    """The day choices a slot can take: the fixed cadence days, or one window day each
    (empty for absolute monthly dates, whose weekday changes from month to month)."""
    if cadence.kind is CadenceKind.MONTHLY_ABSOLUTE:
        return ((),)
    if cadence.days:
        return (in_week_order(cadence.days),)
    return tuple((day,) for day in in_week_order(window.days))


def occurrence_dates(cadence: Cadence, days: tuple[Weekday, ...], horizon: Horizon) -> list[date]:
    """Local dates of the sessions of a slot on `days` over the horizon, in order; never more
    than a year's worth, whatever the horizon says."""
    if not cadence.is_valid_within(cadence.days):
        return []  # e.g. every 0 weeks would never advance
    limit = horizon.start + MAX_HORIZON
    if horizon.end is not None:
        limit = min(limit, horizon.end)
    count = min(horizon.occurrences or MAX_OCCURRENCES, MAX_OCCURRENCES)
    found: list[date] = []
    for day in _pattern_dates(cadence, days, horizon.start):
        if day > limit or len(found) == count:
            break
        found.append(day)
    return found


def minute_of_day(value: time) -> int:
    return value.hour * 60 + value.minute


def in_week_order(days: Sequence[Weekday]) -> tuple[Weekday, ...]:
    return tuple(sorted(set(days), key=_WEEK.index))


def _pattern_dates(cadence: Cadence, days: tuple[Weekday, ...], start: date) -> Iterator[date]:
    """Session dates on or after `start`, endless (the caller stops)."""
    if cadence.kind is CadenceKind.WEEKLY:
        offsets = sorted(_WEEK.index(day) for day in days)
        if not offsets:
            return
        monday = start - timedelta(days=start.weekday())
        week = 0
        while True:
            for offset in offsets:
                day = monday + timedelta(days=7 * week + offset)
                if day >= start:
                    yield day
            week += cadence.every
    if cadence.kind is CadenceKind.MONTHLY_RELATIVE and not days:
        return
    month = 0
    while True:
        year, month0 = divmod(start.month - 1 + month, 12)
        year += start.year
        if cadence.kind is CadenceKind.MONTHLY_ABSOLUTE:
            day = date(year, month0 + 1, cadence.day_of_month or 1)
        else:
            day = _nth_weekday(year, month0 + 1, _WEEK.index(days[0]), cadence.week)
        if day >= start:
            yield day
        month += cadence.every


def _nth_weekday(year: int, month: int, weekday: int, week: WeekIndex | None) -> date:
    if week is WeekIndex.LAST:
        end = date(year, month, _calendar.monthrange(year, month)[1])
        return end - timedelta(days=(end.weekday() - weekday) % 7)
    first = date(year, month, 1)
    first_match = first + timedelta(days=(weekday - first.weekday()) % 7)
    return first_match + timedelta(weeks=tuple(WeekIndex).index(week or WeekIndex.FIRST))
