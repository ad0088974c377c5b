"""SqlPlanRepository on SQLite and PostgreSQL: a plan's spec survives the round trip, member
moves are guarded, and concurrent jobs never lose a progress count."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time

from sqlalchemy.ext.asyncio import AsyncEngine

from teams_app.adapters.sql.uow import SqlUnitOfWork
from teams_app.domain.bookings import (
    BookedSlot,
    BookingProgress,
    MemberState,
    RunState,
    SlotState,
)
from teams_app.domain.cadences import Cadence, Horizon, LearningWindow
from teams_app.domain.calendar import ShowAs, Weekday, WeekIndex
from teams_app.domain.learning_plans import (
    DayPart,
    LearningPlan,
    MemberSource,
    PlanMode,
    PlanSpec,
    PlanStatus,
)
from tests.fakes import FakeClock

AT = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def a_plan() -> LearningPlan:
    spec = PlanSpec(
        members=MemberSource.of_group("group-1"),
        cadence=Cadence.monthly_on(WeekIndex.FIRST, Weekday.TUESDAY, every_months=2),
        duration_minutes=45,
        window=LearningWindow((Weekday.TUESDAY,), time(13, 0), time(16, 30)),
        horizon=Horizon(date(2026, 3, 3), occurrences=6),
        mode=PlanMode.TEAM_SESSION,
        goal="Kafka\nin depth",
        material_url="https://example.org/kafka",
        preference=DayPart.AFTERNOON,
        show_as=ShowAs.TENTATIVE,
    )
    return LearningPlan("plan-1", "owner-1", spec, created_at=AT, updated_at=AT)


async def test_a_plan_and_its_slots_round_trip(engine: AsyncEngine) -> None:
    plan = a_plan()
    slot = BookedSlot("plan-1", "m1", 1, "tx-1", (Weekday.TUESDAY,), time(13, 15), "Europe/Paris")
    async with SqlUnitOfWork(engine, FakeClock(AT), job_max_attempts=3) as uow:
        await uow.plans.add(plan)
        assert await uow.plans.plan_slot(slot, at=AT)
        assert not await uow.plans.plan_slot(slot, at=AT)  # planned once
        await uow.commit()
    async with SqlUnitOfWork(engine, FakeClock(AT), job_max_attempts=3) as uow:
        assert await uow.plans.get("plan-1") == plan
        await uow.plans.mark_slot(slot, SlotState.BOOKED, at=AT, event_id="ev-1")
        cancelled = LearningPlan(**{**plan.__dict__, "status": PlanStatus.CANCELLED})
        await uow.plans.save(cancelled)
        await uow.commit()
    async with SqlUnitOfWork(engine, FakeClock(AT), job_max_attempts=3) as uow:
        assert await uow.plans.get("plan-1") == cancelled
        (stored,) = await uow.plans.slots("plan-1")
    assert stored.slot_time == slot.slot_time
    assert (stored.state, stored.event_id) == (SlotState.BOOKED, "ev-1")


async def test_member_moves_are_guarded_and_counts_are_not_lost(engine: AsyncEngine) -> None:
    members = [f"m{i}" for i in range(8)]
    async with SqlUnitOfWork(engine, FakeClock(AT), job_max_attempts=3) as uow:
        for member in members:
            await uow.plans.set_member("plan-1", member, MemberState.PENDING, at=AT)
        await uow.plans.save_progress(BookingProgress("plan-1", 1, total=8, updated_at=AT))
        await uow.commit()

    async def book(member: str) -> bool:
        async with SqlUnitOfWork(engine, FakeClock(AT), job_max_attempts=3) as uow:
            moved = await uow.plans.move_member(
                "plan-1", member, from_state=MemberState.PENDING,
                to_state=MemberState.BOOKED, at=AT,
            )
            if moved:
                await uow.plans.count_progress("plan-1", 1, done=1, at=AT)
            await uow.commit()
            return moved

    results = await asyncio.gather(*(book(m) for m in members + members[:3]))
    assert sum(results) == 8  # the repeats moved nothing
    async with SqlUnitOfWork(engine, FakeClock(AT), job_max_attempts=3) as uow:
        progress = await uow.plans.progress("plan-1", 1)
    assert progress is not None and progress.done == 8 and progress.state is RunState.FINISHED
