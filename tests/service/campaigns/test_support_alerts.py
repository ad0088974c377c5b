"""A "yes" to "do you need technical help" tells the campaign's support contact at once: naming
the person when the campaign is named, nobody when it is anonymous; an Edit that keeps the "yes"
does not tell them twice."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from cards import verbs
from tests.card_schema import assert_valid_card
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator
from tests.service.campaigns.support import World, a_world, run_jobs, texts
from tests.service.conftest import ServiceFactory

NEEDS_HELP = {"want_to_learn": "Pivot tables", "tool_confidence": "2", "needs_help": "yes"}


async def surveyed(start_service: ServiceFactory, emulator: GraphEmulator,
                   connector: FakeConnector, *, anonymous: bool) -> tuple[World, dict[str, Any]]:
    world = await a_world(start_service, emulator, connector)
    await world.campaign(form="pre_session_survey", anonymous=anonymous,
                         support_contact=world.outsider)
    await world.send()
    card, = world.cards_to(world.astrid)
    return world, card


async def test_a_named_yes_tells_the_support_contact_who(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, card = await surveyed(start_service, graph_emulator, connector, anonymous=False)
    summary = await world.press(card, verbs.FORM_SUBMIT, as_=world.astrid, inputs=NEEDS_HELP)
    await run_jobs(world.service)
    alerts = world.cards_to(world.outsider)
    assert len(alerts) == 1
    assert_valid_card(alerts[0])
    assert any("Astrid Lindqvist asked for technical help" in t for t in texts(alerts[0]))
    # Edit, keep the yes, change something else: no second alert.
    again = await world.press(summary, verbs.FORM_EDIT, as_=world.astrid)
    await world.press(again, verbs.FORM_SUBMIT, as_=world.astrid,
                      inputs={**NEEDS_HELP, "tool_confidence": "3"})
    await run_jobs(world.service)
    assert len(world.cards_to(world.outsider)) == 1


async def test_an_anonymous_yes_tells_the_support_contact_without_a_name(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, card = await surveyed(start_service, graph_emulator, connector, anonymous=True)
    await world.press(card, verbs.FORM_SUBMIT, as_=world.astrid, inputs=NEEDS_HELP)
    async with world.service.runtime.engine.connect() as connection:
        payloads = (await connection.execute(text(
            "SELECT payload FROM jobs WHERE kind = 'campaign.support_alert'"))).scalars().all()
    assert len(payloads) == 1 and world.astrid not in str(payloads[0])
    await run_jobs(world.service)
    alerts = world.cards_to(world.outsider)
    assert len(alerts) == 1
    shown = " ".join(texts(alerts[0]))
    assert "Someone asked for technical help" in shown and "Astrid" not in shown


async def test_a_no_tells_nobody(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world, card = await surveyed(start_service, graph_emulator, connector, anonymous=False)
    await world.press(card, verbs.FORM_SUBMIT, as_=world.astrid,
                      inputs={**NEEDS_HELP, "needs_help": "no"})
    await run_jobs(world.service)
    assert world.cards_to(world.outsider) == []
