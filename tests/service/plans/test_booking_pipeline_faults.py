"""Booking as a pipeline when Graph fails half-way: the chunks read before are queued and
booked; what happens to the rest is the caller's choice (`ReadFailure`), and booking again
books them without duplicates. Faults are injected in the Graph emulator; the series are
counted from its store."""

from __future__ import annotations

import re

import pytest

from teams_app.domain.bookings import MemberFailure, MemberState, RunState
from teams_app.domain.learning_plans import MemberSource
from teams_app.ports import GraphUnavailable
from teams_app.use_cases.plans.booking import ReadFailure
from teams_app.use_cases.plans.reports import running_booking
from tests.graph.conftest import GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import RunningService, ServiceFactory
from tests.service.plans.support import (
    LEAD,
    a_spec,
    book,
    members_of,
    new_plan,
    run_jobs,
    series,
    start,
)
from tests.service.plans.test_booking_batches import a_group, progress_of


async def a_plan_whose_fourth_chunk_cannot_be_read(
    service: RunningService, emulator: GraphEmulator
) -> tuple[str, list[str]]:
    """100 members in chunks of 20; the getSchedule of the fourth chunk answers 503 to
    every try (it is asked as the chunk's first member)."""
    group_id, ids = await a_group(emulator, 100)
    plan_id = await new_plan(service, a_spec(MemberSource.of_group(group_id)))
    anchor = (await emulator.control.objects("users"))
    mail = next(u["mail"] for u in anchor if u["id"] == ids[60])
    await emulator.control.set_limits(fail_next=[{
        "match": re.escape(f"/users/{mail}/calendar/getSchedule"), "status": 503,
        "retry_after": 0.01, "count": 1000,
    }])
    return plan_id, ids


async def healed(emulator: GraphEmulator) -> None:
    await emulator.control.set_limits(fail_next=[])


async def booked_once_each(emulator: GraphEmulator, plan_id: str, ids: list[str]) -> None:
    for member in ids:
        assert len(await series(emulator, member, plan_id)) == 1, member


async def test_settle_records_the_members_not_read_and_a_second_book_books_them(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    plan_id, ids = await a_plan_whose_fourth_chunk_cannot_be_read(service, graph_emulator)

    started = await book(service, plan_id, chunk=20, on_failure=ReadFailure.SETTLE)
    assert started.queued == 60
    await run_jobs(service)
    members = await members_of(service, plan_id)
    assert {m for m in ids[60:] if members[m].failure is MemberFailure.UNAVAILABLE} == set(
        ids[60:])
    progress = await progress_of(service, plan_id)
    assert (progress.total, progress.done, progress.failed, progress.state) == (
        100, 60, 40, RunState.FINISHED)

    await healed(graph_emulator)
    again = await book(service, plan_id, chunk=20)
    assert again.queued == 40
    await run_jobs(service)
    progress = await progress_of(service, plan_id)
    assert (progress.done, progress.failed, progress.state) == (100, 0, RunState.FINISHED)
    await booked_once_each(graph_emulator, plan_id, ids)


async def test_retry_leaves_the_run_open_for_the_next_attempt_which_resumes_it(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    plan_id, ids = await a_plan_whose_fourth_chunk_cannot_be_read(service, graph_emulator)

    with pytest.raises(GraphUnavailable):
        await book(service, plan_id, chunk=20, on_failure=ReadFailure.RETRY)
    await run_jobs(service)
    progress = await progress_of(service, plan_id)
    # Everyone is still in the run, so the card keeps following it until the retry.
    assert (progress.total, progress.done, progress.state) == (100, 60, RunState.RUNNING)
    services = service.runtime.services
    assert await running_booking(plan_id, LEAD, uow=services.uow(read_only=True)) is not None

    await healed(graph_emulator)
    again = await book(service, plan_id, chunk=20, on_failure=ReadFailure.RETRY)
    assert again.queued == 40
    await run_jobs(service)
    progress = await progress_of(service, plan_id)
    assert (progress.total, progress.done, progress.state) == (100, 100, RunState.FINISHED)
    await booked_once_each(graph_emulator, plan_id, ids)


async def test_undo_leaves_a_run_of_what_was_queued_and_book_starts_anew(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    plan_id, ids = await a_plan_whose_fourth_chunk_cannot_be_read(service, graph_emulator)

    with pytest.raises(GraphUnavailable):
        await book(service, plan_id, chunk=20)  # UNDO: nobody retries this call
    members = await members_of(service, plan_id)
    assert sorted(members) == sorted(ids[:60])
    assert {m.state for m in members.values()} == {MemberState.PENDING}
    await run_jobs(service)
    progress = await progress_of(service, plan_id)
    assert (progress.total, progress.done, progress.state) == (60, 60, RunState.FINISHED)
    services = service.runtime.services
    assert await running_booking(plan_id, LEAD, uow=services.uow(read_only=True)) is None

    await healed(graph_emulator)
    again = await book(service, plan_id, chunk=20)
    assert again.queued == 40 and again.progress.total == 100
    await run_jobs(service)
    progress = await progress_of(service, plan_id)
    assert (progress.done, progress.state) == (100, RunState.FINISHED)
    await booked_once_each(graph_emulator, plan_id, ids)
