"""Members joining and leaving a plan's group, against the Graph emulator: the periodic
reconcile books joiners, releases leavers (their series removed), reports who cannot be
booked with a code, waits for a booking still running, and changes a team meeting's invites."""

from __future__ import annotations

from datetime import timedelta

import pytest

from teams_app.domain.bookings import MemberFailure, MemberState, RunState, SlotState
from teams_app.domain.learning_plans import MemberSource, PlanMode
from teams_app.domain.slot_events import TEAM_SESSION_MEMBER, slot_transaction_id
from teams_app.use_cases.plans.membership import (
    RECONCILE_ALL,
    MemberStillBooking,
    reconcile_members,
    release_member,
)
from tests.graph.conftest import GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import ServiceFactory
from tests.service.plans.support import (
    LEAD,
    REPORTS,
    a_spec,
    book,
    enqueue,
    events_of,
    members_of,
    new_plan,
    next_monday,
    run_jobs,
    start,
)


async def own_series(emulator: GraphEmulator, member: str, plan_id: str) -> list[str]:
    wanted = {slot_transaction_id(plan_id, member, 1)}
    return [e["id"] for e in await events_of(emulator, member)
            if e.get("transactionId") in wanted]


async def test_joiners_are_booked_leavers_released_and_problems_reported(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, database_url: str  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator, database_url=database_url)
    group = await graph_emulator.control.add_group("Readers", REPORTS[:3], owner_ids=[LEAD])
    plan_id = await new_plan(service, a_spec(MemberSource.of_group(str(group["id"]))))
    await book(service, plan_id)
    await run_jobs(service)
    assert len(await own_series(graph_emulator, REPORTS[0], plan_id)) == 1

    mailless = await graph_emulator.control.add_user("Nora Mailless", has_mailbox=False)
    swamped = await graph_emulator.control.add_user("Sam Swamped", time_zone="UTC")
    monday = next_monday()
    await graph_emulator.control.add_event(
        str(swamped["id"]), subject="Project war room",
        start=f"{monday - timedelta(days=2)}T00:00:00Z",
        end=f"{monday + timedelta(days=40)}T00:00:00Z",
    )
    await graph_emulator.control.add_group(
        "Readers", [*REPORTS[1:4], mailless["id"], swamped["id"]], id=group["id"], owner_ids=[LEAD]
    )
    await enqueue(service, RECONCILE_ALL, {})  # the periodic schedule's job
    await run_jobs(service)

    members = await members_of(service, plan_id)
    assert members[REPORTS[0]].state is MemberState.RELEASED
    assert await own_series(graph_emulator, REPORTS[0], plan_id) == []
    assert members[REPORTS[3]].state is MemberState.BOOKED
    assert len(await own_series(graph_emulator, REPORTS[3], plan_id)) == 1
    assert members[mailless["id"]].failure is MemberFailure.NO_MAILBOX
    assert members[swamped["id"]].failure is MemberFailure.NO_FREE_TIME
    for member in REPORTS[1:3]:  # stayed: untouched, still one series
        assert len(await own_series(graph_emulator, member, plan_id)) == 1
    async with service.runtime.services.uow() as tx:
        progress = await tx.plans.progress(plan_id, 1)
    assert progress is not None and progress.state is RunState.FINISHED
    assert (progress.total, progress.done, progress.failed) == (5, 3, 2)


async def test_a_member_leaving_mid_booking_is_released_after_the_booking_settles(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    services = service.runtime.services
    assert services.calendar is not None and services.directory is not None
    group = await graph_emulator.control.add_group("Readers", REPORTS[:3], owner_ids=[LEAD])
    plan_id = await new_plan(service, a_spec(MemberSource.of_group(str(group["id"]))))
    await book(service, plan_id)  # booking jobs queued: everyone pending
    await graph_emulator.control.add_group(
        "Readers", REPORTS[1:3], id=group["id"], owner_ids=[LEAD]
    )

    reconciled = await reconcile_members(
        plan_id, uow=services.uow, calendar=services.calendar, directory=services.directory,
        clock=services.clock, run_key="now", rights=services.rights,
    )
    assert reconciled.left == (REPORTS[0],) and reconciled.queued == 1
    with pytest.raises(MemberStillBooking):  # deleting now could race the create
        await release_member(
            plan_id, REPORTS[0], uow=services.uow, calendar=services.calendar,
            clock=services.clock,
        )
    await run_jobs(service, until_idle_for=0.5)  # booking, then the retried release

    members = await members_of(service, plan_id)
    assert members[REPORTS[0]].state is MemberState.RELEASED
    assert await own_series(graph_emulator, REPORTS[0], plan_id) == []
    assert {members[m].state for m in REPORTS[1:3]} == {MemberState.BOOKED}


async def test_a_team_meeting_invites_joiners_and_uninvites_leavers(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    group = await graph_emulator.control.add_group("Readers", REPORTS[:3], owner_ids=[LEAD])
    spec = a_spec(MemberSource.of_group(str(group["id"])), mode=PlanMode.TEAM_SESSION)
    plan_id = await new_plan(service, spec)
    await book(service, plan_id)
    await run_jobs(service)
    wanted = slot_transaction_id(plan_id, TEAM_SESSION_MEMBER, 1)
    (meeting,) = [e for e in await events_of(graph_emulator, LEAD)
                  if e.get("transactionId") == wanted]

    await graph_emulator.control.add_group(

        "Readers", REPORTS[1:4], id=group["id"], owner_ids=[LEAD]

    )
    await enqueue(service, "plans.reconcile_members", {"plan_id": plan_id})
    await run_jobs(service)

    def copies(events: list[dict[str, object]]) -> list[dict[str, object]]:
        return [e for e in events if e["iCalUId"] == meeting["iCalUId"]]

    (left,) = copies(await events_of(graph_emulator, REPORTS[0]))
    (joined,) = copies(await events_of(graph_emulator, REPORTS[3]))
    assert left["isCancelled"] is True and joined["isCancelled"] is False
    members = await members_of(service, plan_id)
    assert members[REPORTS[0]].state is MemberState.RELEASED
    assert members[REPORTS[3]].state is MemberState.BOOKED
    async with service.runtime.services.uow() as tx:
        progress = await tx.plans.progress(plan_id, 1)
    assert progress is not None and (progress.total, progress.done) == (3, 3)


async def test_a_named_member_who_leaves_the_tenant_is_reported_not_kept_as_booked(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    leaver = str((await graph_emulator.control.add_user("Lea Leaving", manager_id=LEAD))["id"])
    plan_id = await new_plan(service, a_spec(MemberSource.of_people(*REPORTS[:2], leaver)))
    await book(service, plan_id)
    await run_jobs(service)
    assert (await members_of(service, plan_id))[leaver].state is MemberState.BOOKED

    await graph_emulator.control.delete_user(leaver)
    await enqueue(service, "plans.reconcile_members", {"plan_id": plan_id})
    await run_jobs(service)

    members = await members_of(service, plan_id)
    assert members[leaver].failure is MemberFailure.OUTSIDE_TENANT
    assert {members[m].state for m in REPORTS[:2]} == {MemberState.BOOKED}
    async with service.runtime.services.uow() as tx:
        slots = {s.member_id: s.state for s in await tx.plans.slots(plan_id)}
        progress = await tx.plans.progress(plan_id, 1)
    assert slots[leaver] is SlotState.CANCELLED
    assert progress is not None and (progress.total, progress.done, progress.failed) == (3, 2, 1)
