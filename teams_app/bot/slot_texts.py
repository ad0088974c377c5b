"""Words and times shared by the member's cards (booked, collision, answers), in the member's
language and time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from cards import Translator
from teams_app.bot.zones import zone_label
from teams_app.domain.cadences import CadenceKind
from teams_app.domain.calendar import TimeSpan, Weekday
from teams_app.domain.learning_plans import PlanSpec

DAY_KEYS = {
    Weekday.MONDAY: "plan.day.mon",
    Weekday.TUESDAY: "plan.day.tue",
    Weekday.WEDNESDAY: "plan.day.wed",
    Weekday.THURSDAY: "plan.day.thu",
    Weekday.FRIDAY: "plan.day.fri",
    Weekday.SATURDAY: "plan.day.sat",
    Weekday.SUNDAY: "plan.day.sun",
}
def when(t: Translator, instant: datetime, zone: str) -> str:
    """"Tuesday 10 March, 10:00" in the member's zone and language."""
    local = instant.astimezone(ZoneInfo(zone))
    return t(
        "slot.when",
        weekday=t(DAY_KEYS[Weekday.of(local.date())]),
        date=t(f"slot.month.{local.month}", day=local.day),
        time=local.strftime("%H:%M"),
    )


def weekly_when(t: Translator, span: TimeSpan, zone: str) -> str:
    """"Tuesday 10:00–11:00 (CET)": when a slot recurs, for the booked card (bot/zones.py)."""
    tz = ZoneInfo(zone)
    start, end = span.start.astimezone(tz), span.end.astimezone(tz)
    weekday = t(DAY_KEYS[Weekday.of(start.date())])
    return f"{weekday} {start:%H:%M}–{end:%H:%M} ({zone_label(zone, span.start)})"


def cadence_label(t: Translator, spec: PlanSpec) -> str:
    cadence = spec.cadence
    if cadence.kind is CadenceKind.WEEKLY:
        if cadence.every == 1:
            return t("plan.cadence.weekly")
        return t("plan.cadence.weeks", count=cadence.every)
    if cadence.kind is CadenceKind.MONTHLY_RELATIVE and cadence.week is not None:
        return t(f"plan.cadence.monthly.{cadence.week.value}")
    return t("slot.cadence.monthly.day", day=cadence.day_of_month or 1)
