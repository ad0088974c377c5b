"""A check-in after each learning occurrence: when a booked session ends, its member is asked
about it (in their language, once); a lost session gets no "did you use your time" card."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta

from teams_app.domain.campaigns.campaigns import Audience, CampaignSpec, Timing
from teams_app.domain.occurrences import Outcome
from teams_app.use_cases.campaigns.creating import CreateCampaign, create_campaign
from teams_app.use_cases.campaigns.occurrences import prompt_after_occurrences
from tests.card_schema import assert_valid_card
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator
from tests.service.campaigns.support import texts
from tests.service.conftest import ServiceFactory
from tests.service.defend.support import booked_plan, run_jobs


async def test_each_ended_occurrence_asks_its_member_once_and_a_lost_one_asks_nothing(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    booked = await booked_plan(start_service, graph_emulator, connector)
    services = booked.services
    now = services.clock.now()
    await create_campaign(
        CreateCampaign(booked.owner, CampaignSpec(
            form_key="learning_checkin", form_version=1,
            audience=Audience.of_plan(booked.plan_id), timing=Timing.after_occurrence(),
            closes_at=now + timedelta(days=60))),
        uow=services.uow, forms=services.forms, directory=services.directory,
        rights=services.rights, clock=services.clock, new_id=lambda: str(uuid.uuid4()),
    )
    await booked.defend()
    first, second, *_ = await booked.stored()
    async with services.uow() as tx:  # the defend scan found the second one lost
        await tx.occurrences.save_occurrences([replace(second, outcome=Outcome.LOST)], at=now)
        await tx.commit()

    async def sweep() -> int:
        return await prompt_after_occurrences(
            uow=services.uow, calendar=services.calendar, clock=services.clock, weekly_cap=3)

    assert await sweep() == 0  # nothing has ended yet
    await booked.advance(second.span.end - now + timedelta(minutes=5))
    assert await sweep() == 1
    assert await sweep() == 0  # asked once
    await run_jobs(booked.service)
    cards = [a["content"] for activity in connector.sent_to(f"a:personal-{booked.member}")
             for a in activity.get("attachments") or []]
    assert len(cards) == 1
    assert_valid_card(cards[0])
    assert "Avstämning av lärtiden" in texts(cards[0])
    assert cards[0]["actions"][0]["data"]["round"] == f"occ:{first.key}"
