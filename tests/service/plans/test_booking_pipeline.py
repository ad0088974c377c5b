"""Booking as a pipeline: calendars read, slots found and jobs queued chunk by chunk, so the
booking jobs create series while later calendars are still being read (pipeline.py). Observed
through the Graph emulator's store and counters and the database, with the real job worker."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event

from teams_app.domain.bookings import MemberState, RunState
from teams_app.domain.learning_plans import CancelPlan, MemberSource
from teams_app.ports import JobState
from teams_app.use_cases.plans.planning import cancel_plan
from teams_app.use_cases.plans.progress import PROGRESS_CARD, StartBooking, queue_booking
from teams_app.use_cases.plans.slot_booking import BOOK_MEMBER_SLOTS
from tests.graph.conftest import GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import RunningService, ServiceFactory
from tests.service.plans.support import (
    LEAD,
    a_spec,
    book,
    jobs_of,
    members_of,
    new_plan,
    run_jobs,
    series,
    start,
)
from tests.service.plans.test_booking_batches import a_group, progress_of

CREATE = "POST /users/{user}/events"
SCHEDULE = "POST /users/{user}/calendar/getSchedule"


def count_transactions(service: RunningService) -> Counter[str]:
    """Every transaction the service's engine begins from now on, readers and writers apart."""
    counts: Counter[str] = Counter()

    def began(connection: Any) -> None:
        counts["read" if connection.info.get("learning_loop.read_only") else "write"] += 1

    event.listen(service.runtime.engine.sync_engine, "begin", began)
    return counts


async def eventually(check: Callable[[], Awaitable[bool]], seconds: float = 60) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if await check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("not within the time")


async def finished(service: RunningService, plan_id: str) -> bool:
    return (await progress_of(service, plan_id)).state is RunState.FINISHED


async def queued_chunk(service: RunningService) -> bool:
    return bool(await jobs_of(service, BOOK_MEMBER_SLOTS))


@asynccontextmanager
async def working(service: RunningService) -> AsyncIterator[None]:
    """The service's job worker running meanwhile, as `serve` runs it."""
    stop = asyncio.Event()
    task = asyncio.create_task(service.runtime.worker(concurrency=8).run(stop))
    try:
        yield
    finally:
        stop.set()
        await task


async def test_the_first_chunks_series_are_created_before_the_last_calendars_are_read(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator, job_poll_seconds=0.02)
    group_id, ids = await a_group(graph_emulator, 240)
    plan_id = await new_plan(service, a_spec(MemberSource.of_group(group_id)))
    # Free/busy is slow (as it is for large calendars): the chunks' reads come in waves of
    # READ_AHEAD + 1 (5 chunks), while a chunk's series take a moment.
    await graph_emulator.control.set_limits(
        slow_probability=1.0, slow_s=0.8, fault_paths="getSchedule")
    await graph_emulator.control.clear_stats()

    async with working(service):
        booking = asyncio.create_task(book(service, plan_id, chunk=20))  # 12 chunks
        schedules_at_first_create = None
        while not booking.done():
            requests = (await graph_emulator.control.stats())["requests"]
            if requests.get(CREATE) and schedules_at_first_create is None:
                schedules_at_first_create = requests.get(SCHEDULE, 0)
            await asyncio.sleep(0.01)
        started = await booking
        assert started.queued == 240 and started.progress.total == 240
        await eventually(lambda: finished(service, plan_id))

    # One getSchedule per chunk of 20: series were being created before the calendars of the
    # last chunks had been asked for (the first two waves: 10).
    assert schedules_at_first_create is not None and schedules_at_first_create < 12
    assert (await graph_emulator.control.stats())["requests"][SCHEDULE] == 12
    progress = await progress_of(service, plan_id)
    assert (progress.done, progress.failed) == (240, 0)
    for member in ids:
        assert len(await series(graph_emulator, member, plan_id)) == 1


async def test_cancelling_between_chunks_queues_nothing_more_and_creates_nothing(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator, job_poll_seconds=0.02)
    group_id, ids = await a_group(graph_emulator, 200)
    plan_id = await new_plan(service, a_spec(MemberSource.of_group(group_id)))
    await graph_emulator.control.set_limits(latency_ms=100)
    await graph_emulator.control.clear_stats()

    booking = asyncio.create_task(book(service, plan_id, chunk=20))
    await eventually(lambda: queued_chunk(service))
    services = service.runtime.services
    await cancel_plan(CancelPlan(plan_id, LEAD), uow=services.uow(), clock=services.clock)
    started = await booking

    assert started.stopped and 0 < started.queued < 200
    queued = await jobs_of(service, BOOK_MEMBER_SLOTS)
    assert sum(len(j.payload["member_ids"]) for j in queued) == started.queued
    members = await members_of(service, plan_id)
    assert len(members) == started.queued  # the later chunks were never written
    assert {m.state for m in members.values()} == {MemberState.RELEASED}
    await graph_emulator.control.set_limits(latency_ms=0)
    await run_jobs(service)
    assert not (await graph_emulator.control.stats())["requests"].get(CREATE)
    for member in ids:
        assert await series(graph_emulator, member, plan_id) == []
    assert {j.state for j in await jobs_of(service, BOOK_MEMBER_SLOTS)} == {JobState.DONE}


async def test_a_booking_job_makes_one_read_and_one_write_transaction(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    group_id, ids = await a_group(graph_emulator, 100)
    plan_id = await new_plan(service, a_spec(MemberSource.of_group(group_id)))
    await book(service, plan_id)
    assert len(await jobs_of(service, BOOK_MEMBER_SLOTS)) == 5

    counts = count_transactions(service)
    worker = service.runtime.worker(concurrency=8)
    assert await worker.run_once() == 5
    # Besides the jobs' own: the due schedules, the claim of all five, the claim that finds
    # none. Each job reads its plan and slots without the write lock and records its outcome
    # and its completion in one transaction (it was three writes a job: read, record, done).
    assert counts == {"write": 3 + 5, "read": 5}
    assert {j.state for j in await jobs_of(service, BOOK_MEMBER_SLOTS)} == {JobState.DONE}
    for member in ids:
        assert len(await series(graph_emulator, member, plan_id)) == 1
    progress = await progress_of(service, plan_id)
    assert (progress.done, progress.state) == (100, RunState.FINISHED)


async def test_the_managers_card_follows_the_run_from_before_any_calendar_is_read(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    group_id, ids = await a_group(graph_emulator, 45)
    plan_id = await new_plan(service, a_spec(MemberSource.of_group(group_id)))
    services = service.runtime.services
    await queue_booking(StartBooking(plan_id, LEAD, "a:chat", "card-1", 1), uow=services.uow)
    await run_jobs(service)  # the start, then the booking jobs; the card's rounds are not due

    (watch,) = await jobs_of(service, PROGRESS_CARD)
    chunks = await jobs_of(service, BOOK_MEMBER_SLOTS)
    assert chunks and all(j.created_at and watch.created_at for j in chunks)
    # Queued in the transaction that started the run, before the first chunk was read.
    assert all(watch.created_at < j.created_at for j in chunks)  # type: ignore[operator]
    assert watch.payload["already_booked"] == 0 and watch.payload["round"] == 0
    progress = await progress_of(service, plan_id)
    assert (progress.total, progress.done, progress.state) == (45, 45, RunState.FINISHED)
