"""Answers reach the organisation's SharePoint lists: a named response as its item (with who
answered), an edit as the same item changed, and anonymous responses only together, at least k
at a time or when the campaign closes, without a person and with the day only. The emulated
SharePoint list is the store of record."""

from __future__ import annotations

from typing import Any

from cards import verbs
from teams_app.use_cases.campaigns.creating import CloseCampaign, close_campaign
from teams_app.use_cases.campaigns.outbox import hand_to_outbox
from teams_app.use_cases.results.outbox import drain_outbox
from teams_app.use_cases.results.provisioning import provision_results
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator
from tests.service.campaigns.support import World, a_world
from tests.service.conftest import ServiceFactory

HOST = "contoso.sharepoint.com"
ANSWERS = {"used_time": "partly", "worked_on": "Read two chapters", "obstacles": "meeting",
           "will_apply": "Pair on the next review"}


async def provisioned(start_service: ServiceFactory, emulator: GraphEmulator,
                      connector: FakeConnector) -> World:
    world = await a_world(start_service, emulator, connector)
    await emulator.control.add_site("sites/learning", hostname=HOST)
    services = world.services
    await provision_results(f"https://{HOST}/sites/learning",
                            forms=await services.forms.every_version(), uow=services.uow,
                            lists=services.lists, clock=services.clock)
    return world


async def items(emulator: GraphEmulator, name: str) -> list[dict[str, Any]]:
    found = [x for x in await emulator.control.objects("lists") if x["displayName"] == name]
    assert len(found) == 1
    return [i["fields"] for i in found[0].get("items", [])]


async def export(world: World) -> int:
    services = world.services
    handed = await hand_to_outbox(uow=services.uow, forms=services.forms,
                                    clock=services.clock)
    # The outbox's drain, as its job runs it (the job is queued at most once a second).
    report = await drain_outbox(uow=services.uow, lists=services.lists, clock=services.clock,
                                owner="test")
    assert report.stopped is None
    return handed


async def answer(world: World, person: str, inputs: dict[str, str]) -> dict[str, Any]:
    (card,) = world.cards_to(person)[-1:]
    return await world.press(card, verbs.FORM_SUBMIT, as_=person, inputs=inputs)


async def test_a_named_answer_lands_once_and_an_edit_changes_the_same_item(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await provisioned(start_service, graph_emulator, connector)
    campaign = await world.campaign()
    await world.send()
    summary = await answer(world, world.astrid, ANSWERS)
    assert await export(world) == 1
    (item,) = await items(graph_emulator, "Learning Loop check-ins")
    assert item["PersonId"] == world.astrid and item["CampaignId"] == campaign
    assert item["used_time"] == "partly"
    again = await world.press(summary, verbs.FORM_EDIT, as_=world.astrid)
    await world.press(again, verbs.FORM_SUBMIT, as_=world.astrid,
                      inputs={**ANSWERS, "used_time": "yes"})
    assert await export(world) == 1
    assert await export(world) == 0  # nothing new
    (item,) = await items(graph_emulator, "Learning Loop check-ins")
    assert item["used_time"] == "yes"
    (listed,) = await items(graph_emulator, "Learning Loop campaigns")
    assert listed["LoopKey"] == campaign and listed["State"] == "open"


async def test_anonymous_answers_leave_together_without_a_person_or_a_time(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await provisioned(start_service, graph_emulator, connector)
    campaign = await world.campaign(anonymous=True, k=3)  # two people asked: fewer than k
    await world.send()
    await answer(world, world.astrid, ANSWERS)
    await answer(world, world.bram, {**ANSWERS, "used_time": "no"})
    assert await export(world) == 0  # one or two alone would say when each came
    assert await items(graph_emulator, "Learning Loop check-ins") == []
    await close_campaign(CloseCampaign(campaign, world.owner), uow=world.services.uow,
                         clock=world.services.clock)
    assert await export(world) == 2
    stored = await items(graph_emulator, "Learning Loop check-ins")
    assert sorted(i["used_time"] for i in stored) == ["no", "partly"]
    assert all(i.get("PersonId") in (None, "") for i in stored)
    assert all(str(i["SubmittedAt"]).endswith("T00:00:00Z") for i in stored)
    (listed,) = await items(graph_emulator, "Learning Loop campaigns")
    assert listed["State"] == "closed"
