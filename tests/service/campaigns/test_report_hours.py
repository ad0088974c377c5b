"""A check-in sent to a plan's members: from k answers its report puts the plan's kept vs booked
learning time beside the answers (read through the shared learning-hours module from the
occurrences the defend scan keeps); below k the report shows counts only, no hours."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any

from cards import translator_for, verbs
from teams_app.domain.campaigns.campaigns import Audience, CampaignSpec, Timing
from teams_app.domain.campaigns.responses import StoredResponse
from teams_app.domain.occurrences import Outcome
from teams_app.use_cases.campaigns.creating import CreateCampaign, create_campaign
from tests.builders import an_execute
from tests.card_schema import assert_valid_card
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator
from tests.service.campaigns.test_answering import ANSWERS
from tests.service.conftest import ServiceFactory
from tests.service.defend.support import Booked, booked_plan

SV = translator_for("sv")


async def report(booked: Booked, campaign_id: str) -> str:
    status, body = await booked.service.post(an_execute(
        booked.connector.service_url, verbs.CAMPAIGN_REPORT, {"campaign_id": campaign_id},
        user_aad=booked.owner, conversation_id=f"a:personal-{booked.owner}", locale="sv-SE"))
    assert status == 200, body
    card: dict[str, Any] = body["value"]
    assert_valid_card(card)
    return json.dumps(card, ensure_ascii=False)


async def test_a_plans_check_in_shows_the_kept_hours_from_k_answers(
    start_service: ServiceFactory, graph_emulator: GraphEmulator, connector: FakeConnector
) -> None:
    booked = await booked_plan(start_service, graph_emulator, connector)
    services = booked.services
    now = services.clock.now()
    created = await create_campaign(
        CreateCampaign(booked.owner, CampaignSpec(
            form_key="learning_checkin", form_version=1, k=3,
            audience=Audience.of_plan(booked.plan_id), timing=Timing.after_occurrence(),
            closes_at=now + timedelta(days=60))),
        uow=services.uow, forms=services.forms, directory=services.directory,
        rights=services.rights, clock=services.clock, new_id=lambda: str(uuid.uuid4()),
    )
    await booked.defend()
    first, second, *_ = await booked.stored()
    async with services.uow() as tx:  # one session kept, one lost
        await tx.occurrences.save_occurrences([replace(first, outcome=Outcome.KEPT),
                                               replace(second, outcome=Outcome.LOST)], at=now)
        await tx.commit()
    await booked.advance(second.span.end - now + timedelta(minutes=5))
    shown = await report(booked, created.campaign_id)
    assert SV("report.hours.title") not in shown  # below k: counts only
    async with services.uow() as tx:  # three answers, as three members' cards would store
        for n in range(3):
            await tx.campaigns.add_response(StoredResponse(
                str(uuid.uuid4()), created.campaign_id, "learning_checkin", 1, ANSWERS,
                services.clock.now(), person_id=f"member-{n}", round=f"occ:{n}"))
        await tx.commit()
    shown = await report(booked, created.campaign_id)
    hours = first.span.end - first.span.start
    assert SV("report.hours.title") in shown and '"Chart.HorizontalBar.Stacked"' in shown
    kept = hours.total_seconds() / 3600
    assert SV("plans.hours", kept=f"{kept:g}".replace(".", ","),
              booked=f"{2 * kept:g}".replace(".", ",")) in shown
