"""Where one session of a slot can move this week: the collision card's "Move to …" choices.

Ranked by the slot finder's rules (`domain/slots.py`), read for a single session: first the
tier (outside lunch in the preferred part of the day, then outside lunch in the other part,
then lunch), then the earliest start time of day, then the earliest day. The choices never
overlap each other, so each button offers a really different time.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from teams_app.domain.cadences import CadenceKind
from teams_app.domain.calendar import TimeSpan, Weekday
from teams_app.domain.learning_plans import PlanSpec
from teams_app.domain.slots import LUNCH, MemberCalendar, in_preferred_part, window_cells
from teams_app.domain.time_grid import CELL_MINUTES, Grid, run, starts_of_runs, zone

MOVE_CHOICES = 3  # what a card shows beside Keep and Skip without crowding them out
_WEEK = tuple(Weekday)


def suggest_moves(
    plan: PlanSpec,
    member: MemberCalendar,
    *,
    occurrence: TimeSpan,
    at: datetime,
    days: int = 7,
    count: int = MOVE_CHOICES,
) -> list[TimeSpan]:
    """Up to `count` free times of the session's length within the next `days` days, inside
    the member's window and working hours, away from the occurrence itself and from each
    other; best first."""
    tz = zone(member.time_zone)
    today = at.astimezone(tz).date()
    dates = [today + timedelta(days=k) for k in range(days + 1)]
    grid = Grid.around(dates)
    length = -(-plan.duration_minutes // CELL_MINUTES)
    first, last = window_cells(plan)
    if plan.cadence.kind is not CadenceKind.MONTHLY_ABSOLUTE:
        dates = [d for d in dates if _WEEK[d.weekday()] in plan.window.days]
    allowed = grid.local_cells(tz, dates, first, last - first)
    hours = grid.working_hours(member.working_hours, dates)
    if hours is not None:
        allowed &= hours
    starts = starts_of_runs(allowed & ~grid.busy(member.busy), length)
    earliest, latest = grid.cell_of(at, up=True), grid.cell_of(at + timedelta(days=days))
    starts &= run(latest - earliest) << earliest
    own_first, own_last = grid.cell_of(occurrence.start), grid.cell_of(occurrence.end, up=True)
    starts &= ~(run(own_last - own_first + length - 1) << max(own_first - length + 1, 0))

    def rank(cell: int) -> tuple[int, int, date, int]:
        local = grid.instant(cell).astimezone(tz)
        start = (local.hour * 60 + local.minute) // CELL_MINUTES
        if start < LUNCH[1] and start + length > LUNCH[0]:
            tier = 2
        else:
            tier = 0 if in_preferred_part(plan.preference, start, start + length) else 1
        return tier, start, local.date(), cell

    chosen: list[int] = []
    for cell in sorted(_cells(starts), key=rank):
        if all(abs(cell - other) >= length for other in chosen):
            chosen.append(cell)
            if len(chosen) == count:
                break
    return [TimeSpan(grid.instant(c), grid.instant(c) + plan.duration) for c in chosen]


def _cells(bits: int) -> list[int]:
    found: list[int] = []
    while bits:
        low = bits & -bits
        found.append(low.bit_length() - 1)
        bits ^= low
    return found
