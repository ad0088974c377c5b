"""Words and times shared by the member's cards (booked, collision, answers), in the member's
language and time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from cards import Translator
from teams_app.bot.formatting import day_and_month, time_of_day, time_range, weekday
from teams_app.bot.zones import zone_label
from teams_app.domain.cadences import CadenceKind
from teams_app.domain.calendar import TimeSpan, Weekday
from teams_app.domain.learning_plans import PlanSpec


def when(t: Translator, instant: datetime, zone: str) -> str:
    """"Tuesday, March 10 at 2:30 PM", "tisdag 10 mars kl. 14:30": in the member's zone."""
    local = instant.astimezone(ZoneInfo(zone))
    return t(
        "slot.when",
        weekday=weekday(t, Weekday.of(local.date())),
        date=day_and_month(t, local.date()),
        time=time_of_day(t, local.time()),
    )


def weekly_when(t: Translator, span: TimeSpan, zone: str) -> str:
    """"Tuesday 10:00 – 11:00 AM (EST)": when a slot recurs, for the booked card (bot/zones.py)."""
    tz = ZoneInfo(zone)
    start, end = span.start.astimezone(tz), span.end.astimezone(tz)
    day = weekday(t, Weekday.of(start.date()))
    hours = time_range(t, start.time(), end.time())
    return f"{day} {hours} ({zone_label(zone, span.start)})"


def cadence_label(t: Translator, spec: PlanSpec) -> str:
    cadence = spec.cadence
    if cadence.kind is CadenceKind.WEEKLY:
        if cadence.every == 1:
            return t("plan.cadence.weekly")
        return t("plan.cadence.weeks", count=cadence.every)
    if cadence.kind is CadenceKind.MONTHLY_RELATIVE and cadence.week is not None:
        return t(f"plan.cadence.monthly.{cadence.week.value}")
    return t("slot.cadence.monthly.day", day=cadence.day_of_month or 1)
