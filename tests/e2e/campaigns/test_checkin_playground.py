"""End to end in the Agents Playground: a member's learning session ends (the local clock moves
past it), the learning check-in arrives in her chat in her Outlook language, she answers it on
the card, the card turns into the summary of her answers, the response is stored once, and its
item lands in the organisation's (emulated) SharePoint list."""

from __future__ import annotations

import asyncio
import uuid
from datetime import time, timedelta

import pytest
from sqlalchemy import select

from cards import translator_for, verbs
from graph import demo_org
from teams_app.adapters.sql.campaign_tables import campaign_responses
from teams_app.domain.cadences import Cadence, Horizon, LearningWindow
from teams_app.domain.calendar import Weekday
from teams_app.domain.campaigns.campaigns import Audience, CampaignSpec, Timing
from teams_app.domain.learning_plans import CreatePlan, MemberSource, PlanSpec
from teams_app.domain.occurrence_records import SlotRef
from teams_app.use_cases.campaigns.creating import CreateCampaign, create_campaign
from teams_app.use_cases.campaigns.occurrences import prompt_after_occurrences
from teams_app.use_cases.campaigns.outbox import hand_to_outbox
from teams_app.use_cases.defend.scan import DefendMailbox, defend_mailbox
from teams_app.use_cases.plans.booking import BookPlan, book_plan
from teams_app.use_cases.plans.planning import create_plan
from teams_app.use_cases.results.outbox import drain_outbox
from teams_app.use_cases.results.provisioning import provision_results
from tests.card_schema import assert_valid_card
from tests.card_texts import texts
from tests.e2e.conftest import World
from tests.e2e.playground_client import adaptive_cards, card_contains

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


async def test_a_session_ends_the_check_in_arrives_and_is_answered(world: World) -> None:
    pg, runtime = world.playground, world.runtime
    services = runtime.services
    me = pg.current_user_aad_id
    await pg.install(pg.personal_chat_id)
    today = runtime.clock.now().date()
    spec = PlanSpec(
        members=MemberSource.of_people(me), cadence=Cadence.weekly(), duration_minutes=30,
        window=LearningWindow((Weekday.TUESDAY, Weekday.WEDNESDAY), time(10), time(12)),
        horizon=Horizon(today + timedelta(days=7 - today.weekday()), occurrences=2),
        goal="Read the incident review guide",
    )
    plan = await create_plan(CreatePlan(me, spec), uow=services.uow(), clock=services.clock,
                             new_id=lambda: str(uuid.uuid4()))
    await book_plan(BookPlan(plan.plan_id, me), uow=services.uow, calendar=services.calendar,
                    directory=services.directory, clock=services.clock, rights=services.rights)
    sv = translator_for("sv")
    await pg.wait_for_message(pg.personal_chat_id, card_contains(sv("slot.booked.title")),
                              timeout=30)
    now = runtime.clock.now()
    await create_campaign(
        CreateCampaign(me, CampaignSpec(
            form_key="learning_checkin", form_version=1, audience=Audience.of_plan(plan.plan_id),
            timing=Timing.after_occurrence(), closes_at=now + timedelta(days=60))),
        uow=services.uow, forms=services.forms, directory=services.directory,
        rights=services.rights, clock=services.clock, new_id=lambda: str(uuid.uuid4()),
    )
    await defend_mailbox(DefendMailbox(me, timedelta(days=30)), uow=services.uow,
                         calendar=services.calendar, clock=services.clock)
    async with services.uow() as tx:
        first = min(await tx.occurrences.occurrences(SlotRef(plan.plan_id, me, 1)),
                    key=lambda o: o.span.start)
    # Her session ends: move the service's and Outlook's clocks past it.
    by = first.span.end - now + timedelta(minutes=5)
    await runtime.advance_clock(by)
    await world.graph("POST", "/_emulator/clock", {"advance_seconds": by.total_seconds()})
    assert await prompt_after_occurrences(uow=services.uow, calendar=services.calendar,
                                          clock=services.clock, weekly_cap=3) == 1

    # She never wrote to the app: the check-in speaks her Outlook's Swedish.
    message = await pg.wait_for_message(pg.personal_chat_id,
                                        card_contains("Avstämning av lärtiden"), timeout=30)
    (card,) = adaptive_cards(message)
    assert_valid_card(card)
    submit = card["actions"][0]
    answers = {"used_time": "partly", "worked_on": "Läste halva guiden",
               "obstacles": "meeting", "will_apply": "Mallen på fredagens genomgång"}
    answer = await pg.invoke_execute(pg.personal_chat_id, pg.current_user_id,
                                     str(message["messageId"]), verbs.FORM_SUBMIT,
                                     {**submit["data"], **answers})
    assert answer["type"] == "application/vnd.microsoft.card.adaptive", answer
    summary = answer["value"]
    assert_valid_card(summary)
    shown = texts(summary)
    assert "Läste halva guiden" in shown  # her answers, read back on the card
    assert [a["verb"] for a in summary["actions"]] == [verbs.FORM_EDIT]
    # Pressed again (a double click, a retry): still one response.
    again = await pg.invoke_execute(pg.personal_chat_id, pg.current_user_id,
                                    str(message["messageId"]), verbs.FORM_SUBMIT,
                                    {**submit["data"], **answers})
    assert again["type"] == "application/vnd.microsoft.card.adaptive"
    async with runtime.engine.connect() as connection:
        rows = (await connection.execute(select(campaign_responses))).mappings().all()
    assert len(rows) == 1 and rows[0]["person_id"] == me
    assert rows[0]["answers"]["worked_on"] == "Läste halva guiden"

    # The export and the outbox: their jobs run every minute in the service; here now too
    # (whichever runs first, the item is written once).
    await provision_results(demo_org.SHAREPOINT_SITE.url,
                            forms=await services.forms.every_version(), uow=services.uow,
                            lists=services.lists, clock=services.clock)
    for _ in range(50):
        await hand_to_outbox(uow=services.uow, forms=services.forms, clock=services.clock)
        await drain_outbox(uow=services.uow, lists=services.lists, clock=services.clock,
                           owner="e2e")
        lists = await world.graph("GET", "/_emulator/objects/lists")
        (checkins,) = [x for x in lists if x["displayName"] == "Learning Loop check-ins"]
        if checkins.get("items"):
            break
        await asyncio.sleep(0.2)
    (item,) = [i["fields"] for i in checkins["items"]]
    assert item["PersonId"] == me and item["worked_on"] == "Läste halva guiden"
    assert item["LoopKey"] == rows[0]["response_key"]
