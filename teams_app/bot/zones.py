"""How a time zone is named next to a time on a card.

Mailboxes report Windows zones, and one Windows zone stands for many cities ("W. Europe
Standard Time" is Amsterdam, Berlin, Stockholm, Vienna…), so the IANA zone it maps to names a
city the person may not live in. The zone's abbreviation at that moment (CET, CEST, GMT, EST)
is true for everyone in it; where a zone has no lettered abbreviation, the UTC offset is shown.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


def zone_label(zone: str, at: datetime) -> str:
    local = at.astimezone(ZoneInfo(zone))
    name = local.tzname() or ""
    if name.isalpha():
        return name
    offset = local.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "−"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zone_label_on(zone: str, day: date, wall_clock: time) -> str:
    """The label for a wall-clock time on a local date (e.g. a plan's first session)."""
    local = datetime.combine(day, wall_clock, tzinfo=ZoneInfo(zone))
    return zone_label(zone, local.astimezone(UTC))
