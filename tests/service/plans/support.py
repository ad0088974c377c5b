"""Shared steps for the plan life-cycle tests: a service on the Graph emulator with the demo
organisation, plans made by the learning lead, the job worker run until idle."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any

from graph import demo_org
from teams_app.domain.bookings import PlanMember
from teams_app.domain.cadences import Cadence, Horizon, LearningWindow
from teams_app.domain.calendar import Weekday
from teams_app.domain.learning_plans import CreatePlan, MemberSource, PlanMode, PlanSpec
from teams_app.domain.slot_events import slot_transaction_id
from teams_app.ports import Job
from teams_app.use_cases.plans.booking import BookingStarted, BookPlan, ReadFailure, book_plan
from teams_app.use_cases.plans.planning import create_plan
from tests.graph.conftest import TOKEN, GraphEmulator
from tests.service.conftest import RunningService, ServiceFactory

LEAD = demo_org.LEARNING_LEAD_ID
REPORTS = [p.object_id for p in demo_org.direct_reports(LEAD)]


def next_monday() -> Any:
    today = datetime.now(UTC).date()
    return today + timedelta(days=7 - today.weekday())


def a_spec(
    members: MemberSource | None = None,
    *,
    mode: PlanMode = PlanMode.PERSONAL,
    goal: str = "Read the chapter on event sourcing",
    start: time = time(9, 0),
    end: time = time(16, 0),
    duration: int = 60,
) -> PlanSpec:
    return PlanSpec(
        members=members or MemberSource.direct_reports(),
        cadence=Cadence.weekly(),
        duration_minutes=duration,
        window=LearningWindow(
            (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY), start, end
        ),
        horizon=Horizon(next_monday(), occurrences=4),
        mode=mode,
        goal=goal,
    )


def on_emulator(emulator: GraphEmulator, **overrides: Any) -> dict[str, Any]:
    """Service settings for the Graph emulator, with retries and backoffs short enough for
    tests; `overrides` win."""
    return {
        "graph_base_url": emulator.base_url,
        "graph_auth": "static",
        "graph_static_token": TOKEN,
        "graph_timeout_seconds": 5.0,
        "graph_max_retries": 3,
        "graph_retry_backoff_seconds": 0.05,
        "job_backoff_base": 0.01,
        "job_backoff_max": 0.05,
        **overrides,
    }


async def start(
    start_service: ServiceFactory, emulator: GraphEmulator, **overrides: Any
) -> RunningService:
    """The service on the emulator holding the demo organisation."""
    await emulator.control.reset("demo")
    return await start_service(**on_emulator(emulator, **overrides))


async def new_plan(service: RunningService, spec: PlanSpec | None = None) -> str:
    services = service.runtime.services
    receipt = await create_plan(
        CreatePlan(LEAD, spec or a_spec()),
        uow=services.uow(),
        clock=services.clock,
        new_id=lambda: str(uuid.uuid4()),
    )
    return receipt.plan_id


async def book(
    service: RunningService,
    plan_id: str,
    by: str = LEAD,
    *,
    on_failure: ReadFailure = ReadFailure.UNDO,
    **options: Any,
) -> BookingStarted:
    """`book_plan`; `options` go to it as they are (chunk, started)."""
    services = service.runtime.services
    assert services.calendar is not None and services.directory is not None
    return await book_plan(
        BookPlan(plan_id, by, on_failure=on_failure),
        uow=services.uow,
        calendar=services.calendar,
        directory=services.directory,
        clock=services.clock,
        rights=services.rights,
        **options,
    )


async def run_jobs(service: RunningService, *, until_idle_for: float = 0.3) -> int:
    """Run jobs until none has been due for a moment (retries are scheduled shortly ahead)."""
    worker = service.runtime.worker(concurrency=4)
    ran, idle_since = 0, asyncio.get_running_loop().time()
    while asyncio.get_running_loop().time() - idle_since < until_idle_for:
        done = await worker.run_once()
        ran += done
        if done:
            idle_since = asyncio.get_running_loop().time()
        await asyncio.sleep(0.02)
    return ran


async def events_of(emulator: GraphEmulator, mailbox: str) -> list[dict[str, Any]]:
    return list((await emulator.control.objects("events", mailbox=mailbox)).get(mailbox, []))


async def jobs_of(service: RunningService, kind: str) -> list[Job]:
    return [j for j in await service.runtime.jobs.list(limit=1000) if j.kind == kind]


async def series(emulator: GraphEmulator, member_id: str, plan_id: str) -> list[dict[str, Any]]:
    """The member's live series of the plan's first revision, found by its transactionId."""
    events = (await emulator.control.objects("events", mailbox=member_id)).get(member_id, [])
    wanted = {slot_transaction_id(plan_id, member_id, 1)}
    return [e for e in events if e.get("transactionId") in wanted and not e.get("isCancelled")]


async def members_of(service: RunningService, plan_id: str) -> dict[str, PlanMember]:
    async with service.runtime.services.uow() as tx:
        return {m.member_id: m for m in await tx.plans.members(plan_id)}


async def enqueue(service: RunningService, kind: str, payload: dict[str, Any]) -> str:
    async with service.runtime.services.uow() as tx:
        job_id = await tx.jobs.enqueue(kind, payload)
        await tx.commit()
    assert job_id is not None
    return job_id
