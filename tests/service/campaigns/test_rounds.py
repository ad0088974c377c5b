"""A recurring campaign asks again every N weeks until it closes; a group's members are its
audience as the directory has them when each round goes out."""

from __future__ import annotations

from datetime import timedelta

from teams_app.domain.campaigns.campaigns import Audience, Timing
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator
from tests.service.campaigns.support import a_world, action_data
from tests.service.conftest import ServiceFactory


async def test_a_recurring_campaign_asks_each_week_until_it_closes(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    world = await a_world(start_service, graph_emulator, connector)
    now = world.services.clock.now()
    group = await graph_emulator.control.add_group("Team", [world.astrid])
    await world.campaign(audience=Audience.of_group(group["id"]),
                         timing=Timing.recurring(now, every_weeks=1),
                         closes_at=now + timedelta(days=10), reminders=())
    await world.send()
    first, = world.cards_to(world.astrid)
    assert action_data(first, "form.submit")["round"] == "r0"
    assert world.cards_to(world.bram) == []  # not in the group
    await world.send(timedelta(days=7))
    second = world.cards_to(world.astrid)[1]
    assert action_data(second, "form.submit")["round"] == "r1"
    await world.send(timedelta(days=7))  # the third round would fall after the close
    assert len(world.cards_to(world.astrid)) == 2
