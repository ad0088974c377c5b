"""After an erase: the person's learning series deleted from their calendar through the
Calendar port, as leaving a plan does: the recorded series, then every series that carries a
plan's mark for them (a create whose answer was lost, one still being booked). A Graph outage
fails the job, which the queue retries; a series already gone counts as done."""

from __future__ import annotations

from collections.abc import Sequence

from teams_app.ports import Calendar, GraphNotFound


async def release_series(
    person_id: str, event_ids: Sequence[str], marks: Sequence[str], *, calendar: Calendar
) -> int:
    """How many series this call deleted."""
    deleted = 0
    for event_id in event_ids:
        deleted += await _delete(calendar, person_id, event_id)
    for mark in marks:
        for event in await calendar.marked_series(person_id, mark):
            deleted += await _delete(calendar, person_id, event.id)
    return deleted


async def _delete(calendar: Calendar, mailbox: str, event_id: str) -> int:
    try:
        await calendar.delete_event(mailbox, event_id)
    except GraphNotFound:
        return 0
    return 1
