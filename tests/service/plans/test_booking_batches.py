"""Booking in chunks of 20 through Graph `$batch`, with faults injected in the emulator: a
mailbox that is gone, a throttling storm that outlasts every retry, a job that died between
creating the series and recording them, a worker that stopped half-way, a plan cancelled while
its series were being created."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from teams_app.domain.bookings import MemberFailure, MemberState, RunState, SlotState
from teams_app.domain.learning_plans import CancelPlan, MemberSource
from teams_app.domain.slot_events import slot_event_draft
from teams_app.ports import JobState
from teams_app.use_cases.plans.booked_cards import SLOT_BOOKED_CARD
from teams_app.use_cases.plans.planning import cancel_plan
from teams_app.use_cases.plans.slot_booking import (
    BOOK_MEMBER_SLOTS,
    CARD_HOLD,
    BookMemberSlots,
    book_member_slots,
)
from tests.graph.conftest import GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import RunningService, ServiceFactory
from tests.service.plans.support import (
    LEAD,
    REPORTS,
    a_spec,
    book,
    jobs_of,
    members_of,
    new_plan,
    run_jobs,
    series,
    start,
)

ZONES = ("Europe/Stockholm", "Europe/London", "America/New_York")


async def a_group(emulator: GraphEmulator, size: int) -> tuple[str, list[str]]:
    people = await asyncio.gather(*(
        emulator.control.add_user(f"Learner {n}", time_zone=ZONES[n % 3], manager_id=LEAD)
        for n in range(size)
    ))
    ids = [str(p["id"]) for p in people]
    group = await emulator.control.add_group("Learners", ids)
    return str(group["id"]), ids


async def progress_of(service: RunningService, plan_id: str) -> Any:
    async with service.runtime.services.uow() as tx:
        return await tx.plans.progress(plan_id, 1)


async def test_a_large_group_is_booked_in_chunks_of_twenty_and_a_rerun_queues_nothing(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    group_id, ids = await a_group(graph_emulator, 45)
    plan_id = await new_plan(service, a_spec(MemberSource.of_group(group_id)))

    started = await book(service, plan_id)
    assert started.queued == 45
    chunks = await jobs_of(service, BOOK_MEMBER_SLOTS)
    assert sorted(len(j.payload["member_ids"]) for j in chunks) == [5, 20, 20]
    assert sorted(m for j in chunks for m in j.payload["member_ids"]) == sorted(ids)
    await graph_emulator.control.clear_stats()
    await run_jobs(service)

    stats = await graph_emulator.control.stats()
    assert stats["requests"]["POST /users/{user}/events"] == 45
    assert stats["requests"]["POST /$batch"] == 3
    for member in ids:
        assert len(await series(graph_emulator, member, plan_id)) == 1
    progress = await progress_of(service, plan_id)
    assert (progress.done, progress.failed, progress.state) == (45, 0, RunState.FINISHED)
    cards = await jobs_of(service, SLOT_BOOKED_CARD)
    assert len(cards) == 45
    # A run bigger than one chunk holds its cards back, so its own jobs go first.
    created = {j.id: j.created_at for j in cards}
    held = CARD_HOLD - timedelta(seconds=5)  # from the job's clock reading, a moment earlier
    assert all(j.created_at and j.run_at - j.created_at >= held for j in cards), created
    again = await book(service, plan_id)
    assert again.queued == 0 and len(await jobs_of(service, BOOK_MEMBER_SLOTS)) == 3


async def test_a_mailbox_gone_fails_that_member_and_the_chunk_books_the_rest(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    plan_id = await new_plan(service)
    await graph_emulator.control.set_limits(fail_next=[
        {"match": f"POST /users/{REPORTS[2]}/events", "status": 404,
         "code": "ErrorItemNotFound", "count": 5},
    ])
    await book(service, plan_id)
    await run_jobs(service)

    (chunk,) = await jobs_of(service, BOOK_MEMBER_SLOTS)
    assert (chunk.state, chunk.attempts) == (JobState.DONE, 1)  # a 404 is not retried
    members = await members_of(service, plan_id)
    assert members[REPORTS[2]].state is MemberState.FAILED
    assert members[REPORTS[2]].failure is MemberFailure.NO_MAILBOX
    assert sum(m.state is MemberState.BOOKED for m in members.values()) == len(REPORTS) - 1
    progress = await progress_of(service, plan_id)
    assert (progress.done, progress.failed) == (len(REPORTS) - 1, 1)
    cards = {j.payload["member_id"] for j in await jobs_of(service, SLOT_BOOKED_CARD)}
    assert cards == set(REPORTS) - {REPORTS[2]}  # no card for the member without a series


async def test_a_storm_that_outlasts_every_retry_is_graph_unavailable_and_a_rerun_retries_it(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator, job_max_attempts=2)
    plan_id = await new_plan(service)
    stormy = REPORTS[3]
    await graph_emulator.control.set_limits(fail_next=[
        {"match": f"POST /users/{stormy}/events", "status": 429, "retry_after": 0.01,
         "count": 100},
    ])
    await book(service, plan_id)
    await run_jobs(service)

    (chunk,) = await jobs_of(service, BOOK_MEMBER_SLOTS)
    # Its second (last) attempt recorded the member instead of failing, so the job is done
    # and the run finished rather than hanging on a dead job.
    assert (chunk.state, chunk.attempts) == (JobState.DONE, 2)
    members = await members_of(service, plan_id)
    assert members[stormy].failure is MemberFailure.UNAVAILABLE
    assert {m.state for k, m in members.items() if k != stormy} == {MemberState.BOOKED}
    progress = await progress_of(service, plan_id)
    assert (progress.done, progress.failed, progress.state) == (
        len(REPORTS) - 1, 1, RunState.FINISHED
    )
    assert await series(graph_emulator, stormy, plan_id) == []
    for member in REPORTS:  # the others were created once, not again on the second attempt
        if member != stormy:
            assert len(await series(graph_emulator, member, plan_id)) == 1

    # Booking the plan again when Graph has calmed down tries that member again (unlike a
    # 403 or 404), and only that member.
    await graph_emulator.control.set_limits()
    again = await book(service, plan_id)
    assert again.queued == 1
    await run_jobs(service)
    for member in REPORTS:
        assert len(await series(graph_emulator, member, plan_id)) == 1
    progress = await progress_of(service, plan_id)
    assert (progress.done, progress.failed, progress.state) == (
        len(REPORTS), 0, RunState.FINISHED
    )


async def test_a_job_that_died_between_create_and_record_books_no_duplicate(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    services = service.runtime.services
    assert services.calendar is not None
    plan_id = await new_plan(service)
    await book(service, plan_id)
    # What the dead job did before dying: the creates reached Graph, nothing was recorded.
    async with services.uow() as tx:
        plan = await tx.plans.get(plan_id)
        slots = await tx.plans.slots_of(plan_id, 1, REPORTS[:3])
    assert plan is not None and len(slots) == 3
    made = await services.calendar.create_events_batched(
        {s.member_id: [slot_event_draft(plan, s.member_id, s.slot_time)] for s in slots}
    )
    first_ids = {member: events[0].id for member, events in made.items()}  # type: ignore[union-attr]

    await run_jobs(service)

    for member in REPORTS:
        assert len(await series(graph_emulator, member, plan_id)) == 1
    async with services.uow() as tx:
        recorded = {s.member_id: s.event_id for s in await tx.plans.slots(plan_id)}
    for member, event_id in first_ids.items():
        assert recorded[member] == event_id  # Graph answered with the event it already had
    progress = await progress_of(service, plan_id)
    assert (progress.done, progress.failed) == (len(REPORTS), 0)


async def test_booking_that_stopped_half_way_resumes_without_duplicates(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    services = service.runtime.services
    assert services.calendar is not None
    group_id, ids = await a_group(graph_emulator, 30)
    plan_id = await new_plan(service, a_spec(MemberSource.of_group(group_id)))
    await book(service, plan_id)
    chunks = await jobs_of(service, BOOK_MEMBER_SLOTS)
    # A worker took both jobs, booked the first chunk completely and died in the middle of the
    # second after Graph made part of its series; its leases then ran out.
    taken = await service.runtime.jobs.claim("worker-that-dies", 10, lease_seconds=0.3)
    assert len(taken) == 2
    first = next(j for j in chunks if len(j.payload["member_ids"]) == 20)
    second = next(j for j in chunks if j.id != first.id)
    await book_member_slots(
        BookMemberSlots.parse(first.payload, last_attempt=False),
        uow=services.uow, calendar=services.calendar, clock=services.clock,
    )
    async with services.uow() as tx:
        plan = await tx.plans.get(plan_id)
        half = await tx.plans.slots_of(plan_id, 1, second.payload["member_ids"][:5])
    assert plan is not None
    await services.calendar.create_events_batched(
        {s.member_id: [slot_event_draft(plan, s.member_id, s.slot_time)] for s in half}
    )
    progress = await progress_of(service, plan_id)
    assert (progress.done, progress.state) == (20, RunState.RUNNING)
    await asyncio.sleep(0.35)

    await run_jobs(service)  # another worker picks both jobs up again

    for member in ids:
        assert len(await series(graph_emulator, member, plan_id)) == 1
    progress = await progress_of(service, plan_id)
    assert (progress.done, progress.failed, progress.state) == (30, 0, RunState.FINISHED)
    assert len(await jobs_of(service, SLOT_BOOKED_CARD)) == 30  # one card each, not two
    assert {j.state for j in await jobs_of(service, BOOK_MEMBER_SLOTS)} == {JobState.DONE}


async def test_a_plan_cancelled_while_its_series_are_created_takes_them_out_again(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    services = service.runtime.services
    assert services.calendar is not None
    plan_id = await new_plan(service)
    await book(service, plan_id)
    (chunk,) = await jobs_of(service, BOOK_MEMBER_SLOTS)
    await graph_emulator.control.set_limits(latency_ms=300)  # 7 creates: two rounds of 4
    job = asyncio.create_task(book_member_slots(
        BookMemberSlots.parse(chunk.payload, last_attempt=False),
        uow=services.uow, calendar=services.calendar, clock=services.clock,
    ))
    await asyncio.sleep(0.2)  # the $batch is in Graph's hands
    await cancel_plan(CancelPlan(plan_id, LEAD), uow=services.uow(), clock=services.clock)
    outcome = await job
    await graph_emulator.control.set_limits()

    assert outcome.booked == 0 and outcome.skipped == len(REPORTS)
    await run_jobs(service)  # the cancel jobs
    for member in REPORTS:
        assert await series(graph_emulator, member, plan_id) == []
    async with services.uow() as tx:
        slots = await tx.plans.slots(plan_id)
    assert {s.state for s in slots} == {SlotState.CANCELLED}
    members = await members_of(service, plan_id)
    assert {m.state for m in members.values()} == {MemberState.RELEASED}
    assert await jobs_of(service, SLOT_BOOKED_CARD) == []


async def test_a_chunk_whose_batches_keep_failing_finishes_the_run_and_books_again_later(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    """Not one member's throttling but every `$batch` itself failing (503 from Graph's
    gateway): the job's last attempt records its members as unavailable, so the manager's card
    reaches its summary, and booking again books them exactly once."""
    service = await start(start_service, graph_emulator, job_max_attempts=2)
    plan_id = await new_plan(service)
    await book(service, plan_id)  # the calendars are read; the jobs that create are queued
    await graph_emulator.control.set_limits(fail_next=[
        {"match": r"POST /\$batch", "status": 503, "retry_after": 0.01, "count": 1000},
    ])
    await run_jobs(service)
    (chunk,) = await jobs_of(service, BOOK_MEMBER_SLOTS)
    assert (chunk.state, chunk.attempts) == (JobState.DONE, 2)
    await assert_unavailable_then_booked_again(service, graph_emulator, plan_id)


async def test_a_chunk_that_cannot_run_at_all_does_not_leave_its_members_pending(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    """A worker without Graph settings (a misconfigured instance sharing the database) takes
    the job: it dies, but its members are recorded, not left pending with the run unfinished."""
    service = await start(start_service, graph_emulator)
    plan_id = await new_plan(service)
    await book(service, plan_id)
    misconfigured = await start_service(job_backoff_base=0.01, job_backoff_max=0.05)
    assert misconfigured.runtime.services.calendar is None
    await run_jobs(misconfigured)
    (chunk,) = await jobs_of(service, BOOK_MEMBER_SLOTS)
    assert (chunk.state, chunk.last_error) == (JobState.DEAD, "graph_not_configured")
    await assert_unavailable_then_booked_again(service, graph_emulator, plan_id)


async def assert_unavailable_then_booked_again(
    service: RunningService, graph_emulator: GraphEmulator, plan_id: str  # noqa: F811
) -> None:
    members = await members_of(service, plan_id)
    assert {(m.state, m.failure) for m in members.values()} == {
        (MemberState.FAILED, MemberFailure.UNAVAILABLE)
    }
    progress = await progress_of(service, plan_id)
    assert (progress.failed, progress.state) == (len(REPORTS), RunState.FINISHED)

    await graph_emulator.control.set_limits()
    again = await book(service, plan_id)
    assert again.queued == len(REPORTS)
    await run_jobs(service)
    for member in REPORTS:
        assert len(await series(graph_emulator, member, plan_id)) == 1
    progress = await progress_of(service, plan_id)
    assert (progress.done, progress.failed, progress.state) == (
        len(REPORTS), 0, RunState.FINISHED
    )
