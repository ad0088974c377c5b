"""Between msgraph-sdk calendar models and teams_app.domain.calendar values, both ways.

Kept apart from graph/calendar.py so the adapter reads as "which request, within which limits"
and this file as "which field means what". Graph names time zones the Windows way
("W. Europe Standard Time") in mailbox settings and free/busy; the domain speaks IANA.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from msgraph.generated.models.attendee import Attendee as GraphAttendee
from msgraph.generated.models.attendee_type import AttendeeType
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.day_of_week import DayOfWeek
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.event import Event
from msgraph.generated.models.free_busy_status import FreeBusyStatus
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.online_meeting_provider_type import OnlineMeetingProviderType
from msgraph.generated.models.patterned_recurrence import PatternedRecurrence
from msgraph.generated.models.recurrence_pattern import RecurrencePattern
from msgraph.generated.models.recurrence_pattern_type import RecurrencePatternType
from msgraph.generated.models.recurrence_range import RecurrenceRange
from msgraph.generated.models.recurrence_range_type import RecurrenceRangeType
from msgraph.generated.models.schedule_information import ScheduleInformation
from msgraph.generated.models.single_value_legacy_extended_property import (
    SingleValueLegacyExtendedProperty,
)
from msgraph.generated.models.week_index import WeekIndex as GraphWeekIndex
from msgraph.generated.models.working_hours import WorkingHours as GraphWorkingHours
from tzlocal.windows_tz import tz_win, win_tz

from teams_app.domain.calendar import (
    Attendee,
    Availability,
    BusyBlock,
    CalendarEvent,
    EventChanges,
    EventDraft,
    EventType,
    Recurrence,
    RecurrenceKind,
    ShowAs,
    TimeSpan,
    Weekday,
    WeekIndex,
    WorkingHours,
)

# --- time zones -----------------------------------------------------------------------------


# The single-value extended property every event the product books carries (a named String
# property in our own property set): Graph can filter a mailbox's events on it, which is how the
# calendar, not our bookkeeping, says what a plan made there. The GUID is fixed forever.
SLOT_PROPERTY = "String {7d4b2f0e-6a1c-4f53-9a0e-2c8b51d0e6a4} Name LearningLoopSlot"


def iana_zone(name: str | None, *, fallback: str = "UTC") -> str:
    """The IANA name for a Graph time-zone name (Windows or IANA); `fallback` when unknown,
    e.g. Outlook's "Customized Time Zone"."""
    if not name:
        return fallback
    if name in win_tz:
        return "UTC" if win_tz[name] == "Etc/UTC" else win_tz[name]
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return fallback
    return name


def windows_zone(iana: str) -> str:
    """The Windows name Graph documents for a zone; the IANA name when there is none (Graph
    accepts those too)."""
    return tz_win.get(iana, iana)


def to_utc(value: DateTimeTimeZone | None) -> datetime:
    """A Graph dateTimeTimeZone (SDK model) as an aware UTC instant."""
    if value is None:
        raise ValueError("Graph sent an item without its time")
    return instant(value.date_time, value.time_zone)


def instant(date_time: str | None, time_zone: str | None) -> datetime:
    """Graph's wall-clock text plus zone name as an aware UTC instant.

    Graph writes seven fractional digits and no offset, with the zone in a separate field
    (UTC, as every read here asks with `Prefer: outlook.timezone="UTC"`).
    """
    if not date_time:
        raise ValueError("Graph sent an item without its time")
    text = date_time.rstrip("Z")
    head, dot, fraction = text.partition(".")
    text = f"{head}.{fraction[:6]}" if dot else head
    naive = datetime.fromisoformat(text)
    if naive.tzinfo is not None:
        return naive.astimezone(UTC)
    return naive.replace(tzinfo=ZoneInfo(iana_zone(time_zone))).astimezone(UTC)


def _local(value: datetime, zone: str) -> DateTimeTimeZone:
    return DateTimeTimeZone(date_time=value.isoformat(timespec="seconds"), time_zone=zone)


# --- events -------------------------------------------------------------------------------


def event_from_json(event: Mapping[str, Any]) -> CalendarEvent:
    """An event as Graph's JSON has it (see GraphConnection.call_json for why not the model)."""
    event_id = event.get("id")
    if not event_id:
        raise ValueError("Graph sent an event without an id")
    start, end = event.get("start") or {}, event.get("end") or {}
    organizer = (event.get("organizer") or {}).get("emailAddress") or {}
    original = event.get("originalStart")
    return CalendarEvent(
        id=str(event_id),
        subject=str(event.get("subject") or ""),
        start=instant(start.get("dateTime"), start.get("timeZone")),
        end=instant(end.get("dateTime"), end.get("timeZone")),
        type=EventType(event.get("type") or EventType.SINGLE),
        series_master_id=event.get("seriesMasterId"),
        categories=tuple(event.get("categories") or ()),
        show_as=ShowAs(event.get("showAs") or ShowAs.BUSY),
        is_cancelled=bool(event.get("isCancelled")),
        is_all_day=bool(event.get("isAllDay")),
        transaction_id=event.get("transactionId"),
        organizer=organizer.get("address"),
        original_start=instant(original, "UTC") if original else None,
        change_key=event.get("changeKey"),
        recurrence=recurrence_from_json(event.get("recurrence")),
        web_link=event.get("webLink"),
        ical_uid=event.get("iCalUId"),
    )


def event_to_graph(draft: EventDraft) -> Event:
    zone = windows_zone(draft.time_zone)
    event = Event(
        subject=draft.subject,
        body=ItemBody(content_type=BodyType.Html, content=draft.body_html),
        start=_local(draft.start, zone),
        end=_local(draft.end, zone),
        transaction_id=draft.transaction_id,
        categories=list(draft.categories),
        show_as=FreeBusyStatus(draft.show_as.value),
        is_reminder_on=draft.reminder_minutes is not None,
        reminder_minutes_before_start=draft.reminder_minutes,
        allow_new_time_proposals=draft.allow_new_time_proposals,
        attendees=_attendees(draft.attendees),
    )
    if draft.online_meeting:
        event.is_online_meeting = True
        event.online_meeting_provider = OnlineMeetingProviderType.TeamsForBusiness
    if draft.recurrence is not None:
        event.recurrence = recurrence_to_graph(draft.recurrence, zone)
    if draft.marker is not None:
        event.single_value_extended_properties = [
            SingleValueLegacyExtendedProperty(id=SLOT_PROPERTY, value=draft.marker)
        ]
    return event


def changes_to_graph(changes: EventChanges) -> Event:
    """A PATCH body with only the fields that change (the SDK's backing store sends only the
    properties that were set)."""
    event = Event()
    if changes.start is not None and changes.end is not None and changes.time_zone:
        zone = windows_zone(changes.time_zone)
        event.start = _local(changes.start, zone)
        event.end = _local(changes.end, zone)
    if changes.subject is not None:
        event.subject = changes.subject
    if changes.body_html is not None:
        event.body = ItemBody(content_type=BodyType.Html, content=changes.body_html)
    if changes.show_as is not None:
        event.show_as = FreeBusyStatus(changes.show_as.value)
    if changes.categories is not None:
        event.categories = list(changes.categories)
    if changes.reminder_minutes is not None:
        event.reminder_minutes_before_start = changes.reminder_minutes
    if changes.attendees is not None:
        event.attendees = _attendees(changes.attendees)
    if changes.recurrence is not None and changes.time_zone:
        event.recurrence = recurrence_to_graph(changes.recurrence, windows_zone(changes.time_zone))
    return event


def _attendees(attendees: tuple[Attendee, ...]) -> list[GraphAttendee]:
    return [
        GraphAttendee(
            email_address=EmailAddress(address=a.address, name=a.name or None),
            type=AttendeeType(a.kind.value),
        )
        for a in attendees
    ]


def recurrence_to_graph(rule: Recurrence, zone: str) -> PatternedRecurrence:
    pattern = RecurrencePattern(
        type=RecurrencePatternType(rule.kind.value),
        interval=rule.interval,
        # The week start matters for every-N-weeks patterns; Monday is the ISO week.
        first_day_of_week=DayOfWeek.Monday,
    )
    if rule.days:
        pattern.days_of_week = [DayOfWeek(day.value) for day in rule.days]
    if rule.week_index is not None:
        pattern.index = GraphWeekIndex(rule.week_index.value)
    if rule.day_of_month is not None:
        pattern.day_of_month = rule.day_of_month
    span = RecurrenceRange(start_date=rule.start_date, recurrence_time_zone=zone)
    if rule.end_date is not None:
        span.type, span.end_date = RecurrenceRangeType.EndDate, rule.end_date
    elif rule.count is not None:
        span.type, span.number_of_occurrences = RecurrenceRangeType.Numbered, rule.count
    else:
        span.type = RecurrenceRangeType.NoEnd
    return PatternedRecurrence(pattern=pattern, range=span)


def recurrence_from_json(value: Mapping[str, Any] | None) -> Recurrence | None:
    pattern, span = (value or {}).get("pattern") or {}, (value or {}).get("range") or {}
    kind = pattern.get("type")
    if kind not in {k.value for k in RecurrenceKind} or not span.get("startDate"):
        return None  # daily or yearly series: not something the product books
    relative = kind == RecurrenceKind.MONTHLY_RELATIVE
    return Recurrence(
        kind=RecurrenceKind(kind),
        start_date=date.fromisoformat(span["startDate"]),
        interval=int(pattern.get("interval") or 1),
        days=tuple(Weekday(d) for d in pattern.get("daysOfWeek") or ()),
        # Graph fills `index: first` into every pattern; it means something only here.
        week_index=WeekIndex(pattern["index"]) if relative and pattern.get("index") else None,
        day_of_month=(pattern.get("dayOfMonth") or None)
        if kind == RecurrenceKind.MONTHLY_ABSOLUTE
        else None,
        end_date=date.fromisoformat(span["endDate"]) if span.get("type") == "endDate" else None,
        count=span.get("numberOfOccurrences") if span.get("type") == "numbered" else None,
    )


# --- working hours and free/busy --------------------------------------------------------------


def working_hours_from_graph(
    hours: GraphWorkingHours | None, *, fallback_zone: str
) -> WorkingHours | None:
    if hours is None or hours.start_time is None or hours.end_time is None:
        return None
    zone_name = hours.time_zone.name if hours.time_zone else None
    return WorkingHours(
        days=tuple(Weekday(_value(day)) for day in hours.days_of_week or ()),
        start=hours.start_time,
        end=hours.end_time,
        time_zone=iana_zone(zone_name, fallback=fallback_zone),
    )


_VIEW_STATUS = {
    "0": ShowAs.FREE,
    "1": ShowAs.TENTATIVE,
    "2": ShowAs.BUSY,
    "3": ShowAs.OUT_OF_OFFICE,
    "4": ShowAs.WORKING_ELSEWHERE,
}


def availability_from_graph(
    info: ScheduleInformation, window: TimeSpan, interval: timedelta
) -> Availability:
    mailbox = info.schedule_id or ""
    if info.error is not None:
        return Availability(mailbox, error=info.error.response_code or "error")
    blocks: list[BusyBlock] = []
    if info.schedule_items:
        for item in info.schedule_items:
            status = ShowAs(_value(item.status) or ShowAs.BUSY)
            if status is not ShowAs.FREE:
                blocks.append(BusyBlock(TimeSpan(to_utc(item.start), to_utc(item.end)), status))
    else:
        # No items (e.g. the app may only read free/busy): the availability view still tells,
        # one digit per interval from the window's start.
        for index, digit in enumerate(info.availability_view or ""):
            status = _VIEW_STATUS.get(digit, ShowAs.UNKNOWN)
            start = window.start + index * interval
            if status is ShowAs.FREE or start >= window.end:
                continue
            blocks.append(BusyBlock(TimeSpan(start, min(start + interval, window.end)), status))
    return Availability(
        mailbox,
        busy=tuple(blocks),
        working_hours=working_hours_from_graph(info.working_hours, fallback_zone="UTC"),
    )


def merge_availability(mailbox: str, parts: list[Availability]) -> Availability:
    """One person's answers for consecutive windows as one: blocks deduplicated (an event that
    crosses a window boundary comes back in both), adjacent equal blocks joined."""
    errors = [part.error for part in parts if part.error]
    if errors:
        return Availability(mailbox, error=errors[0])
    ordered = sorted(
        {block for part in parts for block in part.busy},
        key=lambda b: (b.span.start, b.span.end, b.status.value),
    )
    merged: list[BusyBlock] = []
    for block in ordered:
        last = merged[-1] if merged else None
        if last and last.status is block.status and block.span.start <= last.span.end:
            end = max(last.span.end, block.span.end)
            merged[-1] = BusyBlock(TimeSpan(last.span.start, end), last.status)
        else:
            merged.append(block)
    hours = next((part.working_hours for part in parts if part.working_hours), None)
    return Availability(mailbox, busy=tuple(merged), working_hours=hours)


def _value(member: object) -> str | None:
    """The wire value of an SDK enum member (or a plain string)."""
    if member is None:
        return None
    return str(getattr(member, "value", member))
