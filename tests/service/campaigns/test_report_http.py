"""The owner's campaigns and report in Teams, through the real app: `campaigns` lists them with
a Report button each; the report shows counts only below k and the charts from k; it names who
could not be reached; nobody but the owner sees it, and tampered card data gets a notice."""

from __future__ import annotations

import json
from typing import Any

from cards import translator_for, verbs
from tests.builders import an_activity, an_execute, an_install
from tests.card_schema import assert_valid_card
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator
from tests.service.campaigns.support import ALL_DAY, World, a_world, action_data, run_jobs
from tests.service.campaigns.test_answering import ANSWERS
from tests.service.conftest import ServiceFactory

SV = translator_for("sv")
Forms = dict[str, dict[str, Any]]


async def typed(world: World, text: str, *, as_: str, group: bool = False) -> dict[str, Any]:
    """What the bot answers `as_` typing `text` in their personal chat (or a group chat)."""
    conversation = "19:group@thread.v2" if group else f"a:personal-{as_}"
    world.connector.activities.clear()
    status, _ = await world.service.post(an_activity(
        world.connector.service_url, text=text, user_aad=as_, conversation_id=conversation,
        conversation_type="groupChat" if group else "personal", locale="sv-SE"))
    assert status in (200, 201, 202)
    await world.connector.wait_for(1)
    (answer,) = world.connector.sent_to(conversation)
    return answer


async def report(world: World, data: dict[str, Any], *, as_: str) -> dict[str, Any]:
    status, body = await world.service.post(an_execute(
        world.connector.service_url, verbs.CAMPAIGN_REPORT, data, user_aad=as_,
        conversation_id=f"a:personal-{as_}", locale="sv-SE"))
    assert status == 200 and body["statusCode"] == 200, body
    assert_valid_card(body["value"])
    card: dict[str, Any] = body["value"]
    return card


async def a_campaign_of_four(start_service: ServiceFactory, emulator: GraphEmulator,
                             connector: FakeConnector) -> tuple[World, str, str, Forms]:
    """Astrid, Bram and Carl (all in chat with the bot) and Sam, whom no card reaches; k = 3."""
    world = await a_world(start_service, emulator, connector)
    carl = (await emulator.control.add_user("Carl Weber", manager_id=world.owner,
                                            working_hours=ALL_DAY, mailbox_language="de-DE"))["id"]
    silent = (await emulator.control.add_user("Sam Tyst", manager_id=world.owner,
                                              working_hours=ALL_DAY))["id"]
    for person in (carl, world.owner):
        await world.service.post(an_install(connector.service_url, user_aad=person,
                                            conversation_id=f"a:personal-{person}"))
    await connector.wait_for(2)
    connector.activities.clear()
    campaign_id = await world.campaign(people=(world.astrid, world.bram, carl, silent), k=3)
    await world.send()
    # Each person's form card, kept before the chats are cleared by what is typed next.
    forms = {person: world.cards_to(person)[0] for person in (world.astrid, world.bram, carl)}
    return world, campaign_id, carl, forms


async def answer(world: World, forms: Forms, person: str) -> None:
    await world.press(forms[person], verbs.FORM_SUBMIT, as_=person, inputs=ANSWERS)


async def test_the_owner_lists_campaigns_and_sees_counts_below_k_then_charts_from_k(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, campaign_id, carl, forms = await a_campaign_of_four(start_service, graph_emulator,
                                                           connector)
    listed = (await typed(world, "utskick", as_=world.owner))["attachments"][0]["content"]
    assert_valid_card(listed)
    shown = json.dumps(listed, ensure_ascii=False)
    assert SV("campaigns.title") in shown and "Avstämning av lärtiden" in shown
    button = listed["body"][1]["items"][-1]["actions"][0]
    assert button["data"] == {"verb": verbs.CAMPAIGN_REPORT, "campaign_id": campaign_id}

    await answer(world, forms, world.astrid)
    await answer(world, forms, world.bram)
    below = await report(world, button["data"], as_=world.owner)
    shown = json.dumps(below, ensure_ascii=False)
    assert SV("report.below_k", k=3) in shown and "Chart." not in shown
    facts = {f["title"]: f["value"] for f in below["body"][2]["facts"]}
    assert facts[SV("report.asked")] == "4" and facts[SV("report.answered")] == "2"
    assert "Sam Tyst" in shown and SV("reach.reason.not_installed") in shown

    await answer(world, forms, carl)
    shown = json.dumps(await report(world, action_data(below, verbs.CAMPAIGN_REPORT),
                                    as_=world.owner), ensure_ascii=False)
    assert '"Chart.Line"' in shown and '"Chart.HorizontalBar"' in shown
    assert SV("report.below_k", k=3) not in shown
    assert "Delvis" in shown  # the chosen answer, in the owner's words
    assert ANSWERS["worked_on"] not in shown  # free text is never shown in a report


async def test_nobody_but_the_owner_sees_a_report_and_tampered_ids_get_a_notice(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, campaign_id, _, _ = await a_campaign_of_four(start_service, graph_emulator,
                                                        connector)
    refused = SV("report.unknown")
    for data, person in (
        ({"verb": verbs.CAMPAIGN_REPORT, "campaign_id": campaign_id}, world.astrid),
        ({"verb": verbs.CAMPAIGN_REPORT, "campaign_id": "no-such-campaign"}, world.owner),
        ({"verb": verbs.CAMPAIGN_REPORT, "campaign_id": 7}, world.owner),
        ({"verb": verbs.CAMPAIGN_REPORT, "campaign_id": campaign_id, "k": 1}, world.owner),
        ({"verb": verbs.CAMPAIGN_REPORT, "campaign_id": "x" * 500}, world.owner),
    ):
        card = await report(world, data, as_=person)
        shown = json.dumps(card, ensure_ascii=False)
        assert refused in shown and SV("report.asked") not in shown, data
        assert action_data(card, verbs.CAMPAIGNS_LIST) == {"verb": verbs.CAMPAIGNS_LIST}
    # Someone else's list holds none of the owner's campaigns.
    theirs = (await typed(world, "campaigns", as_=world.astrid))["attachments"][0]["content"]
    assert campaign_id not in json.dumps(theirs) and SV("campaigns.empty") in json.dumps(
        theirs, ensure_ascii=False)
    # Reports name people: in a group chat the words only point to the personal chat.
    in_group = await typed(world, "kampanjer", as_=world.owner, group=True)
    assert in_group["text"] == SV("campaigns.personal_only")
    await run_jobs(world.service)
