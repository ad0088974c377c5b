"""End to end: booked learning time defended in the Agents Playground. A colliding meeting
added in the Graph emulator produces the collision card in the member's chat; Move on the card
changes that one occurrence in the emulated Outlook calendar."""

from __future__ import annotations

import uuid
from datetime import time, timedelta

import pytest

from cards import translator_for
from teams_app.domain.cadences import Cadence, Horizon, LearningWindow
from teams_app.domain.calendar import Weekday
from teams_app.domain.learning_plans import CreatePlan, MemberSource, PlanSpec
from teams_app.use_cases.defend.scan import DEFEND_SCAN
from teams_app.use_cases.plans.booking import BookPlan, book_plan
from teams_app.use_cases.plans.planning import create_plan
from tests.card_schema import assert_valid_card
from tests.e2e.conftest import World, utc
from tests.e2e.playground_client import adaptive_cards, card_contains

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


async def test_a_colliding_meeting_is_carded_and_move_changes_that_occurrence(
    world: World,
) -> None:
    pg, runtime = world.playground, world.runtime
    services = runtime.services
    me = pg.current_user_aad_id
    await pg.install(pg.personal_chat_id)  # the member's chat with the bot

    today = runtime.clock.now().date()
    spec = PlanSpec(
        members=MemberSource.of_people(me),
        cadence=Cadence.weekly(),
        duration_minutes=45,
        window=LearningWindow((Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY),
                              time(9), time(16)),
        horizon=Horizon(today + timedelta(days=7 - today.weekday()), occurrences=3),
        goal="Practise the new reporting tool",
    )
    plan = await create_plan(CreatePlan(me, spec), uow=services.uow(), clock=services.clock,
                             new_id=lambda: str(uuid.uuid4()))
    await book_plan(BookPlan(plan.plan_id, me), uow=services.uow, calendar=services.calendar,
                    directory=services.directory, clock=services.clock,
                    rights=services.rights)
    # She never wrote to the bot here: her cards speak her Outlook's language (Swedish).
    booked = translator_for("sv")("slot.booked.title")
    await pg.wait_for_message(pg.personal_chat_id, card_contains(booked), timeout=30)

    async with services.uow() as tx:
        slot = await tx.plans.slot(plan.plan_id, me, 1)
    assert slot is not None and slot.event_id
    now = runtime.clock.now()
    window = (f"?startDateTime={now:%Y-%m-%dT%H:%M:%SZ}"
              f"&endDateTime={now + timedelta(days=40):%Y-%m-%dT%H:%M:%SZ}")
    series = f"/users/{me}/events/{slot.event_id}/instances{window}"
    instances = (await world.graph("GET", series))["value"]
    second = sorted(instances, key=lambda e: e["start"]["dateTime"])[1]
    start = utc(second["start"]["dateTime"])
    await world.graph("POST", f"/_emulator/users/{me}/events", {
        "subject": "Steering group", "showAs": "busy",
        "start": f"{start - timedelta(minutes=15):%Y-%m-%dT%H:%M:%SZ}",
        "end": f"{start + timedelta(minutes=30):%Y-%m-%dT%H:%M:%SZ}",
    })

    mark = pg.mark()
    async with services.uow() as tx:  # the periodic scan, now rather than in 15 minutes
        await tx.jobs.enqueue(DEFEND_SCAN, {}, idempotency_key=f"e2e-scan-{uuid.uuid4()}")
        await tx.commit()
    message = await pg.wait_for_message(pg.personal_chat_id, card_contains("Steering group"),
                                        since=mark, timeout=30)
    (card,) = adaptive_cards(message)
    assert_valid_card(card)
    move = next(a for a in card["actions"] if a["verb"] == "slot.move")

    answer = await pg.invoke_execute(pg.personal_chat_id, pg.current_user_id,
                                     str(message["messageId"]), "slot.move", move["data"])
    assert answer["type"] == "application/vnd.microsoft.card.adaptive"
    assert_valid_card(answer["value"])
    assert "Moved to" in str(answer["value"])
    after = (await world.graph("GET", series))["value"]
    moved = [e for e in after if e["type"] == "exception"]
    assert [utc(e["start"]["dateTime"]) for e in moved] == [utc(move["data"]["move_to"])]
    assert len(after) == len(instances)  # one occurrence changed, none added or lost
