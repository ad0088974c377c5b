"""The manager's booking card follows the booking jobs: the Book answer shows progress, a job
updates the same card in place (PUT on the connector, retried when Teams throttles) and ends
with the summary of who could not be booked and why. Through the real aiohttp app and worker,
with the Graph emulator behind the real msgraph-sdk adapter."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from teams_app.domain.bookings import MemberState
from teams_app.jobs.plans.progress import progress_card_job
from teams_app.ports import Job, JobState
from teams_app.use_cases.plans.progress import PROGRESS_CARD, START_BOOKING
from tests.card_schema import assert_valid_card
from tests.card_texts import all_texts, card_of
from tests.connector import FakeConnector, Fault
from tests.graph.conftest import GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import RunningService, ServiceFactory
from tests.service.plans.cards_support import (
    GOAL,
    LEAD,
    REPORTS,
    action_data,
    execute,
    plan_data,
    run_book_jobs,
    run_jobs,
    start,
)


async def test_book_answers_with_progress_and_the_same_card_ends_with_a_summary(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    mailless = await graph_emulator.control.add_user("Nora Mailless", has_mailbox=False,
                                                     manager_id=LEAD)
    # The reports and one more person: one plan for all of them.
    data = plan_data(members=f"reports,user:{mailless['id']}")
    preview = await execute(service, connector, "plan.preview", data)
    assert "Nora Mailless" in all_texts(preview) and "Has no Outlook mailbox" in all_texts(preview)
    progress = await execute(service, connector, "plan.book",
                             action_data(preview, "plan.book"), reply_to="card-7")
    assert "Booking learning time" in all_texts(progress)
    assert "This card updates by itself" in all_texts(progress)

    assert await run_jobs(service) >= 1  # the booking jobs; the card's job waits its turn
    connector.faults.append(Fault(429, retry_after=0.01))  # Teams throttles the first update
    await service.runtime.advance_clock(timedelta(seconds=3))
    assert await run_jobs(service) >= 1
    updates = await connector.wait_for_updates(1)
    conversation_id, activity_id, activity = updates[-1]
    assert (conversation_id, activity_id) == ("a:personal-1", "card-7")
    summary = card_of(activity)
    assert_valid_card(summary)
    content = all_texts(summary)
    assert "Learning time booked" in content
    assert f"{len(REPORTS)} of {len(REPORTS) + 1} people have their learning time" in content
    assert "Nora Mailless" in content and "Has no Outlook mailbox" in content
    async with service.runtime.services.uow() as tx:
        (plan,) = await tx.plans.plans_of(LEAD)
        members = await tx.plans.members(plan.id)
    assert sum(m.state is MemberState.BOOKED for m in members) == len(REPORTS)
    await service.runtime.advance_clock(timedelta(seconds=30))
    await run_jobs(service, until_idle_for=0.1)
    assert len(connector.updates) == len(updates), "a finished card is not updated again"


async def progress_jobs(service: RunningService) -> list[Job]:
    return [j for j in await service.runtime.jobs.list(JobState.QUEUED)
            if j.kind == PROGRESS_CARD]


async def test_while_booking_runs_the_card_shows_how_far_it_got(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    preview = await execute(service, connector, "plan.preview", plan_data(), locale="sv-SE")
    card = await execute(service, connector, "plan.book", action_data(preview, "plan.book"),
                         reply_to="card-9", locale="sv-SE")
    # Book answers at once; a job reads the calendars (longer than Teams waits for an answer).
    assert "Letar upp de bästa tiderna" in all_texts(card)
    assert_valid_card(card)
    assert await progress_jobs(service) == []
    assert await run_book_jobs(service) == 1
    (job,) = await progress_jobs(service)
    assert set(job.payload) >= {"plan_id", "conversation_id", "activity_id", "revision"}
    assert GOAL not in str(job.payload)  # ids and counts only

    # The round runs before any booking job: the card says none are done yet.
    run_round = progress_card_job(service.runtime.services)
    await run_round(job)
    (_, activity_id, activity), = await connector.wait_for_updates(1)
    assert activity_id == "card-9"
    card = card_of(activity)
    assert_valid_card(card)
    assert f"Bokar 0 av {len(REPORTS)}" in all_texts(card)  # in the manager's language
    # (The round was run here by hand, so its own job is still queued beside the next.)
    (next_round,) = [j for j in await progress_jobs(service) if j.id != job.id]
    assert next_round.payload["round"] == 1 and next_round.run_at > job.run_at

    await run_round(job)  # the same round again (a retried job) starts no second chain
    assert len(await progress_jobs(service)) == 2


@pytest.mark.parametrize(("payload", "fault", "code"), [
    ({"plan_id": "p"}, None, "bad_payload"),
    (None, Fault(404, body='{"error": {"code": "NotFound", "message": "gone"}}'),
     "recipient_unreachable"),
])
async def test_a_progress_card_that_cannot_be_shown_stops_with_a_clear_code(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector, payload: dict[str, Any] | None, fault: Fault | None, code: str,
) -> None:
    service = await start(start_service, graph_emulator)
    preview = await execute(service, connector, "plan.preview", plan_data())
    await execute(service, connector, "plan.book", action_data(preview, "plan.book"),
                  reply_to="card-3")
    await run_book_jobs(service)
    (job,) = await progress_jobs(service)
    if payload is not None:
        async with service.runtime.services.uow() as tx:
            job_id = await tx.jobs.enqueue(PROGRESS_CARD, payload)
            await tx.commit()
    else:
        job_id = job.id
    if fault is not None:
        connector.faults.append(fault)
    await service.runtime.advance_clock(timedelta(seconds=3))
    await run_jobs(service)
    failed = await service.runtime.jobs.get(job_id or "")
    assert failed is not None and failed.state is JobState.DEAD
    assert failed.last_error == code


async def test_graph_refusing_the_start_of_booking_shows_why_on_the_card(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    """The job behind Book finds Graph refusing (403): the card the manager pressed says so,
    with Try again; nothing is booked and no progress rounds start."""
    service = await start(start_service, graph_emulator)
    preview = await execute(service, connector, "plan.preview", plan_data())
    await execute(service, connector, "plan.book", action_data(preview, "plan.book"),
                  reply_to="card-5")
    await graph_emulator.control.set_limits(fail_next=[
        {"match": "directReports", "status": 403, "code": "Authorization_RequestDenied",
         "count": 100},
    ])
    await run_book_jobs(service)
    (_, activity_id, activity), = await connector.wait_for_updates(1)
    card = card_of(activity)
    assert_valid_card(card)
    assert activity_id == "card-5"
    assert "permission" in all_texts(card).lower()
    retry = action_data(card, "plan.book")
    assert retry["plan_id"] == preview_plan_id(preview)
    assert await progress_jobs(service) == []

    # Pressing Try again once Graph lets us books the plan and follows it on the same card.
    await graph_emulator.control.set_limits()
    again = await execute(service, connector, "plan.book", retry, reply_to="card-5")
    assert "Finding the best times" in all_texts(again)
    await run_jobs(service)
    await service.runtime.advance_clock(timedelta(seconds=3))
    await run_jobs(service)
    summary = card_of((await connector.wait_for_updates(2))[-1][2])
    assert f"{len(REPORTS)} of {len(REPORTS)} people have their learning time" in all_texts(summary)


async def test_a_plan_cancelled_before_booking_started_says_so_without_a_retry(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    preview = await execute(service, connector, "plan.preview", plan_data())
    book = action_data(preview, "plan.book")
    await execute(service, connector, "plan.book", book, reply_to="card-6")
    await execute(service, connector, "plan.cancel", {"plan_id": book["plan_id"], "revision": 1})
    await run_book_jobs(service)
    (_, _, activity), = await connector.wait_for_updates(1)
    card = card_of(activity)
    assert_valid_card(card)
    assert "cancelled" in all_texts(card)
    assert "plan.book" not in str(card)  # pressing again cannot help


async def test_throttling_that_outlasts_the_start_jobs_retries_shows_try_again(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    preview = await execute(service, connector, "plan.preview", plan_data())
    await execute(service, connector, "plan.book", action_data(preview, "plan.book"),
                  reply_to="card-8")
    await graph_emulator.control.set_limits(fail_next=[
        {"match": "directReports", "status": 429, "retry_after": 0.01, "count": 1000},
    ])
    await run_jobs(service)  # the worker retries the job; its last attempt gives up
    (job,) = [j for j in await service.runtime.jobs.list() if j.kind == START_BOOKING]
    assert (job.state, job.attempts) == (JobState.DONE, job.max_attempts)
    (_, _, activity), = await connector.wait_for_updates(1)
    card = card_of(activity)
    assert "Outlook is busy" in all_texts(card) and action_data(card, "plan.book")


def preview_plan_id(preview: dict[str, Any]) -> str:
    return str(action_data(preview, "plan.book")["plan_id"])
