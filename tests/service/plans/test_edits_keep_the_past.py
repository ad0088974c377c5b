"""An edit changes only the future (issue "Protected time a real team can rely on", finding 5).

Three weeks into a plan the owner moves its time: the sessions that took place stay in the
member's calendar at the old time (a deleted one stays deleted), the new series starts with the
next session, nothing is booked in the past at the new time, and the plans list still counts the
kept hours of the past, with booked hours over past and future. Counted from the store of record
(the emulator's calendar, the plans list the card reads); the defend scan records the outcomes
from the calendar as it does in the service.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from teams_app.domain.cadences import Horizon
from teams_app.domain.learning_plans import EditPlan, MemberSource, PlanMode
from teams_app.domain.occurrences import Outcome
from teams_app.domain.slot_events import slot_transaction_id
from teams_app.use_cases.plans.changes import edit_plan
from teams_app.use_cases.plans.reports import list_plans
from tests.builders import an_activity
from tests.card_texts import all_texts, card_of
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import ServiceFactory
from tests.service.defend.support import ZONE, Booked, booked_plan, iso, run_jobs, start_of
from tests.service.plans.support import LEAD, REPORTS, book, new_plan, start
from tests.service.plans.support import a_spec as a_team_spec

SESSIONS = 8
TEAM_GOAL = "Read the chapter on event sourcing"  # the plan support's goal


async def sessions(plan: Booked, member: str) -> list[tuple[int, datetime]]:
    """The member's sessions of the plan as calendarView lists them: (revision, UTC start)."""
    now = plan.services.clock.now()
    response = await plan.emulator.request(
        "GET",
        f"/users/{member}/calendarView?startDateTime={iso(now - timedelta(days=60))}"
        f"&endDateTime={iso(now + timedelta(days=120))}&$top=1000",
        headers={"Prefer": 'outlook.timezone="UTC"'},
    )
    assert response.status == 200, response.body
    masters = await _masters(plan, member)
    found = []
    for event in response.body["value"]:
        revision = masters.get(event.get("seriesMasterId") or "")
        if revision is not None and not event.get("isCancelled"):
            found.append((revision, start_of(event)))
    return sorted(found, key=lambda s: s[1])


async def _masters(plan: Booked, member: str) -> dict[str, int]:
    """Series master id -> the plan revision that booked it (by its transactionId)."""
    events = (await plan.emulator.control.objects("events", mailbox=member)).get(member, [])
    by_transaction = {slot_transaction_id(plan.plan_id, member, r): r for r in (1, 2, 3)}
    return {
        e["id"]: by_transaction[e["transactionId"]]
        for e in events
        if e.get("transactionId") in by_transaction
    }


async def move_to_the_afternoon(plan: Booked) -> None:
    services = plan.services
    async with services.uow() as tx:
        current = await tx.plans.get(plan.plan_id)
    assert current is not None
    spec = current.spec
    afternoon = dataclasses.replace(
        spec, window=dataclasses.replace(spec.window, start=time(13, 0), end=time(16, 0))
    )
    receipt = await edit_plan(
        EditPlan(plan.plan_id, plan.owner, afternoon), uow=services.uow(), clock=services.clock
    )
    assert receipt.rebook
    await run_jobs(plan.service)


def local_hour(instant: datetime) -> int:
    return instant.astimezone(ZoneInfo(ZONE)).hour


async def test_an_edit_three_weeks_in_keeps_the_past_and_moves_only_the_future(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(
        start_service, graph_emulator, connector, occurrences=SESSIONS
    )
    before = await sessions(plan, plan.member)
    assert len(before) == SESSIONS and {r for r, _ in before} == {1}
    assert all(local_hour(s) < 13 for _, s in before)  # booked in the morning
    await plan.defend()
    # The member deleted the second session: it was lost, and must stay lost and gone.
    second = before[1][1]
    instances = await plan.instances()
    (gone,) = [i for i in instances if start_of(i) == second]
    deleted = await graph_emulator.request("DELETE", f"/users/{plan.member}/events/{gone['id']}")
    assert deleted.status == 204
    third = before[2][1]
    await plan.advance(third + timedelta(hours=3) - plan.services.clock.now())
    await plan.defend()
    assert [s.outcome for s in await plan.stored()][:3] == [
        Outcome.KEPT, Outcome.LOST, Outcome.KEPT
    ]
    edited_at = plan.services.clock.now()

    await move_to_the_afternoon(plan)
    await plan.defend()  # counts the new series' sessions, as the periodic scan would

    after = await sessions(plan, plan.member)
    past = [(r, s) for r, s in after if s < edited_at]
    future = [(r, s) for r, s in after if s >= edited_at]
    # The past stays: the first and third sessions at the old time, the deleted one gone.
    assert past == [(1, before[0][1]), (1, third)]
    # The future is the new series only, in the afternoon, from the next session on.
    assert {r for r, _ in future} == {2}
    assert len(future) == SESSIONS - 3
    assert all(local_hour(s) >= 13 for _, s in future)
    days = [s.astimezone(ZoneInfo(ZONE)).date() for _, s in after]
    assert len(days) == len(set(days))  # one session a day at most: nothing twice

    (report,) = await list_plans(plan.owner, uow=plan.services.uow(), clock=plan.services.clock)
    hours = report.hours
    assert hours.kept == timedelta(hours=2)  # the past's kept hours survive the edit
    assert hours.due == timedelta(hours=3) and hours.lost == timedelta(hours=1)
    assert hours.booked == timedelta(hours=SESSIONS)  # past and future, each once
    assert hours.upcoming == timedelta(hours=SESSIONS - 3)
    # And the owner's plans list in Teams says so.
    await plan.service.post(an_activity(connector.service_url, text="Plans", user_aad=plan.owner))
    (_, answer), = await connector.wait_for(1)
    content = all_texts(card_of(answer))
    assert "No sessions have taken place yet" not in content
    assert "2 of 3 hours kept" in content  # kept of due: the first three weeks


async def test_an_edit_before_any_session_replaces_the_whole_series(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    plan = await booked_plan(
        start_service, graph_emulator, connector, occurrences=SESSIONS
    )
    before = await sessions(plan, plan.member)
    await plan.defend()

    await move_to_the_afternoon(plan)
    await plan.defend()

    after = await sessions(plan, plan.member)
    assert {r for r, _ in after} == {2}  # the old series is gone, as before
    assert len(after) == SESSIONS
    assert after[0][1].date() == before[0][1].date()  # from the plan's first day
    async with plan.services.uow() as tx:
        new = await tx.plans.slot(plan.plan_id, plan.member, 2)
    assert new is not None and set(await _masters(plan, plan.member)) == {new.event_id}
    (report,) = await list_plans(plan.owner, uow=plan.services.uow(), clock=plan.services.clock)
    assert report.hours.booked == timedelta(hours=SESSIONS)
    assert report.hours.kept == timedelta(0)


async def test_a_team_meeting_moved_three_weeks_in_keeps_its_past_for_everyone(
    start_service: ServiceFactory, graph_emulator: GraphEmulator  # noqa: F811
) -> None:
    service = await start(start_service, graph_emulator, local_mode=True)
    services = service.runtime.services
    spec = a_team_spec(MemberSource.of_people(*REPORTS[:2]), mode=PlanMode.TEAM_SESSION)
    spec = dataclasses.replace(spec, horizon=Horizon(spec.horizon.start, occurrences=6))
    plan_id = await new_plan(service, spec)
    await book(service, plan_id)
    await run_jobs(service)
    before = await meeting_sessions(graph_emulator, LEAD, services.clock.now())
    assert len(before) == 6
    third = before[2]
    passed = third + timedelta(hours=3) - services.clock.now()
    await service.runtime.advance_clock(passed)
    await graph_emulator.control.advance_clock(passed.total_seconds())
    edited_at = services.clock.now()

    afternoon = dataclasses.replace(
        spec, window=dataclasses.replace(spec.window, start=time(13, 0), end=time(16, 0))
    )
    await edit_plan(EditPlan(plan_id, LEAD, afternoon), uow=services.uow(), clock=services.clock)
    await run_jobs(service)

    for person in (LEAD, REPORTS[0]):  # the organiser's meeting and an attendee's copy
        after = await meeting_sessions(graph_emulator, person, edited_at)
        assert [s for s in after if s < edited_at] == before[:3]  # the past stays as it was
        future = [s for s in after if s >= edited_at]
        assert len(future) == 3 and all(local_hour(s) >= 13 for s in future)
        days = [s.astimezone(ZoneInfo(ZONE)).date() for s in after]
        assert len(days) == len(set(days))


async def meeting_sessions(
    emulator: GraphEmulator, person: str, around: datetime
) -> list[datetime]:
    """The starts of the team meeting's sessions (either revision) in a person's calendar."""
    response = await emulator.request(
        "GET",
        f"/users/{person}/calendarView?startDateTime={iso(around - timedelta(days=60))}"
        f"&endDateTime={iso(around + timedelta(days=120))}&$top=1000",
        headers={"Prefer": 'outlook.timezone="UTC"'},
    )
    assert response.status == 200, response.body
    return sorted(
        start_of(e) for e in response.body["value"]
        if TEAM_GOAL in (e.get("subject") or "") and not e.get("isCancelled")
    )
