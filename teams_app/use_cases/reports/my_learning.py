"""`my learning`: a person's own history, for them alone: the time they were given and what
became of it, plan by plan; their reflections, the actions they planned and whether they
applied them. Nobody else's figures, so no k rule applies; an anonymous reflection names nobody,
so not even its author finds it here (docs/reflections.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from teams_app.domain.occurrences import Tally
from teams_app.domain.reflections.follow_ups import Applied
from teams_app.domain.reflections.sharing import (
    Sharing,
    Shown,
    Viewer,
    shown_to,
    stored_content,
)
from teams_app.ports import Clock, UnitOfWorkFactory
from teams_app.use_cases.learning_hours import PersonPlanHours, person_hours

MAX_REFLECTIONS = 10  # the newest on the card; `my data` exports them all


@dataclass(frozen=True)
class MyReflection:
    at: datetime
    sharing: Sharing
    takeaway: str = field(repr=False)
    action: str | None = field(default=None, repr=False)
    action_by: date | None = None
    applied: Applied | None = None  # the latest follow-up answer; None: not asked or answered


@dataclass(frozen=True)
class MyLearning:
    plans: tuple[PersonPlanHours, ...]  # most kept time first
    total: Tally
    reflections: tuple[MyReflection, ...] = ()  # newest first, at most MAX_REFLECTIONS
    more_reflections: int = 0


async def my_learning(person_id: str, *, uow: UnitOfWorkFactory, clock: Clock) -> MyLearning:
    async with uow(read_only=True) as tx:
        plans = await person_hours(tx, person_id, at=clock.now())
        held = await tx.reflections.of_person(person_id)
    ordered = sorted(plans, key=lambda p: (-p.hours.kept, p.plan.created_at))
    applied = {f.reflection_key: f.applied for f in held.follow_ups if f.applied is not None}
    mine = [
        MyReflection(r.submitted_at, r.sharing, content.takeaway, content.action,
                     content.action_by, applied.get(r.key))
        for r in reversed(held.reflections)
        if shown_to(r.sharing, Viewer.AUTHOR) is Shown.NAMED
        and (content := stored_content(r))
    ]
    return MyLearning(tuple(ordered), sum((p.hours for p in plans), Tally()),
                      tuple(mine[:MAX_REFLECTIONS]), max(len(mine) - MAX_REFLECTIONS, 0))

