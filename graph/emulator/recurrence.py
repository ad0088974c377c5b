"""Recurrence as Outlook stores it: Graph's pattern + range, expanded with dateutil.rrule.

A series repeats at the same wall-clock time in its recurrence time zone, so occurrences are
computed as naive local times and only then given the zone: a 09:00 meeting in Stockholm stays
at 09:00 across the switch to summer time while its UTC instant moves by an hour.
See https://learn.microsoft.com/graph/outlook-schedule-recurring-events.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from dateutil import rrule

from graph.emulator.errors import GraphError
from graph.emulator.timezones import localize, zone

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RR_DAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)
_INDEX = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
PATTERNS = ("daily", "weekly", "absoluteMonthly", "relativeMonthly", "absoluteYearly",
            "relativeYearly")
RANGES = ("endDate", "noEnd", "numbered")
NO_DATE = "0001-01-01"


def _invalid(message: str) -> GraphError:
    return GraphError(400, "ErrorInvalidRequest", message)


def _day(value: Any, field: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _invalid(f"The value '{value}' of '{field}' is not a valid date.") from None


def _canonical(value: Any, choices: tuple[str, ...], field: str) -> str:
    for choice in choices:
        if str(value).lower() == choice.lower():
            return choice
    raise _invalid(f"The value '{value}' is not valid for '{field}'.")


def normalize(recurrence: Any, start_local: datetime, start_zone: str) -> dict[str, Any]:
    """Validate a patternedRecurrence and fill Graph's defaults, as a create echoes them."""
    if not isinstance(recurrence, dict):
        raise _invalid("The recurrence must be an object with a pattern and a range.")
    pattern, span = recurrence.get("pattern"), recurrence.get("range")
    if not isinstance(pattern, dict) or not isinstance(span, dict):
        raise _invalid("A recurrence needs both a pattern and a range.")
    kind = _canonical(pattern.get("type"), PATTERNS, "pattern.type")
    interval = pattern.get("interval", 1)
    if not isinstance(interval, int) or not 1 <= interval <= 99:
        raise _invalid("The recurrence interval must be an integer from 1 to 99.")
    days = [_canonical(d, DAYS, "pattern.daysOfWeek") for d in pattern.get("daysOfWeek") or []]
    day_of_month = int(pattern.get("dayOfMonth") or 0)
    month = int(pattern.get("month") or 0)
    index = _canonical(pattern.get("index") or "first", tuple(_INDEX), "pattern.index")
    first_day = _canonical(pattern.get("firstDayOfWeek") or "sunday", DAYS,
                           "pattern.firstDayOfWeek")
    if kind in {"weekly", "relativeMonthly", "relativeYearly"} and not days:
        raise _invalid(f"A {kind} recurrence pattern needs at least one day in daysOfWeek.")
    if kind in {"absoluteMonthly", "absoluteYearly"} and not 1 <= day_of_month <= 31:
        raise _invalid(f"A {kind} recurrence pattern needs a dayOfMonth from 1 to 31.")
    if kind in {"absoluteYearly", "relativeYearly"} and not 1 <= month <= 12:
        raise _invalid(f"A {kind} recurrence pattern needs a month from 1 to 12.")
    range_type = _canonical(span.get("type"), RANGES, "range.type")
    start_date = _day(span.get("startDate") or start_local.date().isoformat(), "range.startDate")
    end_date = NO_DATE
    count = 0
    if range_type == "endDate":
        end = _day(span.get("endDate"), "range.endDate")
        if end < start_date:
            raise _invalid("The recurrence range end date must not be before its start date.")
        end_date = end.isoformat()
    elif range_type == "numbered":
        count = span.get("numberOfOccurrences")
        if not isinstance(count, int) or count < 1:
            raise _invalid("A numbered recurrence range needs numberOfOccurrences of 1 or more.")
    recurrence_zone = str(span.get("recurrenceTimeZone") or start_zone)
    if zone(recurrence_zone) is None:
        raise GraphError(400, "TimeZoneNotSupportedException",
                         "A valid TimeZone value must be specified. The following TimeZone "
                         f"value is not supported: '{recurrence_zone}'.")
    return {
        "pattern": {"type": kind, "interval": interval, "month": month,
                    "dayOfMonth": day_of_month, "daysOfWeek": days,
                    "firstDayOfWeek": first_day, "index": index},
        "range": {"type": range_type, "startDate": start_date.isoformat(), "endDate": end_date,
                  "recurrenceTimeZone": recurrence_zone, "numberOfOccurrences": count},
    }


def same_pattern(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether two normalised recurrences differ at most in where their range ends."""
    keep = ("startDate", "recurrenceTimeZone")
    return old["pattern"] == new["pattern"] and all(
        old["range"][k] == new["range"][k] for k in keep
    )


def series_zone(recurrence: dict[str, Any]) -> tzinfo:
    return zone(recurrence["range"]["recurrenceTimeZone"]) or UTC


def _rule(recurrence: dict[str, Any], dtstart: datetime) -> rrule.rrule:
    pattern, span = recurrence["pattern"], recurrence["range"]
    kind = pattern["type"]
    days = [_RR_DAYS[DAYS.index(d)] for d in pattern["daysOfWeek"]]
    kwargs: dict[str, Any] = {"dtstart": dtstart, "interval": pattern["interval"],
                              "wkst": _RR_DAYS[DAYS.index(pattern["firstDayOfWeek"])]}
    if span["type"] == "endDate":
        kwargs["until"] = datetime.combine(date.fromisoformat(span["endDate"]), time.max)
    elif span["type"] == "numbered":
        kwargs["count"] = span["numberOfOccurrences"]
    if kind == "daily":
        return rrule.rrule(rrule.DAILY, **kwargs)
    if kind == "weekly":
        return rrule.rrule(rrule.WEEKLY, byweekday=days, **kwargs)
    position = _INDEX[pattern["index"]]
    if kind == "absoluteMonthly":
        return rrule.rrule(rrule.MONTHLY, bymonthday=pattern["dayOfMonth"], **kwargs)
    if kind == "relativeMonthly":
        return rrule.rrule(rrule.MONTHLY, byweekday=days, bysetpos=position, **kwargs)
    if kind == "absoluteYearly":
        return rrule.rrule(rrule.YEARLY, bymonth=pattern["month"],
                           bymonthday=pattern["dayOfMonth"], **kwargs)
    return rrule.rrule(rrule.YEARLY, bymonth=pattern["month"], byweekday=days,
                       bysetpos=position, **kwargs)


def occurrence_starts(recurrence: dict[str, Any], first_start: datetime, duration: timedelta,
                      window_start: datetime, window_end: datetime) -> list[datetime]:
    """UTC starts of the occurrences overlapping [window_start, window_end)."""
    tz = series_zone(recurrence)
    local_first = first_start.astimezone(tz).replace(tzinfo=None)
    dtstart = datetime.combine(date.fromisoformat(recurrence["range"]["startDate"]),
                               local_first.time())
    margin = duration + timedelta(days=2)
    low = window_start.astimezone(tz).replace(tzinfo=None) - margin
    high = window_end.astimezone(tz).replace(tzinfo=None) + timedelta(days=2)
    starts = []
    for local in _rule(recurrence, dtstart).between(max(low, dtstart), high, inc=True):
        instant = localize(local, tz).astimezone(UTC)
        end = instant + duration
        if instant < window_end and (end > window_start or (duration == timedelta()
                                                               and instant >= window_start)):
            starts.append(instant)
    return starts


def is_occurrence(recurrence: dict[str, Any], first_start: datetime, candidate: datetime) -> bool:
    tz = series_zone(recurrence)
    local_first = first_start.astimezone(tz).replace(tzinfo=None)
    dtstart = datetime.combine(date.fromisoformat(recurrence["range"]["startDate"]),
                               local_first.time())
    local = candidate.astimezone(tz).replace(tzinfo=None)
    window = timedelta(hours=3)  # DST-shifted instants still land within this
    for found in _rule(recurrence, dtstart).between(local - window, local + window, inc=True):
        if localize(found, tz).astimezone(UTC) == candidate:
            return True
    return False
