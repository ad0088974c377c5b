"""Calendar values the Calendar port speaks: spans, working hours, availability, events, drafts.

Pure and deterministic: no SDK types, no clock, no I/O. Instants are tz-aware (UTC from the
adapter); what a person sees as "Tuesday 14:00" travels as a naive local time plus an IANA zone,
because a recurring slot must follow its zone across daylight-saving changes, which a fixed UTC
offset would not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum


class Weekday(StrEnum):
    """Graph's `dayOfWeek` values, used by working hours and recurrence patterns."""

    MONDAY = "monday"
    TUESDAY = "tuesday"
    WEDNESDAY = "wednesday"
    THURSDAY = "thursday"
    FRIDAY = "friday"
    SATURDAY = "saturday"
    SUNDAY = "sunday"

    @classmethod
    def of(cls, day: date) -> Weekday:
        return _WEEKDAYS[day.weekday()]


_WEEKDAYS = tuple(Weekday)


class ShowAs(StrEnum):
    """How an event shows in free/busy (Graph's `freeBusyStatus`)."""

    FREE = "free"
    TENTATIVE = "tentative"
    BUSY = "busy"
    OUT_OF_OFFICE = "oof"
    WORKING_ELSEWHERE = "workingElsewhere"
    UNKNOWN = "unknown"


class EventType(StrEnum):
    SINGLE = "singleInstance"
    OCCURRENCE = "occurrence"
    EXCEPTION = "exception"
    SERIES_MASTER = "seriesMaster"


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be tz-aware")


@dataclass(frozen=True)
class TimeSpan:
    """A half-open interval [start, end) between two tz-aware instants."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _require_aware("start", self.start)
        _require_aware("end", self.end)
        if self.end <= self.start:
            raise ValueError("a time span ends after it starts")

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def overlaps(self, other: TimeSpan) -> bool:
        return self.start < other.end and other.start < self.end

    def split(self, longest: timedelta) -> list[TimeSpan]:
        """Consecutive pieces no longer than `longest` that together cover this span."""
        if longest <= timedelta(0):
            raise ValueError("pieces need a positive length")
        pieces: list[TimeSpan] = []
        cursor = self.start
        while cursor < self.end:
            piece_end = min(cursor + longest, self.end)
            pieces.append(TimeSpan(cursor, piece_end))
            cursor = piece_end
        return pieces


@dataclass(frozen=True)
class WorkingHours:
    """A person's working week as their mailbox states it."""

    days: tuple[Weekday, ...]
    start: time  # local wall-clock time in `time_zone`
    end: time
    time_zone: str  # IANA name, e.g. "Europe/Stockholm"


@dataclass(frozen=True)
class MailboxSettings:
    time_zone: str  # IANA
    working_hours: WorkingHours | None
    language: str | None = None  # e.g. "sv-SE"


@dataclass(frozen=True)
class BusyBlock:
    span: TimeSpan
    status: ShowAs


@dataclass(frozen=True)
class Availability:
    """One person's free/busy over a window, from getSchedule.

    `error` is set when Graph could not read that mailbox (for example no mailbox or no access);
    the other people of the same request still have their answers.
    """

    mailbox: str
    busy: tuple[BusyBlock, ...] = ()
    working_hours: WorkingHours | None = None
    error: str | None = None

    @property
    def known(self) -> bool:
        return self.error is None


class RecurrenceKind(StrEnum):
    WEEKLY = "weekly"  # every N weeks on the given days
    MONTHLY_RELATIVE = "relativeMonthly"  # e.g. the second Tuesday every N months
    MONTHLY_ABSOLUTE = "absoluteMonthly"  # e.g. the 15th every N months


class WeekIndex(StrEnum):
    FIRST = "first"
    SECOND = "second"
    THIRD = "third"
    FOURTH = "fourth"
    LAST = "last"


@dataclass(frozen=True)
class Recurrence:
    """When a series repeats: a pattern, and a range ending on a date, after a count or never."""

    kind: RecurrenceKind
    start_date: date
    interval: int = 1
    days: tuple[Weekday, ...] = ()
    week_index: WeekIndex | None = None
    day_of_month: int | None = None
    end_date: date | None = None
    count: int | None = None

    def __post_init__(self) -> None:
        if self.interval < 1:
            raise ValueError("a recurrence repeats at least every 1 week or month")
        if self.end_date is not None and self.count is not None:
            raise ValueError("a recurrence ends on a date or after a count, not both")
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError("a recurrence cannot end before it starts")
        if self.count is not None and self.count < 1:
            raise ValueError("a recurrence has at least one occurrence")
        if self.kind is not RecurrenceKind.MONTHLY_ABSOLUTE and not self.days:
            raise ValueError(f"a {self.kind} recurrence needs its days of the week")
        if self.kind is RecurrenceKind.MONTHLY_RELATIVE and self.week_index is None:
            raise ValueError("a relative monthly recurrence needs its week (first ... last)")
        day = self.day_of_month or 0
        if self.kind is RecurrenceKind.MONTHLY_ABSOLUTE and not 1 <= day <= 31:
            raise ValueError("an absolute monthly recurrence needs a day of the month 1-31")

    @classmethod
    def weekly(
        cls,
        days: tuple[Weekday, ...],
        *,
        starting: date,
        every_weeks: int = 1,
        until: date | None = None,
        count: int | None = None,
    ) -> Recurrence:
        return cls(
            RecurrenceKind.WEEKLY, starting, every_weeks, days, end_date=until, count=count
        )

    @classmethod
    def monthly_relative(
        cls,
        week: WeekIndex,
        day: Weekday,
        *,
        starting: date,
        every_months: int = 1,
        until: date | None = None,
        count: int | None = None,
    ) -> Recurrence:
        return cls(
            RecurrenceKind.MONTHLY_RELATIVE,
            starting,
            every_months,
            (day,),
            week_index=week,
            end_date=until,
            count=count,
        )

    @classmethod
    def monthly_absolute(
        cls,
        day_of_month: int,
        *,
        starting: date,
        every_months: int = 1,
        until: date | None = None,
        count: int | None = None,
    ) -> Recurrence:
        return cls(
            RecurrenceKind.MONTHLY_ABSOLUTE,
            starting,
            every_months,
            day_of_month=day_of_month,
            end_date=until,
            count=count,
        )


class AttendeeKind(StrEnum):
    REQUIRED = "required"
    OPTIONAL = "optional"
    RESOURCE = "resource"


@dataclass(frozen=True)
class Attendee:
    address: str = field(repr=False)  # mail or UPN: personal, kept out of logs
    name: str = field(default="", repr=False)
    kind: AttendeeKind = AttendeeKind.REQUIRED


@dataclass(frozen=True)
class EventDraft:
    """An event to create. Start and end are naive wall-clock times in `time_zone` (IANA).

    `transaction_id` is derived by the caller from what the event is for (plan, member, series),
    so a retried create, whether by the SDK's retry handler or by a job, is recognised by Graph
    and never books twice.
    """

    subject: str = field(repr=False)
    start: datetime
    end: datetime
    time_zone: str
    transaction_id: str
    body_html: str = field(default="", repr=False)
    recurrence: Recurrence | None = None
    reminder_minutes: int | None = 15  # None switches the reminder off
    categories: tuple[str, ...] = ()
    show_as: ShowAs = ShowAs.BUSY
    attendees: tuple[Attendee, ...] = ()
    online_meeting: bool = False
    allow_new_time_proposals: bool = False  # protected time: nobody proposes to move it
    # What the event was booked for (plan and member), kept on the event itself, so the
    # calendar can answer "which series did this plan make here?" even when a create's answer
    # was lost or a job recorded nothing; None for events that are not the product's.
    marker: str | None = None

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("draft times are naive wall-clock times in `time_zone`")
        if self.end <= self.start:
            raise ValueError("an event ends after it starts")
        if not self.time_zone:
            raise ValueError("a draft names its IANA time zone")
        if self.reminder_minutes is not None and self.reminder_minutes < 0:
            raise ValueError("a reminder comes before the start")


@dataclass(frozen=True)
class EventChanges:
    """What to change on one event or occurrence; None leaves a field as it is."""

    start: datetime | None = None  # naive, in `time_zone`
    end: datetime | None = None
    time_zone: str | None = None
    subject: str | None = field(default=None, repr=False)
    body_html: str | None = field(default=None, repr=False)
    show_as: ShowAs | None = None
    categories: tuple[str, ...] | None = None
    reminder_minutes: int | None = None
    attendees: tuple[Attendee, ...] | None = None  # the whole new list (a meeting's organiser)
    # A series master's whole new rule (Graph takes pattern and range together), its zone in
    # `time_zone`: how a series is ended early (a range that ends on a date).
    recurrence: Recurrence | None = None

    def __post_init__(self) -> None:
        if self.recurrence is not None and self.time_zone is None:
            raise ValueError("a new recurrence needs its IANA time zone")
        if (self.start is None) != (self.end is None):
            raise ValueError("moving an event needs both its new start and end")
        if self.start is not None and self.time_zone is None:
            raise ValueError("new times need their IANA time zone")
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError("an event ends after it starts")


@dataclass(frozen=True)
class CalendarEvent:
    id: str
    subject: str = field(repr=False)
    start: datetime  # tz-aware UTC
    end: datetime
    type: EventType
    series_master_id: str | None = None
    categories: tuple[str, ...] = ()
    show_as: ShowAs = ShowAs.BUSY
    is_cancelled: bool = False
    is_all_day: bool = False
    transaction_id: str | None = None
    organizer: str | None = field(default=None, repr=False)
    original_start: datetime | None = None  # for occurrences/exceptions: the slot in the series
    change_key: str | None = None
    recurrence: Recurrence | None = None
    web_link: str | None = field(default=None, repr=False)
    # The meeting's id across calendars: an attendee's copy has the organiser's (Exchange).
    ical_uid: str | None = field(default=None, repr=False)

    @property
    def span(self) -> TimeSpan:
        return TimeSpan(self.start, self.end)


@dataclass(frozen=True)
class CalendarChanges:
    """One round of a calendarView delta re-scan: what changed since the previous delta link.

    The caller stores `delta_link` and passes it to the next re-scan; it is opaque.
    """

    changed: tuple[CalendarEvent, ...]
    removed_ids: tuple[str, ...]
    delta_link: str = field(repr=False)


class ChangeType(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


@dataclass(frozen=True)
class Subscription:
    """A Graph change-notification subscription. `client_state` is a shared secret."""

    id: str
    resource: str
    change_types: tuple[ChangeType, ...]
    expires_at: datetime  # tz-aware UTC
    notification_url: str
    lifecycle_url: str | None = None
    client_state: str = field(default="", repr=False)

    def due_for_renewal(self, *, at: datetime, margin: timedelta) -> bool:
        return self.expires_at - margin <= at


@dataclass(frozen=True)
class ChangeNotification:
    """One item of an incoming notification, already checked against the client state."""

    subscription_id: str
    change_type: str  # created/updated/deleted, or a lifecycle event name
    resource: str
    resource_id: str | None = None
    lifecycle_event: str | None = None  # reauthorizationRequired, subscriptionRemoved, missed
    tenant_id: str | None = None
