"""Team-session plans against the Graph emulator: preview picks one time and says who cannot
come, booking makes ONE recurring Teams meeting in the owner's calendar that reaches every
member's calendar, re-runs add nothing, faults and leavers are reported, cancel cancels it."""

from __future__ import annotations

from typing import Any

import pytest

from cards import verbs
from cards.i18n import translator_for
from graph import demo_org
from teams_app.domain.bookings import MemberFailure, MemberState, RunState, SlotState
from teams_app.domain.calendar import MailboxSettings
from teams_app.domain.learning_plans import CancelPlan, CreatePlan, MemberSource, PlanMode
from teams_app.domain.slot_days import slot_in_zone
from teams_app.domain.slot_events import TEAM_SESSION_MEMBER, slot_transaction_id
from teams_app.domain.slots import Unavailable
from teams_app.use_cases.plans.event_texts import slot_texts
from teams_app.use_cases.plans.planning import cancel_plan, create_plan, preview_plan
from teams_app.use_cases.plans.team_sessions import OrganiserWithoutMailbox
from tests.builders import an_activity, an_execute
from tests.card_texts import nodes, texts
from tests.connector import FakeConnector
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
    run_jobs,
    start,
)

OUTSIDER = "00000000-0000-4000-8000-00000000dead"
EN = translator_for("en")


def team(members: MemberSource) -> Any:
    return a_spec(members, mode=PlanMode.TEAM_SESSION, goal="Pair on the new API")


async def night_owl(emulator: GraphEmulator) -> str:
    """Someone whose working hours never meet the plan's window (09–16 in Stockholm)."""
    user = await emulator.control.add_user(
        "Nils Night", time_zone="UTC", managerId=LEAD,
        workingHours={"startTime": "20:00", "endTime": "23:00"},
    )
    return str(user["id"])


def meetings(events: list[dict[str, Any]], plan_id: str) -> list[dict[str, Any]]:
    wanted = slot_transaction_id(plan_id, TEAM_SESSION_MEMBER, 1)
    return [e for e in events if e.get("transactionId") == wanted]


async def test_one_meeting_for_everyone_with_who_cannot_come(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, database_url: str  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator, database_url=database_url)
    services = service.runtime.services
    assert services.calendar is not None and services.directory is not None
    owl = await night_owl(graph_emulator)
    people = [REPORTS[0], REPORTS[1], owl]
    plan_id = await new_plan(service, team(MemberSource.of_people(*people)))

    preview = await preview_plan(
        plan_id, uow=services.uow(), calendar=services.calendar, directory=services.directory,
        rights=services.rights,
    )
    session = preview.team_session
    assert session is not None and session.slot is not None and session.problem is None
    owner_zone = (await services.calendar.mailbox_settings(LEAD)).time_zone
    assert session.organiser_id == LEAD and session.slot.time_zone == owner_zone
    assert session.cannot_attend == (owl,)
    (absence,) = session.absences
    assert set(absence.reasons) == {Unavailable.OUTSIDE_HOURS}
    assert len(absence.dates) == session.sessions == 4
    by_member = {m.member_id: m for m in preview.members}
    # The one meeting, in each member's own zone ("their time" on the preview).
    async with services.uow() as tx:
        stored = await tx.plans.get(plan_id)
    assert stored is not None
    for m in preview.members:
        zone = (await services.calendar.mailbox_settings(m.member_id)).time_zone
        assert m.slot == slot_in_zone(session.slot, zone, near=stored.spec.horizon.start), m
    assert any(m.slot != session.slot for m in preview.members)  # someone lives elsewhere
    assert by_member[owl].conflicts == absence.dates and by_member[REPORTS[0]].conflicts == ()
    assert session.attendance == session.possible - 4  # the organiser counts too

    started = await book(service, plan_id)
    assert (started.queued, started.progress.total, started.progress.done) == (1, 3, 0)
    assert await run_jobs(service) == 1

    (meeting,) = meetings(await events_of(graph_emulator, LEAD), plan_id)
    assert meeting["type"] == "seriesMaster" and meeting["isOnlineMeeting"] is True
    assert meeting["onlineMeetingProvider"] == "teamsForBusiness"
    assert meeting["subject"] == "Lärtid: Pair on the new API"  # the owner reads Swedish
    # One body for everyone: the organiser's language first, then each attendee's.
    body = meeting["body"]["content"]
    first = body.index("<p><strong>Lärtid</strong></p>")
    readers = await services.calendar.mailbox_settings_batched(people)
    languages = {slot_texts(s.language).subject for s in readers.values()
                 if isinstance(s, MailboxSettings)}
    assert len(languages - {"Lärtid"}) >= 1  # the demo team reads more than Swedish
    for subject in languages:
        assert body.count(f"<p><strong>{subject}</strong></p>") == 1, subject
        assert body.index(f"<p><strong>{subject}</strong></p>") >= first, subject
    invited = {a["emailAddress"]["address"] for a in meeting["attendees"]}
    users = {u["id"]: u["mail"] for u in await graph_emulator.control.objects("users")}
    assert invited == {users[p] for p in people}
    for person in people:  # Exchange puts the meeting in every member's own calendar
        (copy,) = [e for e in await events_of(graph_emulator, person)
                   if e["iCalUId"] == meeting["iCalUId"]]
        assert copy["isOrganizer"] is False and copy["seriesMasterId"] is None

    members = await members_of(service, plan_id)
    assert {m.state for m in members.values()} == {MemberState.BOOKED}
    async with services.uow() as tx:
        (slot,) = await tx.plans.slots(plan_id)
        progress = await tx.plans.progress(plan_id, 1)
    assert (slot.member_id, slot.state, slot.event_id) == (LEAD, SlotState.BOOKED, meeting["id"])
    assert progress is not None and progress.state is RunState.FINISHED and progress.done == 3

    again = await book(service, plan_id)  # a re-run books nothing new
    assert again.queued == 0 and await run_jobs(service, until_idle_for=0.1) == 0
    assert len(meetings(await events_of(graph_emulator, LEAD), plan_id)) == 1

    receipt = await cancel_plan(CancelPlan(plan_id, LEAD), uow=services.uow(), clock=services.clock)
    assert receipt.series_to_cancel == 1
    assert await run_jobs(service) == 1
    assert meetings(await events_of(graph_emulator, LEAD), plan_id) == []
    for person in people:
        (copy,) = [e for e in await events_of(graph_emulator, person)
                   if e["iCalUId"] == meeting["iCalUId"]]
        assert copy["isCancelled"] is True
    members = await members_of(service, plan_id)
    assert {m.state for m in members.values()} == {MemberState.RELEASED}


async def test_people_who_cannot_be_invited_are_reported(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    mailless = await graph_emulator.control.add_user(
        "Nora Mailless", has_mailbox=False, manager_id=LEAD
    )
    plan_id = await new_plan(
        service, team(MemberSource.of_people(REPORTS[0], mailless["id"], OUTSIDER))
    )
    started = await book(service, plan_id)
    assert {m.member_id: m.problem for m in started.problems} == {
        mailless["id"]: MemberFailure.NO_MAILBOX,
        OUTSIDER: MemberFailure.OUTSIDE_TENANT,
    }
    await run_jobs(service)
    members = await members_of(service, plan_id)
    assert members[REPORTS[0]].state is MemberState.BOOKED
    assert members[OUTSIDER].failure is MemberFailure.OUTSIDE_TENANT
    async with service.runtime.services.uow() as tx:
        progress = await tx.plans.progress(plan_id, 1)
    assert progress is not None and (progress.done, progress.failed) == (1, 2)
    assert progress.state is RunState.FINISHED


async def test_a_refused_organiser_calendar_fails_the_members_with_a_code(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    plan_id = await new_plan(service, team(MemberSource.direct_reports()))
    await graph_emulator.control.set_limits(fail_next=[
        {"match": f"POST /users/{LEAD}/events", "status": 403, "code": "ErrorAccessDenied",
         "count": 5},
    ])
    await book(service, plan_id)
    assert await run_jobs(service) == 1  # a 403 is not retried
    members = await members_of(service, plan_id)
    assert {m.failure for m in members.values()} == {MemberFailure.FORBIDDEN}
    async with service.runtime.services.uow() as tx:
        progress = await tx.plans.progress(plan_id, 1)
    assert progress is not None and progress.failed == len(REPORTS)
    assert progress.state is RunState.FINISHED


async def test_a_member_who_leaves_while_the_meeting_is_booked_is_not_invited(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    group = await graph_emulator.control.add_group("Readers", REPORTS[:3], owner_ids=[LEAD])
    plan_id = await new_plan(service, team(MemberSource.of_group(str(group["id"]))))
    await book(service, plan_id)
    await graph_emulator.control.add_group(  # leaves
        "Readers", REPORTS[1:3], id=group["id"], owner_ids=[LEAD]
    )
    await run_jobs(service)

    members = await members_of(service, plan_id)
    assert members[REPORTS[0]].state is MemberState.RELEASED
    assert {members[m].state for m in REPORTS[1:3]} == {MemberState.BOOKED}
    (meeting,) = meetings(await events_of(graph_emulator, LEAD), plan_id)
    assert len(meeting["attendees"]) == 2
    assert not [e for e in await events_of(graph_emulator, REPORTS[0])
                if e["iCalUId"] == meeting["iCalUId"]]
    assert demo_org.person(REPORTS[0]).manager_id == LEAD


async def test_an_owner_without_a_mailbox_cannot_hold_the_meeting(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    services = service.runtime.services
    assert services.calendar is not None and services.directory is not None
    owner = await graph_emulator.control.add_user("Olle Mailless", has_mailbox=False)
    receipt = await create_plan(
        CreatePlan(str(owner["id"]), team(MemberSource.of_people(*REPORTS[:2]))),
        uow=services.uow(), clock=services.clock, new_id=lambda: "plan-without-organiser",
    )
    with pytest.raises(OrganiserWithoutMailbox) as refused:
        await preview_plan(
            receipt.plan_id, uow=services.uow(), calendar=services.calendar,
            directory=services.directory, rights=services.rights,
        )
    assert refused.value.code == "plan_organiser_no_mailbox"
    with pytest.raises(OrganiserWithoutMailbox):
        await book(service, receipt.plan_id, by=str(owner["id"]))
    assert await members_of(service, receipt.plan_id) == {}


async def test_a_joiner_the_owner_may_not_plan_for_is_not_invited(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator)
    manager = demo_org.MAARTEN_DE_VRIES
    team_members = [p.object_id for p in demo_org.direct_reports(manager)][:2]
    # Not the manager's group, but everyone in it reports to them.
    group = await graph_emulator.control.add_group("Readers", team_members)
    services = service.runtime.services
    receipt = await create_plan(
        CreatePlan(manager, team(MemberSource.of_group(str(group["id"])))),
        uow=services.uow(), clock=services.clock, new_id=lambda: "team-of-a-manager",
    )
    await book(service, receipt.plan_id, by=manager)
    await run_jobs(service)
    outsider = REPORTS[0]  # the learning lead's report
    await graph_emulator.control.add_group(
        "Readers", [*team_members, outsider], id=group["id"]
    )
    await enqueue(service, "plans.reconcile_members", {"plan_id": receipt.plan_id})
    await run_jobs(service)

    members = await members_of(service, receipt.plan_id)
    assert (members[outsider].state, members[outsider].failure) == (
        MemberState.FAILED, MemberFailure.NOT_ALLOWED,
    )
    (meeting,) = meetings(await events_of(graph_emulator, manager), receipt.plan_id)
    assert len(meeting["attendees"]) == 2
    assert not [e for e in await events_of(graph_emulator, outsider)
                if e["iCalUId"] == meeting["iCalUId"]]


async def test_a_member_sees_the_team_session_in_plans_and_leave_takes_them_off_it(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    plan_id = await new_plan(service, team(MemberSource.of_people(*REPORTS[:3])))
    await book(service, plan_id)
    await run_jobs(service)
    (meeting,) = meetings(await events_of(graph_emulator, LEAD), plan_id)
    leaver, chat = REPORTS[0], f"a:personal-{REPORTS[0]}"

    connector.activities.clear()
    await service.post(an_activity(connector.service_url, text="plans", user_aad=leaver,
                                   conversation_id=chat))
    ((_, reply),) = await connector.wait_for(1)
    listed = reply["attachments"][0]["content"]
    assert "Pair on the new API" in texts(listed)  # the meeting is theirs to see, and leave
    (leave,) = [n for n in nodes(listed) if n.get("type") == "Action.Execute"
                and n.get("verb") == verbs.PLAN_LEAVE]
    assert leave["data"]["member_id"] == leaver  # not the organiser's, whose slot it is

    status, answer = await service.post(an_execute(
        connector.service_url, verbs.PLAN_LEAVE, leave["data"], user_aad=leaver,
        conversation_id=chat))
    assert status == 200 and answer["statusCode"] == 200, answer
    assert EN("plans.left", goal="Pair on the new API") in texts(answer["value"])
    members = await members_of(service, plan_id)
    assert members[leaver].state is MemberState.LEFT
    assert {members[m].state for m in REPORTS[1:3]} == {MemberState.BOOKED}
    (meeting,) = meetings(await events_of(graph_emulator, LEAD), plan_id)
    users = {u["id"]: u["mail"] for u in await graph_emulator.control.objects("users")}
    assert {a["emailAddress"]["address"] for a in meeting["attendees"]} == {
        users[m] for m in REPORTS[1:3]}
    (copy,) = [e for e in await events_of(graph_emulator, leaver)
               if e["iCalUId"] == meeting["iCalUId"] and e["type"] == "seriesMaster"]
    assert copy["isCancelled"] is True  # Exchange cancelled it in their calendar
    await run_jobs(service)  # the organiser's card that they left (no chat: counted)
    async with service.runtime.services.uow() as tx:
        assert (LEAD, "not_installed") in await tx.occurrences.card_misses(plan_id)
