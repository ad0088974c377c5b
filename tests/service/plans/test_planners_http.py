"""Who may plan for whom (DESIGN.md section 7), over HTTP against the Graph emulator: the plan
card's Preview and Book, Book of a stored plan, and the CLI. Counted from the store of record:
the emulator's calendars and the database."""

from __future__ import annotations

from typing import Any

from graph import demo_org
from teams_app.domain.bookings import MemberFailure, MemberState
from tests.card_texts import all_texts
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import RunningService, ServiceFactory
from tests.service.plans.cards_support import (
    execute,
    plan_data,
    plans_of,
    run_jobs,
    start,
    walk_list,
)
from tests.service.plans.support import events_of, members_of, on_emulator, series

CEO = demo_org.CHARLOTTE_EVANS
INDIVIDUAL = demo_org.ERIK_JOHANSSON  # reports to the learning lead; no reports, owns nothing
LEAD = demo_org.LEARNING_LEAD_ID
MANAGER = demo_org.MAARTEN_DE_VRIES
ENGINEER = demo_org.PIETER_BAKKER  # the manager's direct report
FRONTEND = demo_org.LENA_HOFFMANN  # the manager's direct report
OUTSIDER = demo_org.SOFIA_BERGSTROM  # the learning lead's report: outside the manager's team


def name(person_id: str) -> str:
    return demo_org.person(person_id).display_name


def people(*ids: str) -> str:
    return ",".join(f"user:{i}" for i in ids)


def under_members(card: dict[str, Any]) -> str:
    """The text right under the members input, where its problem is shown."""
    elements = walk_list(card)
    at = next(n for n, e in enumerate(elements) if e.get("id") == "members")
    return str(elements[at + 1].get("text", ""))


async def calendars(emulator: GraphEmulator, *mailboxes: str) -> dict[str, int]:
    """How many events each calendar holds (the demo seeds some)."""
    return {m: len(await events_of(emulator, m)) for m in mailboxes}


async def test_an_individual_contributor_cannot_preview_or_book_for_the_ceo_or_a_colleague(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    before = await calendars(graph_emulator, CEO, ENGINEER, INDIVIDUAL)
    chosen = people(CEO, ENGINEER)
    for verb in ("plan.preview", "plan.book"):
        card = await execute(service, connector, verb, plan_data(verb=verb, members=chosen),
                             user=INDIVIDUAL)
        problem = under_members(card)
        assert "You may not plan learning time for" in problem, verb
        assert name(CEO) in problem and name(ENGINEER) in problem, verb
        assert "Booking learning time" not in all_texts(card)
    await run_jobs(service)
    assert await plans_of(service, INDIVIDUAL) == []
    assert await calendars(graph_emulator, CEO, ENGINEER, INDIVIDUAL) == before


async def test_a_manager_plans_for_direct_reports_and_members_of_a_group_they_own(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    refused = await execute(service, connector, "plan.preview",
                            plan_data(members=people(ENGINEER, OUTSIDER)), user=MANAGER)
    assert name(OUTSIDER) in under_members(refused)
    assert name(ENGINEER) not in under_members(refused)
    await graph_emulator.control.add_group("Guild", [OUTSIDER], owner_ids=[MANAGER])

    card = await execute(service, connector, "plan.book",
                         plan_data(verb="plan.book", members=people(ENGINEER, OUTSIDER)),
                         user=MANAGER)
    assert "Booking learning time" in all_texts(card)
    await run_jobs(service)
    (plan,) = await plans_of(service, MANAGER)
    members = await members_of(service, plan.id)
    assert {m: members[m].state for m in members} == {
        ENGINEER: MemberState.BOOKED, OUTSIDER: MemberState.BOOKED,
    }
    assert len(await series(graph_emulator, OUTSIDER, plan.id)) == 1


async def test_reports_reports_only_when_the_admin_allows_it(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    # The CEO manages the learning lead and the manager, and owns no group.
    data = plan_data(members=people(INDIVIDUAL, ENGINEER))
    strict = await start(start_service, graph_emulator)
    refused = await execute(strict, connector, "plan.preview", data, user=CEO)
    assert name(INDIVIDUAL) in under_members(refused)
    assert name(ENGINEER) in under_members(refused)
    assert await plans_of(strict, CEO) == []
    await strict.http.close()

    allowed = await start(start_service, graph_emulator, plan_for_indirect_reports=True)
    card = await execute(allowed, connector, "plan.preview", data, user=CEO)
    assert "You may not plan" not in all_texts(card)
    assert len(await plans_of(allowed, CEO)) == 1


async def test_a_learning_lead_plans_for_anyone_in_the_tenant(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    await graph_emulator.control.reset("demo")
    inner = await graph_emulator.control.add_group("Learning guild", [INDIVIDUAL])
    leads = await graph_emulator.control.add_group("Learning leads", [inner["id"]])
    service = await start_lead_service(start_service, graph_emulator, str(leads["id"]))

    card = await execute(service, connector, "plan.book",
                         plan_data(verb="plan.book", members=people(CEO, ENGINEER)),
                         user=INDIVIDUAL)
    assert "Booking learning time" in all_texts(card)
    await run_jobs(service)
    (plan,) = await plans_of(service, INDIVIDUAL)
    assert len(await series(graph_emulator, CEO, plan.id)) == 1
    assert len(await series(graph_emulator, ENGINEER, plan.id)) == 1


async def start_lead_service(
    start_service: ServiceFactory, emulator: GraphEmulator, group_id: str
) -> RunningService:
    """The service on the emulator as it is (`start` would reset the groups just added)."""
    return await start_service(**on_emulator(
        emulator, learning_leads_group=group_id, local_mode=True,
        graph_max_retries=2, graph_retry_backoff_seconds=0.01,
    ))


async def test_book_refuses_a_member_who_moved_to_another_manager_by_name(
    start_service: ServiceFactory, graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
) -> None:
    service = await start(start_service, graph_emulator)
    preview = await execute(service, connector, "plan.preview",
                            plan_data(members=people(ENGINEER, FRONTEND)), user=MANAGER)
    assert "You may not plan" not in all_texts(preview)
    (plan,) = await plans_of(service, MANAGER)
    before = await calendars(graph_emulator, ENGINEER)
    # Moved to the learning lead's team: a new manager, and out of the manager's group.
    team = [p.object_id for p in demo_org.direct_reports(MANAGER) if p.object_id != ENGINEER]
    await graph_emulator.control.add_group("Engineering", [MANAGER, *team],
                                           id=demo_org.ENGINEERING_GROUP_ID,
                                           owner_ids=[MANAGER])
    moved = await graph_emulator.request(
        "PUT", f"/users/{ENGINEER}/manager/$ref",
        json={"@odata.id": f"https://graph.microsoft.com/v1.0/users/{LEAD}"},
    )
    assert moved.status == 204

    book = {"plan_id": plan.id, "revision": plan.revision}  # from the preview's Book
    await execute(service, connector, "plan.book", book, user=MANAGER)
    await run_jobs(service)
    summary = all_texts(await execute(service, connector, "plan.book", book, user=MANAGER))
    assert name(ENGINEER) in summary and "You may not plan for them" in summary
    members = await members_of(service, plan.id)
    assert (members[ENGINEER].state, members[ENGINEER].failure) == (
        MemberState.FAILED, MemberFailure.NOT_ALLOWED,
    )
    assert members[FRONTEND].state is MemberState.BOOKED
    assert await calendars(graph_emulator, ENGINEER) == before
    assert await series(graph_emulator, ENGINEER, plan.id) == []
    assert len(await series(graph_emulator, FRONTEND, plan.id)) == 1
