"""A member's side, end to end: as `learning-loop demo --also-as` runs it, a second Agents
Playground whose current user is a member of the lead's team. The lead books a plan for that
member and for a colleague who has no Playground and never chatted with the bot; the member sees
"your learning time is booked" in their own Teams, in the language of their Outlook (Swedish: the
Playground's installation event says nothing of it), presses Leave there, and the lead's Teams
gets the card that they left, in English, as the lead writes. Screenshots of the member's cards
go to artifacts/e2e/."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest

from cards import plan_fields as f
from cards import translator_for, verbs
from graph import demo_org
from teams_app.local.playground import PlaygroundProcess
from teams_app.local.playground_config import personal_chat_id
from teams_app.use_cases.plans.booked_cards import slot_booked_key
from tests.card_schema import assert_valid_card
from tests.card_texts import nodes
from tests.e2e.conftest import ARTIFACTS, World
from tests.e2e.playground_client import PlaygroundClient, adaptive_cards, card_contains
from tests.e2e.screenshots import browser_available, screenshot, wait_for_file
from tests.pg import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

GOAL = "Practise giving feedback with the SBI model"
MEMBER = demo_org.person(demo_org.ERIK_JOHANSSON)  # one of the lead's direct reports
COLLEAGUE = demo_org.SOFIA_BERGSTROM  # no Playground of her own, never wrote to the bot
BOOKED = translator_for(MEMBER.locale)("slot.booked.title")  # his mailbox's: "Din lärtid är bokad"


def verb_action(card: dict[str, Any], verb: str) -> dict[str, Any]:
    found = [n for n in nodes(card) if n.get("verb") == verb]
    assert found, f"no {verb} action on the card"
    return found[0]


async def book_for(world: World, members: list[str]) -> str:
    """As the lead: the plan card, Preview, Book; the plan's id once the summary shows."""
    pg = world.playground
    await pg.send_text(pg.personal_chat_id, pg.current_user_id, "plan")
    message = await pg.wait_for_message(pg.personal_chat_id, card_contains(verbs.PLAN_PREVIEW),
                                        timeout=30)
    card_id = str(message["messageId"])
    today = world.runtime.clock.now().date()
    answers = {
        f.MEMBERS: ",".join(f"{f.MEMBERS_USER_PREFIX}{m}" for m in members),
        f.CADENCE: f.WEEKLY, f.DAYS: "mon,tue,wed,thu,fri",
        f.WINDOW_START: "09:00", f.WINDOW_END: "16:00", f.DURATION: "30",
        f.PREFERENCE: "any", f.MODE: "personal",
        f.STARTS_ON: (today + timedelta(days=7 - today.weekday())).isoformat(),
        f.OCCURRENCES: "3", f.GOAL: GOAL,
    }
    preview = await pg.invoke_execute(pg.personal_chat_id, pg.current_user_id, card_id,
                                      verbs.PLAN_PREVIEW, {"verb": verbs.PLAN_PREVIEW, **answers})
    book = verb_action(preview["value"], verbs.PLAN_BOOK)
    await pg.invoke_execute(pg.personal_chat_id, pg.current_user_id, card_id, verbs.PLAN_BOOK,
                            book["data"])
    await pg.wait_for_message(
        pg.personal_chat_id,
        lambda m: str(m["messageId"]) == card_id and card_contains("2 of 2 people")(m),
        timeout=60,
    )
    return str(book["data"]["plan_id"])


async def test_a_member_sees_their_booked_card_in_their_own_teams_and_leaves(
    world: World,
) -> None:
    lead_pg = world.playground
    await lead_pg.install(lead_pg.personal_chat_id)
    own = PlaygroundProcess(
        bot_endpoint=f"http://127.0.0.1:{world.runtime.settings.port}/api/messages",
        port=free_port(), current_user=MEMBER, time_zone=MEMBER.time_zone,
    )
    info = await own.start()
    try:
        # What Teams does once the app is installed for them: the bot keeps their chat.
        await own.announce_installation(personal_chat_id(MEMBER))
        async with PlaygroundClient(info.url) as member_pg:
            shot = None
            if browser_available() is None:
                ready = ARTIFACTS / f"ready-{uuid.uuid4().hex}"
                shot = asyncio.create_task(screenshot(
                    info.url, ARTIFACTS / "member-booked-card.png", card_text=BOOKED,
                    ready_file=ready, timeout=120))
                await wait_for_file(ready, shot)
            plan_id = await book_for(world, [MEMBER.object_id, COLLEAGUE])

            booked = await member_pg.wait_for_message(
                member_pg.personal_chat_id, card_contains(BOOKED), timeout=30)
            (card,) = adaptive_cards(booked)
            assert_valid_card(card)
            assert GOAL in str(card)
            if shot is not None:
                assert (await shot).stat().st_size > 20_000

            # The colleague was reached too: app installed, chat opened, card accepted.
            installed = await world.graph("GET", "/_emulator/objects/installedApps")
            assert COLLEAGUE in {i["userId"] for i in installed}
            async with world.runtime.services.uow() as tx:
                assert await tx.deliveries.find(slot_booked_key(plan_id, 1, COLLEAGUE))
                assert await tx.occurrences.card_misses(plan_id) == []

            # Leave, in the member's own Teams: the Yes behind the Leave button.
            leave = verb_action(card, verbs.PLAN_LEAVE)
            answer = await member_pg.invoke_execute(
                member_pg.personal_chat_id, member_pg.current_user_id,
                str(booked["messageId"]), verbs.PLAN_LEAVE, leave["data"])
            assert answer["type"] == "application/vnd.microsoft.card.adaptive", answer
            assert_valid_card(answer["value"])
            async with world.runtime.services.uow() as tx:
                slot = await tx.plans.slot(plan_id, MEMBER.object_id, 1)
            assert slot is not None and slot.event_id is not None
            series = await world.graph(
                "GET", f"/users/{MEMBER.object_id}/events?$filter=transactionId eq "
                       f"'{slot.transaction_id}'")
            assert series["value"] == []  # his sessions are gone from his calendar

            # The lead is told, in the lead's own chat.
            title = f"{MEMBER.display_name} left “{GOAL}”"
            left = await lead_pg.wait_for_message(
                lead_pg.personal_chat_id, card_contains(title), since=0, timeout=60)
            (left_card,) = adaptive_cards(left)
            assert_valid_card(left_card)
            assert GOAL in str(left_card)
    finally:
        await own.stop()
