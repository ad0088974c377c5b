"""A slot's sessions as someone else has them: on their wall clock in another zone (a team
session's one meeting, as each attendee sees it), or falling on days they are out of office."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from teams_app.domain.calendar import TimeSpan, Weekday
from teams_app.domain.learning_plans import PlanSpec
from teams_app.domain.slots import SlotTime, occurrence_spans

_WEEK = tuple(Weekday)


def slot_in_zone(slot: SlotTime, zone: str, *, near: date) -> SlotTime:
    """The same moments as `slot` on the wall clock of `zone`: a team session as each attendee
    sees it (their weekday may differ too). The week of `near` decides summer or winter time."""
    if zone == slot.time_zone:
        return slot
    source, target = ZoneInfo(slot.time_zone), ZoneInfo(zone)
    monday = near - timedelta(days=near.weekday())
    days: list[Weekday] = []
    start: time | None = None
    for day in slot.days or (None,):
        on = monday + timedelta(days=_WEEK.index(day)) if day else near
        local = datetime.combine(on, slot.start, source).astimezone(target)
        if day is not None:
            days.append(Weekday.of(local.date()))
        start = start or local.time().replace(tzinfo=None)
    return SlotTime(tuple(dict.fromkeys(days)), start or slot.start, zone)


def away_days(plan: PlanSpec, slot: SlotTime, away: Sequence[TimeSpan]) -> tuple[date, ...]:
    """The local dates of the slot's sessions that fall while the person is out of office:
    those are not booked (their occurrences are removed as soon as the series exists)."""
    return tuple(
        day for day, span in occurrence_spans(plan, slot) if any(a.overlaps(span) for a in away)
    )
