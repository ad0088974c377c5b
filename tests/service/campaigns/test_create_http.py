"""Creating a campaign from a card, through the real app: `avstämning` opens the check-in card
with the owner's people to choose; Create refuses with each message under its input and
everything kept, creates once however often the same card is pressed, and answers tampered
data or someone else's press with a notice."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from cards import translator_for, verbs
from cards.campaign_form import AUDIENCE, CLOSES, EVERY_WEEKS, PRIVACY, TIMING, K
from teams_app.use_cases.campaigns.creating import CloseCampaign, close_campaign, list_campaigns
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator
from tests.service.campaigns.support import World, a_world, input_values, run_jobs, texts
from tests.service.campaigns.test_report_http import typed
from tests.service.conftest import ServiceFactory

SV = translator_for("sv")


async def create(world: World, card: dict[str, Any], *, as_: str, **inputs: str
                 ) -> dict[str, Any]:
    create = next(a for a in card["actions"] if a["verb"] == verbs.CAMPAIGN_CREATE)
    return await world.press({"actions": [create]}, verbs.CAMPAIGN_CREATE, as_=as_,
                             inputs=inputs)


def good(world: World, **changes: str) -> dict[str, str]:
    closes = (world.services.clock.now() + timedelta(days=7)).date().isoformat()
    return {AUDIENCE: f"person:{world.astrid},person:{world.bram}", TIMING: "once",
            EVERY_WEEKS: "1", PRIVACY: "named", CLOSES: closes, K: "3", **changes}


async def opened(start_service: ServiceFactory, emulator: GraphEmulator,
                 connector: FakeConnector) -> tuple[World, dict[str, Any]]:
    world = await a_world(start_service, emulator, connector)
    answer = await typed(world, "avstämning", as_=world.owner)
    card: dict[str, Any] = answer["attachments"][0]["content"]
    return world, card


async def test_the_card_offers_the_owners_people_and_creates_once(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, card = await opened(start_service, graph_emulator, connector)
    assert SV("newcampaign.title.checkin") in texts(card)
    offered = json.dumps(card)
    assert f"person:{world.astrid}" in offered and f"person:{world.bram}" in offered

    refused = await create(world, card, as_=world.owner, **good(world, **{
        AUDIENCE: "", CLOSES: "", K: "7", TIMING: "recurring", EVERY_WEEKS: "3"}))
    shown = texts(refused)
    assert SV("newcampaign.error.audience") in shown and SV("newcampaign.error.closes") in shown
    kept = input_values(refused)
    assert (kept[K], kept[TIMING], kept[EVERY_WEEKS]) == (7, "recurring", 3)

    made = await create(world, card, as_=world.owner, **good(world))
    assert SV("newcampaign.created", count=2) in texts(made)
    again = await create(world, card, as_=world.owner, **good(world))
    assert SV("newcampaign.exists") in texts(again)
    assert len(await list_campaigns(world.owner, uow=world.services.uow)) == 1
    await world.send()
    assert len(world.cards_to(world.astrid)) == 1 and len(world.cards_to(world.bram)) == 1
    # Someone else pressing the owner's card learns nothing and creates nothing.
    other = await create(world, card, as_=world.astrid, **good(world))
    assert SV("report.unknown") in texts(other)
    # Closed since: the old card's Create shows it closed, and opens nothing again.
    (campaign,) = await list_campaigns(world.owner, uow=world.services.uow)
    await close_campaign(CloseCampaign(campaign.id, world.owner), uow=world.services.uow,
                         clock=world.services.clock)
    closed = await create(world, card, as_=world.owner, **good(world))
    assert SV("newcampaign.exists") in texts(closed)
    assert any(SV("campaigns.closed") in line for line in texts(closed))
    assert len(await list_campaigns(world.owner, uow=world.services.uow)) == 1


async def test_refusals_sit_under_their_inputs(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, card = await opened(start_service, graph_emulator, connector)
    for changes, message in (
        ({AUDIENCE: f"person:{world.astrid},group:g-1"}, "newcampaign.error.audience_mix"),
        ({K: "30"}, "newcampaign.error.k"),
        ({TIMING: "after_occurrence"}, "newcampaign.error.after_needs_plan"),
        ({TIMING: "recurring", EVERY_WEEKS: "60"}, "newcampaign.error.every_weeks"),
        ({AUDIENCE: f"person:{world.outsider}"}, "newcampaign.error.not_allowed"),
        ({CLOSES: (world.services.clock.now() - timedelta(days=1)).date().isoformat()},
         "newcampaign.error.closes"),
    ):
        answer = await create(world, card, as_=world.owner, **good(world, **changes))
        assert SV(message) in texts(answer), changes
        assert input_values(answer)[AUDIENCE] == good(world, **changes)[AUDIENCE]
    assert await list_campaigns(world.owner, uow=world.services.uow) == []
    await run_jobs(world.service)


async def test_tampered_card_data_gets_a_notice(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, card = await opened(start_service, graph_emulator, connector)
    for changes in ({"token": "not-a-uuid"}, {"kind": "survey"}, {"owner": world.astrid},
                    {PRIVACY: "everyone"}, {K: ["3"]}):
        create_action = next(a for a in card["actions"] if a["verb"] == verbs.CAMPAIGN_CREATE)
        answer = await world.press({"actions": [create_action]}, verbs.CAMPAIGN_CREATE,
                                   as_=world.owner, inputs={**good(world), **changes})
        assert SV("report.unknown") in texts(answer), changes
    assert await list_campaigns(world.owner, uow=world.services.uow) == []
    in_group = await typed(world, "puls", as_=world.owner, group=True)
    assert in_group["text"] == SV("newcampaign.personal_only")


async def test_the_campaigns_list_opens_a_new_card_of_each_kind(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await a_world(start_service, graph_emulator, connector)
    listed = (await typed(world, "utskick", as_=world.owner))["attachments"][0]["content"]
    kinds = [a["data"]["kind"] for a in listed["actions"] if a["verb"] == verbs.CAMPAIGN_NEW]
    assert kinds == ["checkin", "feedback", "pulse"]
    pulse = await world.press(listed, verbs.CAMPAIGN_NEW, as_=world.owner, kind="pulse")
    assert SV("newcampaign.title.pulse") in texts(pulse)
    for tampered in ({"kind": "survey"}, {"kind": "pulse", "token": "x"}):
        answer = await world.press(listed, verbs.CAMPAIGN_NEW, as_=world.owner, **tampered)
        assert SV("report.unknown") in texts(answer), tampered
