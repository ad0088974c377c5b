"""Mailbox settings and getSchedule answers read as plain JSON.

Booking a plan reads these for every member (10,000 and more); through the SDK's generated
models each answer costs milliseconds of CPU (see GraphConnection.call_json), so the bulk paths
map the JSON to domain values here. The model-based mappers in calendar_mapping stay for the
single reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import time, timedelta
from typing import Any

from graph.calendar_mapping import iana_zone, instant
from teams_app.domain.calendar import (
    Availability,
    BusyBlock,
    MailboxSettings,
    ShowAs,
    TimeSpan,
    Weekday,
    WorkingHours,
)

_VIEW_STATUS = {
    "0": ShowAs.FREE,
    "1": ShowAs.TENTATIVE,
    "2": ShowAs.BUSY,
    "3": ShowAs.OUT_OF_OFFICE,
    "4": ShowAs.WORKING_ELSEWHERE,
}
_STATUSES = {s.value.lower(): s for s in ShowAs}


def mailbox_settings_from_json(body: Mapping[str, Any]) -> MailboxSettings:
    zone = iana_zone(body.get("timeZone"))
    language = body.get("language") or {}
    return MailboxSettings(
        time_zone=zone,
        working_hours=working_hours_from_json(body.get("workingHours"), fallback_zone=zone),
        language=language.get("locale") if isinstance(language, Mapping) else None,
    )


def working_hours_from_json(
    hours: Mapping[str, Any] | None, *, fallback_zone: str
) -> WorkingHours | None:
    if not hours or not hours.get("startTime") or not hours.get("endTime"):
        return None
    zone = hours.get("timeZone") or {}
    return WorkingHours(
        days=tuple(Weekday(str(d).lower()) for d in hours.get("daysOfWeek") or ()),
        start=_clock(hours["startTime"]),
        end=_clock(hours["endTime"]),
        time_zone=iana_zone(zone.get("name") if isinstance(zone, Mapping) else None,
                            fallback=fallback_zone),
    )


def availability_from_json(
    info: Mapping[str, Any], window: TimeSpan, interval: timedelta
) -> Availability:
    """One scheduleInformation, as `calendar_mapping.availability_from_graph` reads the model."""
    mailbox = str(info.get("scheduleId") or "")
    error = info.get("error")
    if error:
        code = error.get("responseCode") if isinstance(error, Mapping) else None
        return Availability(mailbox, error=str(code or "error"))
    blocks: list[BusyBlock] = []
    items = info.get("scheduleItems") or []
    if items:
        for item in items:
            status = _STATUSES.get(str(item.get("status") or "busy").lower(), ShowAs.BUSY)
            if status is ShowAs.FREE:
                continue
            start, end = item.get("start") or {}, item.get("end") or {}
            span = TimeSpan(
                instant(start.get("dateTime"), start.get("timeZone")),
                instant(end.get("dateTime"), end.get("timeZone")),
            )
            blocks.append(BusyBlock(span, status))
    else:
        # No items (the app may only read free/busy): the availability view still tells.
        for index, digit in enumerate(str(info.get("availabilityView") or "")):
            if digit == "0":
                continue  # free; most of any view
            status = _VIEW_STATUS.get(digit, ShowAs.UNKNOWN)
            start = window.start + index * interval
            if status is ShowAs.FREE or start >= window.end:
                continue
            blocks.append(BusyBlock(TimeSpan(start, min(start + interval, window.end)), status))
    return Availability(
        mailbox,
        busy=tuple(blocks),
        working_hours=working_hours_from_json(info.get("workingHours"), fallback_zone="UTC"),
    )


def _clock(text: str) -> time:
    # Graph writes "08:00:00.0000000": seven fractional digits, more than fromisoformat takes.
    hours, minutes, *rest = str(text).split(":")
    seconds = int(float(rest[0])) if rest else 0
    return time(int(hours), int(minutes), seconds)
