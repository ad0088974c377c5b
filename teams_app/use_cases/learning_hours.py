"""A plan's kept vs booked learning time: the plans list shows it, and a check-in campaign's
report puts it beside the answers (did people use the time they were given?)."""

from __future__ import annotations

from datetime import datetime

from teams_app.domain.occurrence_records import StoredOccurrence
from teams_app.domain.occurrences import (
    AccountedOccurrence,
    ExpectedOccurrence,
    OccurrenceView,
    Presence,
    Tally,
    tally,
)
from teams_app.ports import UnitOfWork


async def plan_hours(tx: UnitOfWork, plan_id: str, *, at: datetime) -> Tally:
    """Over every session of the plan recorded so far; `tx` is an open unit of work."""
    stored = await tx.occurrences.plan_occurrences([plan_id])
    return tally([accounted(o) for o in stored], at=at)


def accounted(stored: StoredOccurrence) -> AccountedOccurrence:
    # The tally reads the booked span and the outcome; the view is not stored, so a neutral
    # one stands in for it.
    expected = ExpectedOccurrence(stored.key, stored.span.start.date(), stored.span)
    view = OccurrenceView(stored.key, Presence.PRESENT)
    return AccountedOccurrence(expected, stored.outcome, view)
