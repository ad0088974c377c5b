"""Booking a learning plan against the Graph emulator: preview, book through the job worker,
re-run without duplicates, report who cannot be booked, ride out throttling, cancel."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from teams_app.domain.bookings import MemberFailure, MemberState, RunState, SlotState
from teams_app.domain.calendar import TimeSpan
from teams_app.domain.learning_plans import CancelPlan, MemberSource
from teams_app.domain.occurrences import Outcome
from teams_app.domain.plan_errors import PlanNotOwned
from teams_app.ports import JobState
from teams_app.use_cases.defend.scan import DefendMailbox, defend_mailbox
from teams_app.use_cases.plans.booked_cards import SLOT_BOOKED_CARD
from teams_app.use_cases.plans.planning import cancel_plan, preview_plan
from teams_app.use_cases.plans.slot_booking import (
    BOOK_MEMBER_SLOTS,
    BookMemberSlots,
    book_member_slots,
)
from tests.graph.conftest import GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import ServiceFactory
from tests.service.plans.support import (
    LEAD,
    REPORTS,
    a_spec,
    book,
    jobs_of,
    members_of,
    new_plan,
    next_monday,
    run_jobs,
    series,
    start,
)

OUTSIDER = "00000000-0000-4000-8000-00000000dead"  # nobody in the tenant has this id


async def test_each_report_gets_exactly_one_series_and_a_rerun_adds_none(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, database_url: str  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator, database_url=database_url)
    services = service.runtime.services
    assert services.calendar is not None and services.directory is not None
    plan_id = await new_plan(service)

    preview = await preview_plan(
        plan_id, uow=services.uow(), calendar=services.calendar, directory=services.directory,
        rights=services.rights,
    )
    assert {m.member_id for m in preview.members} == set(REPORTS)
    assert not preview.problems and all(m.slot is not None for m in preview.members)

    started = await book(service, plan_id)
    assert started.queued == len(REPORTS) and started.progress.total == len(REPORTS)
    await run_jobs(service)
    (chunk,) = await jobs_of(service, BOOK_MEMBER_SLOTS)  # the team fits in one $batch
    assert (chunk.state, chunk.attempts) == (JobState.DONE, 1)
    assert sorted(chunk.payload["member_ids"]) == sorted(REPORTS)
    cards = await jobs_of(service, SLOT_BOOKED_CARD)  # one per booked member, in the same tx
    assert {j.state for j in cards} == {JobState.DONE}  # a team's cards go at once
    assert sorted(j.payload["member_id"] for j in cards) == sorted(REPORTS)
    assert {j.idempotency_key for j in cards} == {
        f"slot-booked:{plan_id}:1:{member}" for member in REPORTS
    }
    for member in REPORTS:
        (master,) = await series(graph_emulator, member, plan_id)
        assert master["type"] == "seriesMaster"
        # In the member's mailbox language ("Lärtid: …" for a Swedish mailbox).
        assert master["subject"].endswith(": Read the chapter on event sourcing")
    async with services.uow() as tx:
        progress = await tx.plans.progress(plan_id, 1)
        slots = await tx.plans.slots(plan_id)
    assert progress is not None and (progress.done, progress.failed) == (len(REPORTS), 0)
    assert progress.state is RunState.FINISHED
    assert {s.state for s in slots} == {SlotState.BOOKED} and all(s.event_id for s in slots)

    again = await book(service, plan_id)  # re-run: nothing new is queued or booked
    assert again.queued == 0 and again.progress.done == len(REPORTS)
    assert await run_jobs(service, until_idle_for=0.1) == 0

    # A job that created the series but died before recording it runs again: Graph knows the
    # transactionId and answers with the same event, so there is still one series.
    slot = slots[0]
    member = slot.member_id
    async with services.uow() as tx:
        await tx.plans.mark_slot(slot, SlotState.PLANNED, at=services.clock.now())
        await tx.plans.set_member(plan_id, member, MemberState.PENDING, at=services.clock.now())
        await tx.commit()
    outcome = await book_member_slots(
        BookMemberSlots(plan_id, 1, tuple(REPORTS)), uow=services.uow,
        calendar=services.calendar, clock=services.clock,
    )
    assert (outcome.booked, outcome.already) == (1, len(REPORTS) - 1)
    (master,) = await series(graph_emulator, member, plan_id)
    assert master["id"] == slot.event_id
    assert len(await jobs_of(service, SLOT_BOOKED_CARD)) == len(REPORTS)  # no second card


async def test_people_without_a_mailbox_or_outside_the_tenant_are_reported(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    no_mailbox = await graph_emulator.control.add_user(
        "Nora Mailless", has_mailbox=False, manager_id=LEAD
    )
    plan_id = await new_plan(
        service, a_spec(MemberSource.of_people(REPORTS[0], no_mailbox["id"], OUTSIDER))
    )

    started = await book(service, plan_id)
    problems = {m.member_id: m.problem for m in started.problems}
    assert problems == {
        no_mailbox["id"]: MemberFailure.NO_MAILBOX,
        OUTSIDER: MemberFailure.OUTSIDE_TENANT,
    }
    assert started.queued == 1
    await run_jobs(service)
    (chunk,) = await jobs_of(service, BOOK_MEMBER_SLOTS)
    assert chunk.payload["member_ids"] == [REPORTS[0]] and chunk.state is JobState.DONE
    members = await members_of(service, plan_id)
    assert members[REPORTS[0]].state is MemberState.BOOKED
    assert members[no_mailbox["id"]].failure is MemberFailure.NO_MAILBOX
    assert members[OUTSIDER].failure is MemberFailure.OUTSIDE_TENANT
    async with service.runtime.services.uow() as tx:
        progress = await tx.plans.progress(plan_id, 1)
    assert progress is not None and (progress.total, progress.done, progress.failed) == (3, 1, 2)
    assert progress.state is RunState.FINISHED


async def test_a_throttling_storm_is_retried_without_duplicates(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    plan_id = await new_plan(service)
    # One mailbox gets more 429s than the Graph client's own retries (3) absorb, so its job
    # fails and is retried by the queue; the others get a few the client absorbs itself.
    stormy = f"POST /users/{REPORTS[0]}/events"
    await graph_emulator.control.set_limits(fail_next=[
        {"match": stormy, "status": 429, "retry_after": 0.01, "count": 6},
        {"match": r"POST /users/[^/]+/events", "status": 429, "retry_after": 0.01, "count": 3},
    ])
    await book(service, plan_id)
    await run_jobs(service)
    (chunk,) = await jobs_of(service, BOOK_MEMBER_SLOTS)
    # The adapter retried each throttled create on its own inside the $batch; the stormy
    # member outlasted those retries, so the job ran again for that member alone.
    assert (chunk.state, chunk.attempts) == (JobState.DONE, 2)
    for member in REPORTS:
        assert len(await series(graph_emulator, member, plan_id)) == 1
    members = await members_of(service, plan_id)
    assert {m.state for m in members.values()} == {MemberState.BOOKED}


async def test_only_the_owner_cancels_and_cancelling_removes_every_series(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    services = service.runtime.services
    plan_id = await new_plan(service)
    with pytest.raises(PlanNotOwned):
        await book(service, plan_id, by=REPORTS[0])
    await book(service, plan_id)
    await run_jobs(service)

    with pytest.raises(PlanNotOwned):
        await cancel_plan(CancelPlan(plan_id, REPORTS[0]), uow=services.uow(), clock=services.clock)
    assert len(await series(graph_emulator, REPORTS[0], plan_id)) == 1

    receipt = await cancel_plan(CancelPlan(plan_id, LEAD), uow=services.uow(), clock=services.clock)
    assert receipt.series_to_cancel == len(REPORTS)
    assert await run_jobs(service) == len(REPORTS)
    for member in REPORTS:
        assert await series(graph_emulator, member, plan_id) == []
    members = await members_of(service, plan_id)
    assert {m.state for m in members.values()} == {MemberState.RELEASED}


async def test_a_refused_calendar_fails_that_member_for_good_and_the_rest_are_booked(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    plan_id = await new_plan(service)
    await graph_emulator.control.set_limits(fail_next=[
        {"match": f"POST /users/{REPORTS[1]}/events", "status": 403,
         "code": "ErrorAccessDenied", "count": 5},
    ])
    await book(service, plan_id)
    await run_jobs(service)
    (chunk,) = await jobs_of(service, BOOK_MEMBER_SLOTS)
    assert (chunk.state, chunk.attempts) == (JobState.DONE, 1)  # a 403 is not retried
    members = await members_of(service, plan_id)
    assert members[REPORTS[1]].failure is MemberFailure.FORBIDDEN
    assert sum(m.state is MemberState.BOOKED for m in members.values()) == len(REPORTS) - 1
    assert await series(graph_emulator, REPORTS[1], plan_id) == []
    started = await book(service, plan_id)  # a re-run does not repeat the refused member
    assert started.queued == 0
    assert (started.progress.done, started.progress.failed) == (len(REPORTS) - 1, 1)


@pytest.mark.parametrize(
    ("kind", "payload"),
    [
        ("plans.book_member_slot", {"plan_id": "p", "member_id": "m", "revision": 1}),
        (BOOK_MEMBER_SLOTS, {"plan_id": "p", "member_ids": ["m"], "revision": 1}),
    ],
)
async def test_without_graph_a_booking_job_stops_with_a_clear_code(
    start_service: ServiceFactory, kind: str, payload: dict[str, Any]
) -> None:
    service = await start_service()
    async with service.runtime.services.uow() as tx:
        job_id = await tx.jobs.enqueue(kind, payload)
        await tx.commit()
    assert job_id is not None
    assert await service.runtime.worker().run_once() == 1
    job = await service.runtime.jobs.get(job_id)
    assert job is not None and job.state is JobState.DEAD
    assert job.last_error == "graph_not_configured"


async def test_a_week_out_of_office_is_not_booked_and_counts_away(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    services = service.runtime.services
    assert services.calendar is not None
    away, present = REPORTS[0], REPORTS[1]
    second_week = datetime.combine(next_monday() + timedelta(days=7), time(0), tzinfo=UTC)
    await graph_emulator.control.add_event(  # a conference, the whole of the second week
        away, subject="Conference", show_as="oof",
        start=(second_week - timedelta(hours=12)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        end=(second_week + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    plan_id = await new_plan(service, a_spec(MemberSource.of_people(away, present)))
    await book(service, plan_id)
    await run_jobs(service)

    async with services.uow() as tx:
        slots = {s.member_id: s for s in await tx.plans.slots(plan_id)}
        stored = await tx.occurrences.plan_occurrences([plan_id])
    window = TimeSpan(second_week - timedelta(days=8), second_week + timedelta(days=30))
    for member, sessions in ((away, 3), (present, 4)):
        event_id = slots[member].event_id
        assert event_id is not None
        instances = await services.calendar.series_instances(member, event_id, window)
        assert len(instances) == sessions, member  # nothing in Outlook that week
    (counted,) = [o for o in stored if o.slot.member_id == away]
    assert counted.outcome is Outcome.AWAY
    assert second_week <= counted.span.start < second_week + timedelta(days=5)

    # The scan leaves it so: away, no card, nothing put back.
    scanned = await defend_mailbox(DefendMailbox(away, timedelta(days=35)), uow=services.uow,
                                   calendar=services.calendar, clock=services.clock)
    assert scanned.carded == 0
    async with services.uow() as tx:
        again = {o.key: o.outcome for o in await tx.occurrences.plan_occurrences([plan_id])
                 if o.slot.member_id == away}
    assert again[counted.key] is Outcome.AWAY
