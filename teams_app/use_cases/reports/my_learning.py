"""`my learning`: a person's own history, for them alone: the time they were given and what
became of it, plan by plan. Nobody else's figures, so no k rule applies."""

from __future__ import annotations

from dataclasses import dataclass

from teams_app.domain.occurrences import Tally
from teams_app.ports import Clock, UnitOfWorkFactory
from teams_app.use_cases.learning_hours import PersonPlanHours, person_hours


@dataclass(frozen=True)
class MyLearning:
    plans: tuple[PersonPlanHours, ...]  # most kept time first
    total: Tally


async def my_learning(person_id: str, *, uow: UnitOfWorkFactory, clock: Clock) -> MyLearning:
    async with uow(read_only=True) as tx:
        plans = await person_hours(tx, person_id, at=clock.now())
    ordered = sorted(plans, key=lambda p: (-p.hours.kept, p.plan.created_at))
    return MyLearning(tuple(ordered), sum((p.hours for p in plans), Tally()))
