"""Every plan and member card in Swedish (and a few in English), as the Agents Playground
renders it.

The Playground always sends `en-US`, so a person's other language cannot come from it; here
each card is built in Swedish and sent to the personal chat through the product's own proactive
messenger, the way member cards reach people. The test checks each card arrives valid and saves
a screenshot per card (artifacts/e2e/gallery/) for a person to look at."""

from __future__ import annotations

import pytest

from cards import translator_for
from tests.e2e.conftest import ARTIFACTS, World
from tests.e2e.gallery import show_gallery
from tests.unit.plans.plan_card_views import all_plan_cards

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

GALLERY = ARTIFACTS / "gallery"
# Who cannot be reached, and the team session's cards.
ENGLISH_TOO = ("plans", "summary", "collision-team", "collision-attendee")


async def test_every_plan_and_member_card_renders_in_swedish(world: World) -> None:
    # Every card in Swedish; the ones this issue changed in English too.
    english = {f"en-{name}": card for name, card in all_plan_cards(translator_for("en")).items()
               if name in ENGLISH_TOO}
    swedish = {f"sv-{name}": card for name, card in all_plan_cards(translator_for("sv")).items()}
    await show_gallery(world, {**swedish, **english}, GALLERY, whole=lambda _name: False,
                       least_bytes=20_000)
