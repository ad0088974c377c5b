"""Each person's working week (zone, days and hours) from their mailbox, for anything sent to
people at a time that suits them: campaign prompts, reflection reminders, follow-ups."""

from __future__ import annotations

from collections.abc import Sequence

import structlog

from teams_app.domain.calendar import MailboxSettings
from teams_app.domain.campaigns.delivery import WorkingWeek
from teams_app.ports import Calendar, GraphError

log = structlog.get_logger()


async def working_weeks(
    people: Sequence[str], calendar: Calendar | None
) -> dict[str, WorkingWeek]:
    """Each person's zone and working hours from their mailbox; office hours in UTC for one
    whose mailbox cannot be read (a card a little early beats no card)."""
    settings: dict[str, MailboxSettings | GraphError] = {}
    if calendar is not None and people:
        try:
            settings = await calendar.mailbox_settings_batched(list(people))
        except GraphError as error:
            log.info("working_hours_unread", error=type(error).__name__)
    weeks: dict[str, WorkingWeek] = {}
    for person in people:
        found = settings.get(person)
        if isinstance(found, MailboxSettings):
            weeks[person] = WorkingWeek.of(found.time_zone, found.working_hours)
        else:
            weeks[person] = WorkingWeek.of(None, None)
    return weeks
