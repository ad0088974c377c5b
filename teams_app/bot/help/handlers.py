"""Welcome, help, and the answer to anything the bot did not understand.

The welcome is claimed in the delivery log before it is sent: Teams sends installationUpdate
and conversationUpdate together on install (and the Playground on every page load), and exactly
one of those turns may greet.
"""

from __future__ import annotations

import functools
from typing import Any

import structlog
from microsoft_agents.hosting.core import TurnContext

from cards import Translator, help_card, welcome_card
from teams_app.bot import presenters
from teams_app.bot.routing import card_message, translator_of
from teams_app.bot.turns import bot_was_added, conversation_ref_of, person_name
from teams_app.domain.conversations import ConversationKind
from teams_app.ports.services import Services

log = structlog.get_logger()


async def on_installation_update(context: TurnContext, services: Services) -> None:
    action = (context.activity.action or "").lower()
    if action.startswith("add"):
        await send_welcome(context, services)


async def on_conversation_update(context: TurnContext, services: Services) -> None:
    if bot_was_added(context.activity):
        await send_welcome(context, services)


@functools.lru_cache(maxsize=64)
def _help(t: Translator, *, not_understood: bool) -> tuple[dict[str, Any], str]:
    """The help card and its summary: the same for everyone who speaks the language, so built
    once per language (and notice); the cards are shared, never changed once built."""
    view = presenters.help_view(t, not_understood=not_understood)
    return help_card(view), view.title


async def on_help(context: TurnContext, services: Services, _data: Any) -> dict[str, Any]:
    return _help(translator_of(context, services), not_understood=False)[0]


async def on_unknown_action(
    context: TurnContext, services: Services, _data: Any
) -> dict[str, Any]:
    # A card from an older version, or a verb we no longer know: show what still works.
    return _help(translator_of(context, services), not_understood=True)[0]


async def on_message(context: TurnContext, services: Services) -> None:
    words = (context.activity.text or "").strip().lower().strip(".!")
    await send_help(context, services, not_understood=words not in presenters.HELP_WORDS)


async def send_help(
    context: TurnContext, services: Services, *, not_understood: bool = False
) -> None:
    card, summary = _help(translator_of(context, services), not_understood=not_understood)
    await context.send_activity(card_message(card, summary))


async def send_welcome(context: TurnContext, services: Services) -> None:
    ref = conversation_ref_of(context.activity)
    if ref is None:
        return
    key = f"welcome:{ref.conversation_id}"
    async with services.uow() as work:
        claimed = await work.deliveries.record(
            key, ref.conversation_id, None, at=services.clock.now()
        )
        await work.commit()
    if not claimed:
        return
    translate = translator_of(context, services)
    name = await person_name(context) if ref.kind is ConversationKind.PERSONAL else None
    view = presenters.welcome_view(translate, kind=ref.kind, name=name)
    try:
        response = await context.send_activity(card_message(welcome_card(view), view.title))
    except BaseException:
        async with services.uow() as work:
            await work.deliveries.release(key)  # the next install event may try again
            await work.commit()
        raise
    async with services.uow() as work:
        await work.deliveries.confirm(key, response.id if response else None)
        await work.commit()
    log.info("welcome_sent", conversation_kind=ref.kind.value)
