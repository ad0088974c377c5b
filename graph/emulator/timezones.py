"""Time zones as Graph speaks them: Windows names or IANA names, seven fractional digits.

Graph returns date-times as `{"dateTime": "2017-04-15T11:00:00.0000000", "timeZone": "..."}`
with no offset in the string; the zone is UTC unless the caller sent
`Prefer: outlook.timezone="<Windows or IANA name>"`. Windows names map to IANA through
tzlocal's CLDR table (the same table the adapter uses).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tzlocal.windows_tz import tz_win, win_tz

from graph.emulator.errors import GraphError

_UTC_NAMES = {"utc", "coordinated universal time", "tzone://microsoft/utc", "etc/utc", "z"}


def zone(name: str | None) -> tzinfo | None:
    """The tzinfo for a Windows or IANA name, or None when the name is unknown."""
    if not name:
        return None
    if name.strip().lower() in _UTC_NAMES:
        return UTC
    iana = win_tz.get(name)
    if iana is None:
        for windows, candidate in win_tz.items():
            if windows.lower() == name.lower():
                iana = candidate
                break
    try:
        return ZoneInfo(iana or name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def require_zone(name: str | None) -> tzinfo:
    found = zone(name)
    if found is None:
        raise GraphError(400, "TimeZoneNotSupportedException",
                         "A valid TimeZone value must be specified. The following TimeZone "
                         f"value is not supported: '{name or ''}'.")
    return found


def windows_name(name: str) -> str:
    """Graph's mailbox settings report Windows names; map an IANA name when we know it."""
    if name.lower() in _UTC_NAMES:
        return "UTC"
    return tz_win.get(name, name)


def parse_iso(text: str) -> datetime:
    """An ISO 8601 date-time; naive values are taken as UTC (as calendarView does)."""
    try:
        cleaned = text.strip()
        if "T" in cleaned:  # an unencoded "+02:00" arrives as " 02:00"
            cleaned = cleaned.replace(" ", "+")
        value = datetime.fromisoformat(cleaned)
    except ValueError:
        raise GraphError(400, "ErrorInvalidParameter",
                         f"The value '{text}' is not a valid date-time.") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def parse_local(text: str) -> datetime:
    """A naive wall-clock date-time from a dateTimeTimeZone.dateTime (offset allowed)."""
    try:
        return datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise GraphError(400, "ErrorInvalidRequest",
                         f"Cannot convert the literal '{text}' to the expected type "
                         "'Edm.DateTimeOffset'.") from None


def from_dtz(value: object, field: str) -> tuple[datetime, str]:
    """(UTC instant, zone name as given) for a dateTimeTimeZone object."""
    if not isinstance(value, dict) or "dateTime" not in value:
        raise GraphError(400, "ErrorInvalidRequest", f"The property '{field}' is required.")
    name = str(value.get("timeZone") or "UTC")
    local = parse_local(str(value["dateTime"]))
    if local.tzinfo is not None:
        return local.astimezone(UTC), name
    return localize(local, require_zone(name)).astimezone(UTC), name


def localize(naive: datetime, tz: tzinfo) -> datetime:
    """Attach a zone to a wall-clock time; a time in a DST gap moves forward like Exchange."""
    aware = naive.replace(tzinfo=tz)
    roundtrip = aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if roundtrip != naive:  # nonexistent local time (spring forward)
        aware = (aware.astimezone(UTC)).astimezone(tz)
    return aware


def stamp(value: datetime) -> str:
    """"2017-04-15T03:00:50.7579581Z": createdDateTime, lastModifiedDateTime, expirations."""
    value = value.astimezone(UTC)
    return f"{value:%Y-%m-%dT%H:%M:%S}.{value.microsecond:06d}0Z"


def sp_stamp(value: datetime) -> str:
    """SharePoint's date-times: whole seconds, UTC, e.g. 2016-08-30T08:26:00Z."""
    return f"{value.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def wall(value: datetime) -> str:
    """"2017-04-15T11:00:00.0000000": a dateTimeTimeZone.dateTime."""
    return f"{value:%Y-%m-%dT%H:%M:%S}.{value.microsecond:06d}0"


def to_dtz(instant: datetime, zone_name: str | None) -> dict[str, str]:
    tz = zone(zone_name) if zone_name else None
    if tz is None:
        return {"dateTime": wall(instant.astimezone(UTC)), "timeZone": "UTC"}
    return {"dateTime": wall(instant.astimezone(tz)), "timeZone": zone_name or "UTC"}


def floating_dtz(day: date, zone_name: str) -> dict[str, str]:
    """All-day events keep midnight in whatever zone is asked for (Outlook's floating days)."""
    return {"dateTime": wall(datetime.combine(day, time())), "timeZone": zone_name}


def working_time(text: str) -> time:
    """"08:00", "08:00:00" or "08:00:00.0000000"."""
    try:
        return time.fromisoformat(text.split(".")[0])
    except ValueError:
        raise GraphError(400, "ErrorInvalidRequest", f"Invalid time '{text}'.") from None


def time_of_day(value: time) -> str:
    return f"{value:%H:%M:%S}.0000000"
