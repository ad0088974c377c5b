"""Editing a booked plan against the Graph emulator: texts change in place in each member's
language, a new time replaces every series once (new revision's transactionId, old ones gone),
team meetings follow, and the bad cases give clear answers: not the owner, a cancelled plan,
booking still running, Graph 403/404/429 while rebooking."""

from __future__ import annotations

import dataclasses
from datetime import time
from typing import Any

import pytest

from graph import demo_org
from teams_app.domain.bookings import MemberFailure, MemberState, RunState, SlotState
from teams_app.domain.learning_plans import CancelPlan, EditPlan, MemberSource, PlanMode, PlanSpec
from teams_app.domain.plan_errors import PlanAlreadyCancelled, PlanNotOwned
from teams_app.domain.slot_events import TEAM_SESSION_MEMBER, slot_transaction_id
from teams_app.use_cases.plans.changes import PlanBookingInProgress, edit_plan
from teams_app.use_cases.plans.planning import cancel_plan
from teams_app.use_cases.plans.rebooking import rebook_plan
from tests.graph.conftest import GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import RunningService, ServiceFactory
from tests.service.plans.support import (
    LEAD,
    REPORTS,
    a_spec,
    book,
    events_of,
    members_of,
    new_plan,
    run_jobs,
    start,
)

WORDS = {"sv": "Lärtid", "nl": "Leertijd", "de": "Lernzeit", "en": "Learning time"}


async def edit(service: RunningService, plan_id: str, spec: PlanSpec, by: str = LEAD) -> Any:
    services = service.runtime.services
    return await edit_plan(EditPlan(plan_id, by, spec), uow=services.uow(), clock=services.clock)


async def booked_plan(
    service: RunningService, spec: PlanSpec | None = None
) -> tuple[str, PlanSpec]:
    spec = spec or a_spec(MemberSource.of_people(*REPORTS[:4]))
    plan_id = await new_plan(service, spec)
    await book(service, plan_id)
    await run_jobs(service)
    return plan_id, spec


async def series(emulator: GraphEmulator, member: str, plan_id: str) -> dict[int, dict[str, Any]]:
    """The member's series of this plan by revision (cancelled ones left out)."""
    found: dict[int, dict[str, Any]] = {}
    for event in await events_of(emulator, member):
        for revision in (1, 2, 3):
            if event.get("transactionId") == slot_transaction_id(plan_id, member, revision):
                assert revision not in found, "two series for one revision"
                found[revision] = event
    return found


async def test_a_new_goal_updates_every_series_in_place_in_the_members_language(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    plan_id, spec = await booked_plan(service)
    before = {m: (await series(graph_emulator, m, plan_id))[1]["id"] for m in REPORTS[:4]}

    receipt = await edit(service, plan_id, dataclasses.replace(spec, goal="Try property tests"))
    assert (receipt.revision, receipt.rebook) == (2, False)
    await run_jobs(service)

    for member in REPORTS[:4]:
        (master,) = (await series(graph_emulator, member, plan_id)).values()
        assert master["id"] == before[member]  # the same series, updated in place
        word = WORDS[demo_org.person(member).locale[:2]]
        assert master["subject"] == f"{word}: Try property tests"
        assert "Try property tests" in master["body"]["content"]
    async with service.runtime.services.uow() as tx:
        progress = await tx.plans.progress(plan_id, 2)
    assert progress is not None and progress.state is RunState.FINISHED
    assert progress.done == 4


async def test_a_new_time_replaces_each_series_once(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, database_url: str  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator, database_url=database_url)
    services = service.runtime.services
    plan_id, spec = await booked_plan(service)
    afternoon = dataclasses.replace(
        spec, window=dataclasses.replace(spec.window, start=time(13, 0), end=time(16, 0))
    )

    receipt = await edit(service, plan_id, afternoon)
    assert (receipt.revision, receipt.rebook, receipt.queued) == (2, True, 1)
    await run_jobs(service)

    for member in REPORTS[:4]:
        found = await series(graph_emulator, member, plan_id)
        assert list(found) == [2]  # the old series is gone, the new one is there once
        assert found[2]["start"]["dateTime"][11:13] >= "11"  # 13:00 or later, CET/CEST
        word = WORDS[demo_org.person(member).locale[:2]]  # booked in the member's language
        assert found[2]["subject"] == f"{word}: Read the chapter on event sourcing"
    async with services.uow() as tx:
        slots = await tx.plans.slots(plan_id)
        progress = await tx.plans.progress(plan_id, 2)
    assert {(s.revision, s.state) for s in slots} == {
        (1, SlotState.CANCELLED), (2, SlotState.BOOKED)
    }
    assert progress is not None and (progress.done, progress.failed) == (4, 0)
    assert progress.state is RunState.FINISHED

    # The rebook job runs again (at least once delivery): nothing new is queued or booked.
    assert services.calendar is not None and services.directory is not None
    again = await rebook_plan(
        plan_id, 2, uow=services.uow, calendar=services.calendar,
        directory=services.directory, clock=services.clock, run_key="again",
        rights=services.rights,
    )
    assert again == 0 and await run_jobs(service, until_idle_for=0.1) == 0
    for member in REPORTS[:4]:
        assert list(await series(graph_emulator, member, plan_id)) == [2]


async def test_bad_edits_are_refused_with_a_code(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    services = service.runtime.services
    spec = a_spec(MemberSource.of_people(*REPORTS[:2]))
    plan_id = await new_plan(service, spec)
    await book(service, plan_id)  # jobs queued, not run: members pending

    with pytest.raises(PlanNotOwned):
        await edit(service, plan_id, spec, by=REPORTS[0])
    with pytest.raises(PlanBookingInProgress) as running:
        await edit(service, plan_id, dataclasses.replace(spec, goal="Other"))
    assert running.value.code == "plan_booking_in_progress"

    await run_jobs(service)
    await cancel_plan(CancelPlan(plan_id, LEAD), uow=services.uow(), clock=services.clock)
    with pytest.raises(PlanAlreadyCancelled):
        await edit(service, plan_id, dataclasses.replace(spec, goal="Other"))
    async with services.uow() as tx:
        plan = await tx.plans.get(plan_id)
    assert plan is not None and plan.revision == 1


async def test_graph_faults_while_rebooking_leave_no_duplicates_and_clear_codes(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    plan_id, spec = await booked_plan(service)
    stormy, refused, deleted_by_hand = REPORTS[0], REPORTS[1], REPORTS[2]
    old = (await series(graph_emulator, deleted_by_hand, plan_id))[1]
    gone = await graph_emulator.request("DELETE", f"/users/{deleted_by_hand}/events/{old['id']}")
    assert gone.status == 204  # the member deleted their series: the rebook meets a 404
    await graph_emulator.control.set_limits(fail_next=[
        {"match": f"POST /users/{stormy}/events", "status": 429, "retry_after": 0.01,
         "count": 6},
        {"match": f"POST /users/{refused}/events", "status": 403, "code": "ErrorAccessDenied",
         "count": 5},
    ])

    await edit(service, plan_id, dataclasses.replace(spec, duration_minutes=45))
    await run_jobs(service)

    assert list(await series(graph_emulator, stormy, plan_id)) == [2]  # retried, booked once
    assert list(await series(graph_emulator, deleted_by_hand, plan_id)) == [2]
    assert list(await series(graph_emulator, refused, plan_id)) == [1]  # keeps the old time
    members = await members_of(service, plan_id)
    assert members[refused].failure is MemberFailure.FORBIDDEN
    assert {members[m].state for m in (stormy, deleted_by_hand, REPORTS[3])} == {
        MemberState.BOOKED
    }
    async with service.runtime.services.uow() as tx:
        progress = await tx.plans.progress(plan_id, 2)
    assert progress is not None and (progress.done, progress.failed) == (3, 1)
    assert progress.state is RunState.FINISHED


async def test_a_team_meeting_follows_texts_and_times(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    spec = a_spec(MemberSource.of_people(*REPORTS[:3]), mode=PlanMode.TEAM_SESSION)
    plan_id, spec = await booked_plan(service, spec)

    def meeting(events: list[dict[str, Any]], revision: int) -> list[dict[str, Any]]:
        wanted = slot_transaction_id(plan_id, TEAM_SESSION_MEMBER, revision)
        return [e for e in events if e.get("transactionId") == wanted]

    (first,) = meeting(await events_of(graph_emulator, LEAD), 1)
    await edit(service, plan_id, dataclasses.replace(spec, goal="Mob programming"))
    await run_jobs(service)
    (updated,) = meeting(await events_of(graph_emulator, LEAD), 1)
    assert updated["id"] == first["id"] and updated["subject"] == "Lärtid: Mob programming"
    (copy,) = [e for e in await events_of(graph_emulator, REPORTS[0])
               if e["iCalUId"] == first["iCalUId"]]
    assert copy["subject"] == "Lärtid: Mob programming"  # the attendee's copy follows

    await edit(service, plan_id, dataclasses.replace(spec, duration_minutes=30,
                                                     goal="Mob programming"))
    await run_jobs(service)
    assert meeting(await events_of(graph_emulator, LEAD), 1) == []
    (second,) = meeting(await events_of(graph_emulator, LEAD), 3)
    copies = [e for e in await events_of(graph_emulator, REPORTS[0])]
    assert [e["isCancelled"] for e in copies if e["iCalUId"] == first["iCalUId"]] == [True]
    assert [e["isCancelled"] for e in copies if e["iCalUId"] == second["iCalUId"]] == [False]
    members = await members_of(service, plan_id)
    assert {m.state for m in members.values()} == {MemberState.BOOKED}


async def test_switching_to_a_team_session_replaces_the_personal_series_with_one_meeting(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    plan_id, spec = await booked_plan(service, a_spec(MemberSource.of_people(*REPORTS[:3])))

    receipt = await edit(service, plan_id, dataclasses.replace(spec, mode=PlanMode.TEAM_SESSION))
    assert receipt.rebook
    await run_jobs(service)

    for member in REPORTS[:3]:
        assert await series(graph_emulator, member, plan_id) == {}  # personal series gone
    wanted = slot_transaction_id(plan_id, TEAM_SESSION_MEMBER, 2)
    (meeting,) = [e for e in await events_of(graph_emulator, LEAD)
                  if e.get("transactionId") == wanted]
    assert len(meeting["attendees"]) == 3
    members = await members_of(service, plan_id)
    assert {m.state for m in members.values()} == {MemberState.BOOKED}

    back = await edit(service, plan_id, spec)  # and back to personal: the meeting is cancelled
    await run_jobs(service)
    assert [e for e in await events_of(graph_emulator, LEAD)
            if e.get("transactionId") == wanted] == []
    for member in REPORTS[:3]:
        assert list(await series(graph_emulator, member, plan_id)) == [back.revision]
