"""A 15-minute grid over UTC, with sets of cells held as Python ints (one bit per cell).

Why bits: the slot finder asks "is this person free for these 60 minutes on each of these
8 dates?" thousands of times. With one bit per quarter hour, a person's whole horizon is one int
and each question is an AND plus a popcount, which keeps a 50-person, 8-week search in
milliseconds without numpy.

Why UTC with local-time helpers: free/busy arrives in UTC, while a slot is a wall-clock time in
the member's zone. `base(zone, day)` gives the UTC cell where that local day's midnight would be
if the day's offset held all day, so local cell `s` on `day` is UTC cell `base + s`. The offset is
read per date with zoneinfo, which is what makes "10:00" stay 10:00 local across DST changes
(transitions happen at night, outside any learning window).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from teams_app.domain.calendar import TimeSpan, Weekday, WorkingHours

CELL = timedelta(minutes=15)
CELL_MINUTES = 15
CELLS_PER_DAY = 96
_WEEK = tuple(Weekday)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown IANA time zone {name!r}") from exc


def run(length: int) -> int:
    """`length` consecutive set bits starting at bit 0."""
    return (1 << max(length, 0)) - 1


def starts_of_runs(cells: int, length: int) -> int:
    """The cells where `length` consecutive set cells begin. Doubling the checked length each
    step needs about log2(length) shifts instead of `length`."""
    found, checked = cells, 1
    while checked < length and found:
        step = min(checked, length - checked)
        found &= found >> step
        checked += step
    return found


def widen(starts: int, length: int) -> int:
    """Each start bit grown into `length` cells: the cells the sessions occupy."""
    cells, covered = starts, 1
    while covered < length:
        step = min(covered, length - covered)
        cells |= cells << step
        covered += step
    return cells


def lowest(cells: int) -> int:
    return (cells & -cells).bit_length() - 1


class Grid:
    """Cells of 15 minutes over a chosen set of UTC days, in date order.

    Only the days that matter are kept: the session dates and two days either side (a local
    day spills into the UTC day before or after it, for zones up to 14 hours from UTC). A year
    of monthly sessions then costs about what a few weeks of weekly ones do. Kept days that
    follow each other in time are adjacent in the grid, so spans crossing midnight stay whole.
    """

    def __init__(self, days: Iterable[date]) -> None:
        kept = sorted(set(days))
        if not kept:
            raise ValueError("a grid needs at least one day")
        self.first_day = kept[0]
        self.origin = datetime.combine(kept[0], time(0), tzinfo=UTC)
        self.size = len(kept) * CELLS_PER_DAY
        self._days = kept
        self._slots = [-1] * ((kept[-1] - kept[0]).days + 1)  # day offset -> kept index
        for index, day in enumerate(kept):
            self._slots[(day - kept[0]).days] = index
        self._offsets: dict[tuple[str, date, int], int] = {}

    @classmethod
    def around(cls, dates: Iterable[date], *, margin: int = 2) -> Grid:
        return cls(d + timedelta(days=k) for d in dates for k in range(-margin, margin + 1))

    def cell_of(self, instant: datetime, *, up: bool = False) -> int:
        """The cell holding `instant` (with `up`, the first cell after it), clamped to the grid.
        Meant for grids of consecutive days."""
        since = instant - self.origin
        if since.days < 0:
            return 0
        if since.days >= len(self._slots):
            return self.size
        seconds = since.seconds + (1 if up and since.microseconds else 0)
        cell = -(-seconds // 900) if up else seconds // 900
        return self._slots[since.days] * CELLS_PER_DAY + cell

    def instant(self, cell: int) -> datetime:
        day, within = divmod(cell, CELLS_PER_DAY)
        return datetime.combine(self._days[day], time(0), tzinfo=UTC) + within * CELL

    def base(self, tz: ZoneInfo, day: date, at_cell: int = 0) -> int:
        """Grid cell of local cell 0 on `day`, using the offset in force at local `at_cell`."""
        key = (tz.key, day, at_cell)
        cached = self._offsets.get(key)
        if cached is None:
            offset_days = (day - self.first_day).days
            if not 0 <= offset_days < len(self._slots) or self._slots[offset_days] < 0:
                raise ValueError(f"{day} is not in the grid")
            minutes = at_cell * CELL_MINUTES
            local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=tz)
            offset = local.utcoffset() or timedelta(0)
            cached = self._slots[offset_days] * CELLS_PER_DAY - int(offset / CELL)
            self._offsets[key] = cached
        return cached

    def busy(self, spans: Sequence[TimeSpan]) -> int:
        """Every cell a busy span touches, even partly: a meeting from 10:10 blocks 10:00.

        The hot loop of the finder (hundreds of spans per person): timedelta's days and
        seconds are read directly because `timedelta // timedelta` costs ~40x more."""
        origin, slots, cells = self.origin, self._slots, 0
        days = len(slots)
        for span in spans:
            head, tail = span.start - origin, span.end - origin
            first_day, last_day = head.days, tail.days
            first, last = head.seconds // 900, -(-tail.seconds // 900)
            if first_day == last_day:
                if 0 <= first_day < days and last > first and slots[first_day] >= 0:
                    at = slots[first_day] * CELLS_PER_DAY + first
                    cells |= ((1 << (last - first)) - 1) << at
                continue
            for day in range(max(first_day, 0), min(last_day, days - 1) + 1):
                begin = first if day == first_day else 0
                end = last if day == last_day else CELLS_PER_DAY
                if slots[day] >= 0 and end > begin:
                    cells |= ((1 << (end - begin)) - 1) << (slots[day] * CELLS_PER_DAY + begin)
        return cells

    def local_cells(self, tz: ZoneInfo, days: list[date], first: int, length: int) -> int:
        """The local cells [first, first + length) of each of `days`, in `tz`."""
        block, cells = run(length), 0
        for day in days:
            at = self.base(tz, day, first) + first
            if 0 <= at < self.size:
                cells |= block << at
        return cells

    def working_hours(self, hours: WorkingHours | None, days: list[date]) -> int | None:
        """The cells inside the working hours around `days` (None: hours unknown). Hours may
        be in another zone than the mailbox, so neighbouring days are included too."""
        if hours is None:
            return None
        tz = zone(hours.time_zone)
        first = minute_cells(hours.start)
        length = minute_cells(hours.end) - first
        if length <= 0:  # ends at midnight or the next morning (night shifts)
            length += CELLS_PER_DAY
        near = sorted({d + timedelta(days=k) for d in days for k in (-1, 0, 1)})
        working = [d for d in near if _WEEK[d.weekday()] in hours.days]
        return self.local_cells(tz, working, first, length)


def minute_cells(value: time) -> int:
    return (value.hour * 60 + value.minute) // CELL_MINUTES


def cell_time(cell: int) -> time:
    minutes = cell * CELL_MINUTES
    return time(minutes // 60, minutes % 60)
