""""You said, we did" through the real app: the owner writes it on the report card; everyone the
campaign asked gets it in their language (once, however often the jobs run) and the report
counts whom it reached; an empty text stays on the card with its message; a second press of
the same card sends nothing again; nobody but the owner can send; the CLI sends one too."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from typer.testing import CliRunner

from cards import SAID_DID_INPUT, translator_for, verbs
from teams_app.cli.main import app
from tests.builders import an_execute
from tests.card_schema import assert_valid_card
from tests.connector import FakeConnector
from tests.graph.conftest import TOKEN, GraphEmulator
from tests.service.campaigns.support import World, action_data, input_values, run_jobs, texts
from tests.service.campaigns.test_report_http import a_campaign_of_four
from tests.service.conftest import ServiceFactory

SV = translator_for("sv")
CHANGE = "Vi flyttar lärtiden till fredag förmiddag, som ni föreslog."


async def execute(world: World, verb: str, data: dict[str, Any], *, as_: str) -> dict[str, Any]:
    status, body = await world.service.post(an_execute(
        world.connector.service_url, verb, data, user_aad=as_,
        conversation_id=f"a:personal-{as_}", locale="sv-SE"))
    assert status == 200 and body["statusCode"] == 200, body
    assert_valid_card(body["value"])
    card: dict[str, Any] = body["value"]
    return card


def said_dids_to(world: World, person: str) -> list[dict[str, Any]]:
    return [c for c in world.cards_to(person)
            if any(t in texts(c) for t in ("Ni sa, vi gjorde", "Jullie zeiden, wij deden",
                                           "Ihr habt gesagt, wir haben gehandelt"))]


async def test_the_owner_tells_everyone_asked_in_their_language_once(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, campaign_id, carl, _ = await a_campaign_of_four(start_service, graph_emulator,
                                                           connector)
    report = await execute(world, verbs.CAMPAIGN_REPORT, {"campaign_id": campaign_id},
                           as_=world.owner)
    send = action_data(_said_did_actions(report), verbs.CAMPAIGN_SAID_DID)
    assert send == {"verb": verbs.CAMPAIGN_SAID_DID, "campaign_id": campaign_id, "seen": 0}

    empty = await execute(world, verbs.CAMPAIGN_SAID_DID, {**send, SAID_DID_INPUT: "  "},
                          as_=world.owner)
    assert SV("saiddid.error.empty") in texts(empty)

    done = await execute(world, verbs.CAMPAIGN_SAID_DID, {**send, SAID_DID_INPUT: CHANGE},
                         as_=world.owner)
    assert SV("saiddid.sent") in texts(done)
    again = await execute(world, verbs.CAMPAIGN_SAID_DID, {**send, SAID_DID_INPUT: CHANGE},
                          as_=world.owner)  # the same card pressed twice
    assert SV("saiddid.changed") in texts(again) and input_values(again).get(SAID_DID_INPUT) is None
    await run_jobs(world.service)
    await run_jobs(world.service)  # a second run sends nothing more

    (astrid,) = said_dids_to(world, world.astrid)
    assert_valid_card(astrid)
    assert CHANGE in texts(astrid) and "Gäller: Avstämning av lärtiden" in texts(astrid)
    assert len(said_dids_to(world, world.bram)) == 1 and "Jullie zeiden, wij deden" in texts(
        said_dids_to(world, world.bram)[0])
    assert len(said_dids_to(world, carl)) == 1
    assert said_dids_to(world, world.outsider) == []
    counted = await execute(world, verbs.CAMPAIGN_REPORT, {"campaign_id": campaign_id},
                            as_=world.owner)
    assert any(": nådde 3, kunde inte nå 1" in line for line in texts(counted))


async def test_nobody_else_sends_and_tampered_data_sends_nothing(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, campaign_id, _, _ = await a_campaign_of_four(start_service, graph_emulator,
                                                        connector)
    good = {"verb": verbs.CAMPAIGN_SAID_DID, "campaign_id": campaign_id, "seen": 0,
            SAID_DID_INPUT: CHANGE}
    for data, person in (
        (good, world.astrid),
        ({**good, "seen": "many"}, world.owner),
        ({**good, "seen": -1}, world.owner),
        ({**good, SAID_DID_INPUT: ["x"]}, world.owner),
        ({**good, "person_id": world.astrid}, world.owner),
        ({**good, "campaign_id": "another"}, world.owner),
    ):
        card = await execute(world, verbs.CAMPAIGN_SAID_DID, data, as_=person)
        assert SV("report.unknown") in texts(card), data
    await run_jobs(world.service)
    assert said_dids_to(world, world.astrid) == []


async def test_the_cli_sends_one_too(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, campaign_id, _, _ = await a_campaign_of_four(start_service, graph_emulator,
                                                        connector)
    env = {"LEARNING_LOOP_DATABASE_URL": world.services.settings.database_url,
           "LEARNING_LOOP_GRAPH_BASE_URL": graph_emulator.base_url,
           "LEARNING_LOOP_GRAPH_AUTH": "static", "LEARNING_LOOP_GRAPH_STATIC_TOKEN": TOKEN,
           "LEARNING_LOOP_LOG_JSON": "true"}
    result = await asyncio.to_thread(
        CliRunner().invoke, app, ["campaign", "said-did", campaign_id, "--by", world.owner,
                                  "--text", CHANGE], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    await run_jobs(world.service)
    assert len(said_dids_to(world, world.astrid)) == 1
    assert CHANGE not in json.dumps(world.connector.sent_to(f"a:personal-{world.owner}"))


def _said_did_actions(card: dict[str, Any]) -> dict[str, Any]:
    """The report's Send sits in an ActionSet in the body; as a card with actions for lookup."""
    for item in card["body"]:
        if item.get("type") == "ActionSet":
            return {"actions": item["actions"]}
    raise AssertionError("no Send on the report")
