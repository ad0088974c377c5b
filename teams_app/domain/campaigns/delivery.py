"""When a prompt goes out: inside the person's working hours in their own time zone, within the
weekly cap on prompts per person (across all campaigns), and when its reminders are due.

A capped prompt is postponed to the first working moment of the next week that still has room:
never dropped, and the postponements are counted. Weeks run Monday to Sunday in the person's
own zone."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from teams_app.domain.calendar import Weekday, WorkingHours
from teams_app.domain.occurrences import Outcome

DEFAULT_WEEKLY_CAP = 3
# Someone whose mailbox states no working hours is asked on weekdays, 09:00-17:00 their time.
OFFICE_DAYS = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY,
               Weekday.FRIDAY)
OFFICE_START, OFFICE_END = time(9, 0), time(17, 0)
_MAX_WEEKS_AHEAD = 60  # the cap postpones at most this far (a year of full weeks)


@dataclass(frozen=True)
class WorkingWeek:
    """A person's working days and hours, read in their zone."""

    zone: str  # IANA
    days: tuple[Weekday, ...] = OFFICE_DAYS
    start: time = OFFICE_START
    end: time = OFFICE_END

    @classmethod
    def of(cls, zone: str | None, hours: WorkingHours | None) -> WorkingWeek:
        """From a mailbox: its working hours, else office hours in its zone (else UTC)."""
        name = (hours.time_zone if hours else None) or zone or "UTC"
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            name = "UTC"
        if hours is None or not hours.days or hours.end <= hours.start:
            return cls(name)
        return cls(name, tuple(hours.days), hours.start, hours.end)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    def _at(self, day: date, wall: time) -> datetime:
        """The instant of a wall-clock time; a time skipped by a DST jump means the same
        wall time shifted by the jump (02:30 on a spring-forward night is 03:30)."""
        local = datetime.combine(day, wall, tzinfo=self.tz)
        return local.astimezone(UTC).astimezone(self.tz).astimezone(UTC)

    def send_instant(self, due: datetime) -> datetime:
        """`due` if it is inside working hours, else the next start of working hours."""
        local = due.astimezone(self.tz)
        for offset in range(8):
            day = local.date() + timedelta(days=offset)
            if Weekday.of(day) not in self.days:
                continue
            start, end = self._at(day, self.start), self._at(day, self.end)
            if offset == 0 and start <= due < end:
                return due
            if due < start:
                return start
        return due  # no working day in the week at all: cannot happen once built by `of`

    def week_of(self, instant: datetime) -> date:
        """The Monday of the instant's week, in the person's zone."""
        day = instant.astimezone(self.tz).date()
        return day - timedelta(days=day.weekday())

    def next_week_start(self, instant: datetime) -> datetime:
        """The first working moment of the week after the instant's."""
        monday = self.week_of(instant) + timedelta(days=7)
        return self.send_instant(self._at(monday, time(0, 0)))


@dataclass(frozen=True)
class Placement:
    send_at: datetime
    postponed: int  # how many weeks the cap pushed it


def place_prompt(
    due: datetime,
    week: WorkingWeek,
    already: Iterable[datetime],
    *,
    cap: int = DEFAULT_WEEKLY_CAP,
) -> Placement:
    """Where a new prompt goes among the person's prompts `already` planned (any campaign):
    inside working hours, in the first week with fewer than `cap` prompts."""
    counts: dict[date, int] = {}
    for instant in already:
        monday = week.week_of(instant)
        counts[monday] = counts.get(monday, 0) + 1
    send_at = week.send_instant(due)
    postponed = 0
    while counts.get(week.week_of(send_at), 0) >= max(1, cap) and postponed < _MAX_WEEKS_AHEAD:
        send_at = week.next_week_start(send_at)
        postponed += 1
    return Placement(send_at, postponed)


@dataclass(frozen=True)
class PromptProgress:
    """What the reminder rule needs about one prompt: when it went, how many reminders went."""

    sent_at: datetime | None
    reminders_sent: int
    answered: bool


def reminder_due(
    prompt: PromptProgress, reminders: Sequence[timedelta], *, at: datetime, closes_at: datetime
) -> int | None:
    """The number (1-based) of the reminder due now, or None: only for a prompt sent and not
    answered, before the close, one reminder at a time (a late run sends only the next one)."""
    if prompt.answered or prompt.sent_at is None or at >= closes_at:
        return None
    if prompt.reminders_sent >= len(reminders):
        return None
    if at < prompt.sent_at + reminders[prompt.reminders_sent]:
        return None
    return prompt.reminders_sent + 1


def asks_after(outcome: Outcome) -> bool:
    """Whether an ended occurrence gets a check-in: not one that was lost, skipped or away
    (nobody asks "did you use your time" about time that was taken)."""
    return outcome in (Outcome.KEPT, Outcome.MOVED, Outcome.BOOKED)
