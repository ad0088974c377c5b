"""Kept vs booked learning time: a plan's (the plans list shows it, and a check-in campaign's
report puts it beside the answers: did people use the time they were given?) and a person's
own (their plans list and `my learning`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from teams_app.domain.bookings import BookedSlot
from teams_app.domain.learning_plans import LearningPlan, PlanMode
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


@dataclass(frozen=True)
class PersonPlanHours:
    """A plan the person is booked in: their slot (a team session's is its organiser's, whose
    sessions are everyone's) and what their sessions came to, over every revision."""

    plan: LearningPlan
    slot: BookedSlot
    hours: Tally


async def person_hours(tx: UnitOfWork, person_id: str, *, at: datetime
                       ) -> list[PersonPlanHours]:
    """Every active plan `person_id` is booked in, owned or not; `tx` is an open unit of
    work."""
    slots = await tx.occurrences.booked_slots_of(person_id)
    meetings = await tx.occurrences.organiser_slots_for(person_id)
    plans = {s.plan_id: await tx.plans.get(s.plan_id) for s in [*slots, *meetings]}
    stored = await tx.occurrences.plan_occurrences(list(plans)) if plans else []
    team = {
        s.plan_id: s for s in meetings
        if (plan := plans[s.plan_id]) is not None and plan.spec.mode is PlanMode.TEAM_SESSION
    }
    counted: dict[str, list[AccountedOccurrence]] = defaultdict(list)
    for occurrence in stored:
        plan_id = occurrence.slot.plan_id
        whose = team[plan_id].member_id if plan_id in team else person_id
        if occurrence.slot.member_id == whose:
            counted[plan_id].append(accounted(occurrence))
    found = []
    for slot in [*slots, *team.values()]:
        plan = plans[slot.plan_id]
        if plan is not None:
            found.append(PersonPlanHours(plan, slot, tally(counted.get(plan.id, []), at=at)))
    return found
