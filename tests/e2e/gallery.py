"""Showing a set of cards in the Agents Playground, one after the other, through the product's
proactive messenger (the Playground itself only speaks en-US), each screenshotted as it renders
for a person to look at.

A screenshot costs a browser run of several seconds; the galleries hold about a hundred cards.
Under CI (`CI=true`) every card is still sent through the Playground and must arrive exactly as
built, but only each gallery's first card is screenshotted, which proves the rendering works and
keeps the suite short; run `scripts/test tests/e2e` locally for every picture."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from teams_app.domain.messages import OutboundMessage
from tests.card_schema import assert_valid_card
from tests.card_texts import texts
from tests.e2e.conftest import ARTIFACTS, World, require_browser
from tests.e2e.playground_client import adaptive_cards
from tests.e2e.screenshots import screenshot, wait_for_file


async def show_gallery(world: World, cards: dict[str, dict[str, Any]], folder: Path, *,
                       whole: Callable[[str], bool] = lambda _name: True,
                       least_bytes: int = 5_000) -> None:
    """Sends every card to the Playground user's personal chat and screenshots it into
    `folder/<name>.png`, the whole card where `whole(name)` (else what the window shows); each
    must arrive exactly as built and render to a picture of at least `least_bytes`."""
    require_browser()
    pg, services = world.playground, world.runtime.services
    mark = pg.mark()
    await pg.send_text(pg.personal_chat_id, pg.current_user_id, "help")
    await pg.wait_for_message(pg.personal_chat_id, lambda m: bool(adaptive_cards(m)),
                              since=mark, timeout=30)
    async with services.uow() as tx:
        chat = await tx.conversations.personal_chat_of(pg.current_user_aad_id)
    assert chat is not None
    every = os.environ.get("CI", "").lower() not in ("true", "1")
    for number, (name, card) in enumerate(cards.items()):
        assert_valid_card(card)
        shot = None
        if every or number == 0:
            ready = ARTIFACTS / f"ready-{uuid.uuid4().hex}"
            shot = asyncio.create_task(screenshot(
                world.url, folder / f"{name}.png", card_text=texts(card).splitlines()[0],
                ready_file=ready, whole_card=whole(name), timeout=60))
            await wait_for_file(ready, shot)
        mark = pg.mark()
        await services.messenger.send(chat, OutboundMessage(card=card, summary=name))
        message = await pg.wait_for_message(pg.personal_chat_id, lambda m: bool(adaptive_cards(m)),
                                            since=mark, timeout=30)
        (shown,) = adaptive_cards(message)
        assert shown == card
        if shot is not None:
            assert (await shot).stat().st_size > least_bytes  # a picture, not a blank page
