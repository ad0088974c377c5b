"""End to end through the Microsoft 365 Agents Playground's HTTP and WebSocket API."""

from __future__ import annotations

from datetime import timedelta

import pytest

from teams_app.use_cases.notifications import Recipient, ScheduleNotification, schedule_notification
from tests.card_schema import assert_valid_card
from tests.e2e.conftest import ARTIFACTS, World, require_browser
from tests.e2e.playground_client import adaptive_cards, card_contains, has_card
from tests.e2e.screenshots import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


async def test_install_gets_a_welcome_card(world: World) -> None:
    pg = world.playground
    await pg.install(pg.personal_chat_id)
    message = await pg.wait_for_message(
        pg.personal_chat_id, card_contains("Welcome to Learning Loop")
    )
    (card,) = adaptive_cards(message)
    assert_valid_card(card)
    assert "Ingrid" in str(card)  # greeted by name, from the Playground's current user

    # Installing again (the Playground does it on every page load) does not greet twice.
    mark = pg.mark()
    await pg.install(pg.personal_chat_id)
    await pg.send_text(pg.personal_chat_id, pg.current_user_id, "help")
    await pg.wait_for_message(pg.personal_chat_id, card_contains("How it works"), since=mark)
    welcomes = [m for m in pg.messages(pg.personal_chat_id)
                if "Welcome to Learning Loop" in str(adaptive_cards(m))]
    assert len(welcomes) == 1


async def test_help_and_unknown_text_get_the_help_card(world: World) -> None:
    pg = world.playground
    await pg.send_text(pg.personal_chat_id, pg.current_user_id, "help")
    message = await pg.wait_for_message(pg.personal_chat_id, card_contains("What you can type"))
    assert "did not understand" not in str(adaptive_cards(message))

    await pg.send_text(pg.personal_chat_id, pg.current_user_id, "book me a flight")
    message = await pg.wait_for_message(pg.personal_chat_id, card_contains("did not understand"))
    assert has_card(message)


async def test_help_in_a_group_chat_when_mentioned(world: World) -> None:
    pg = world.playground
    await pg.send_text(pg.group_chat_id, pg.current_user_id, "help")
    await pg.wait_for_message(pg.group_chat_id, card_contains("What you can type"))


async def test_welcome_button_action_execute_returns_the_help_card(world: World) -> None:
    pg = world.playground
    welcome = next(m for m in pg.messages(pg.personal_chat_id)
                   if "Welcome to Learning Loop" in str(adaptive_cards(m)))
    response = await pg.invoke_execute(pg.personal_chat_id, pg.current_user_id,
                                       str(welcome["messageId"]), "help.show",
                                       {"verb": "help.show"})
    assert response["type"] == "application/vnd.microsoft.card.adaptive"
    assert_valid_card(response["value"])
    assert "What you can type" in str(response["value"])


async def test_a_proactive_message_from_a_job_arrives(world: World) -> None:
    pg = world.playground
    runtime = world.runtime
    later = runtime.clock.now()
    await schedule_notification(
        ScheduleNotification(Recipient(user_id=pg.current_user_aad_id), "help", "e2e-nudge",
                             at=later + timedelta(days=14)),
        uow=runtime.services.uow,
    )
    mark = pg.mark()
    await runtime.advance_clock(timedelta(days=14))  # "two weeks later", now
    message = await pg.wait_for_message(pg.personal_chat_id, card_contains("What you can type"),
                                        since=mark, timeout=15)
    assert has_card(message)


async def test_the_help_card_as_a_person_sees_it(world: World) -> None:
    require_browser()
    out = await screenshot(world.url, ARTIFACTS / "help-card.png", "help")
    assert out.stat().st_size > 20_000
