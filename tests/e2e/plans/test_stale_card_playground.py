"""End to end: a card older than the plan acts on nothing. The manager books a plan, edits it
to an afternoon window, then presses Book on a card of the morning revision in the Agents
Playground: the answer says the card was out of date and shows the plan as it is now, and the
emulated calendar holds the same series as before (the finding was "Already booked 7")."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import time, timedelta

import pytest

from cards import verbs
from teams_app.domain.bookings import RunState
from teams_app.domain.cadences import Cadence, Horizon, LearningWindow
from teams_app.domain.calendar import Weekday
from teams_app.domain.learning_plans import CreatePlan, EditPlan, MemberSource, PlanSpec
from teams_app.use_cases.plans.booking import BookPlan, book_plan
from teams_app.use_cases.plans.changes import edit_plan
from teams_app.use_cases.plans.planning import create_plan
from tests.card_schema import assert_valid_card
from tests.card_texts import all_texts
from tests.e2e.conftest import World
from tests.e2e.playground_client import adaptive_cards, card_contains

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


async def test_book_on_a_card_older_than_an_edit_changes_nothing(world: World) -> None:
    pg, services = world.playground, world.runtime.services
    me = pg.current_user_aad_id
    await pg.install(pg.personal_chat_id)
    today = world.runtime.clock.now().date()
    spec = PlanSpec(
        members=MemberSource.of_people(me),
        cadence=Cadence.weekly(),
        duration_minutes=45,
        window=LearningWindow((Weekday.TUESDAY, Weekday.WEDNESDAY), time(10), time(12)),
        horizon=Horizon(today + timedelta(days=7 - today.weekday()), occurrences=3),
        goal="Read the incident review guide",
    )
    plan = await create_plan(CreatePlan(me, spec), uow=services.uow(), clock=services.clock,
                             new_id=lambda: str(uuid.uuid4()))
    assert services.calendar is not None and services.directory is not None
    await book_plan(BookPlan(plan.plan_id, me), uow=services.uow, calendar=services.calendar,
                    directory=services.directory, clock=services.clock, rights=services.rights)
    # They never wrote to the app, so the booked card speaks their mailbox's Swedish.
    booked = await pg.wait_for_message(pg.personal_chat_id,
                                       card_contains("Din lärtid är bokad"), timeout=30)
    afternoon = replace(spec, window=LearningWindow((Weekday.TUESDAY, Weekday.WEDNESDAY),
                                                    time(13), time(16)))
    await edit_plan(EditPlan(plan.plan_id, me, afternoon, 1), uow=services.uow(),
                    clock=services.clock)
    for _ in range(150):  # the service's workers move the series to the afternoon
        if await rebooked(world, plan.plan_id, revision=2):
            break
        await asyncio.sleep(0.2)
    else:
        pytest.fail("the edit's rebooking did not finish in 30 s")
    before = await events_of(world, me)

    # Book on a card made from revision 1 (the morning): a preview card's button data.
    answer = await pg.invoke_execute(
        pg.personal_chat_id, pg.current_user_id, str(booked["messageId"]), verbs.PLAN_BOOK,
        {"verb": verbs.PLAN_BOOK, "plan_id": plan.plan_id, "revision": 1},
    )

    assert answer["type"] == "application/vnd.microsoft.card.adaptive", answer
    card = answer["value"]
    assert_valid_card(card)
    shown = all_texts(card)
    assert "This card was out of date, so nothing was changed" in shown
    assert "Already booked" not in shown
    assert "1:00\u2009–\u20094:00\u202fPM" in shown  # the plan as it is now
    assert await events_of(world, me) == before
    assert adaptive_cards(booked)  # the booked card itself is still the member's


async def rebooked(world: World, plan_id: str, *, revision: int) -> bool:
    async with world.runtime.services.uow() as tx:
        progress = await tx.plans.progress(plan_id, revision)
    return progress is not None and progress.state is RunState.FINISHED


async def events_of(world: World, user_id: str) -> list[tuple[str, str, str]]:
    """Every event in the mailbox as (id, start, type): what a second booking would change."""
    stored = await world.graph("GET", f"/_emulator/objects/events?mailbox={user_id}")
    return sorted((e["id"], e["start"]["dateTime"], e["type"]) for e in stored.get(user_id, [])
                  if not e.get("isCancelled"))
