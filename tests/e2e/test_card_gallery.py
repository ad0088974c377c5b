"""Every plan and member card in Swedish (and a few in English), as the Agents Playground
renders it.

The Playground always sends `en-US`, so a person's other language cannot come from it; here
each card is built in Swedish and sent to the personal chat through the product's own proactive
messenger, the way member cards reach people. The test checks each card arrives valid and saves
a screenshot per card (artifacts/e2e/gallery/) for a person to look at."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from cards import translator_for
from teams_app.domain.messages import OutboundMessage
from tests.card_schema import assert_valid_card
from tests.card_texts import texts
from tests.e2e.conftest import ARTIFACTS, World, require_browser
from tests.e2e.playground_client import adaptive_cards
from tests.e2e.screenshots import screenshot, wait_for_file
from tests.unit.plans.plan_card_views import all_plan_cards

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

GALLERY = ARTIFACTS / "gallery"
# Who cannot be reached, and the team session's cards.
ENGLISH_TOO = ("plans", "summary", "collision-team", "collision-attendee")


async def test_every_plan_and_member_card_renders_in_swedish(world: World) -> None:
    require_browser()
    pg, services = world.playground, world.runtime.services
    # A person who has talked to the app: their chat is known, as after any first message.
    mark = pg.mark()
    await pg.send_text(pg.personal_chat_id, pg.current_user_id, "help")
    await pg.wait_for_message(pg.personal_chat_id, lambda m: bool(adaptive_cards(m)),
                              since=mark, timeout=30)
    async with services.uow() as tx:
        chat = await tx.conversations.personal_chat_of(pg.current_user_aad_id)
    assert chat is not None

    # Every card in Swedish; the ones this issue changed in English too.
    english = {f"en-{name}": card for name, card in all_plan_cards(translator_for("en")).items()
               if name in ENGLISH_TOO}
    swedish = {f"sv-{name}": card for name, card in all_plan_cards(translator_for("sv")).items()}
    for name, card in {**swedish, **english}.items():
        # The page shows what arrives while it is open: open it, then send the card.
        ready = ARTIFACTS / f"ready-{uuid.uuid4().hex}"
        shot = asyncio.create_task(screenshot(
            world.url, GALLERY / f"{name}.png", card_text=first_text(card),
            ready_file=ready, timeout=60))
        await wait_for_file(ready, shot)
        mark = pg.mark()
        await services.messenger.send(chat, OutboundMessage(card=card, summary=name))
        message = await pg.wait_for_message(pg.personal_chat_id, lambda m: bool(adaptive_cards(m)),
                                            since=mark, timeout=30)
        (shown,) = adaptive_cards(message)
        assert shown == card  # what the Playground holds is the card as built
        assert_valid_card(shown)
        assert (await shot).stat().st_size > 20_000


def first_text(card: dict[str, Any]) -> str:
    """The card's first TextBlock text: what the screenshot waits to see."""
    return texts(card).splitlines()[0]
