"""A manager's plans, newest first; cancelled ones only when asked; nobody else's."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from teams_app.adapters.sql.uow import SqlUnitOfWork
from teams_app.domain.learning_plans import LearningPlan, PlanStatus
from tests.fakes import FakeClock
from tests.integration.test_plan_repository import a_plan

AT = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def plan(plan_id: str, owner: str, minutes: int) -> LearningPlan:
    at = AT + timedelta(minutes=minutes)
    return replace(a_plan(), id=plan_id, owner_id=owner, created_at=at, updated_at=at)


async def test_plans_of_an_owner_newest_first(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(engine, FakeClock(AT), job_max_attempts=3) as uow:
        for item in (plan("old", "lead", 0), plan("new", "lead", 5), plan("other", "peer", 9),
                     replace(plan("gone", "lead", 7), status=PlanStatus.CANCELLED)):
            await uow.plans.add(item)
        await uow.commit()
    async with SqlUnitOfWork(engine, FakeClock(AT), job_max_attempts=3) as uow:
        active = await uow.plans.plans_of("lead")
        every = await uow.plans.plans_of("lead", include_cancelled=True)
        nobody = await uow.plans.plans_of("someone")
    assert [p.id for p in active] == ["new", "old"]
    assert [p.id for p in every] == ["gone", "new", "old"]
    assert active[0] == plan("new", "lead", 5)  # the whole plan, goal and link included
    assert nobody == []
