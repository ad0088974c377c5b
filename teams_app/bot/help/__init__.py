"""Welcome on install, help, and the catch-alls for what no capability understood."""

from __future__ import annotations

import re
from typing import Any

from microsoft_agents.activity import ActivityTypes, AdaptiveCardInvokeResponse
from microsoft_agents.hosting.core import AgentApplication, RouteRank, TurnContext, TurnState

from cards import verbs
from teams_app.bot.help import handlers
from teams_app.bot.routing import (
    CARD_ACTION,
    invoke_answer,
    send_invoke_answer,
    send_invoke_refusal,
    unreadable_card_action,
)
from teams_app.ports.services import Services


def register(app: AgentApplication[TurnState], services: Services) -> None:
    @app.installation_update()
    async def on_installation_update(context: TurnContext, _state: TurnState) -> None:
        await handlers.on_installation_update(context, services)

    @app.activity(ActivityTypes.conversation_update)
    async def on_conversation_update(context: TurnContext, _state: TurnState) -> None:
        await handlers.on_conversation_update(context, services)

    @app.adaptive_card.action_execute(verbs.HELP_SHOW)
    async def on_help_execute(
        context: TurnContext, _state: TurnState, data: Any
    ) -> AdaptiveCardInvokeResponse:
        return invoke_answer(await handlers.on_help(context, services, data))

    @app.adaptive_card.action_submit(verbs.HELP_SHOW)
    async def on_help_submit(context: TurnContext, _state: TurnState, _data: Any) -> None:
        await handlers.send_help(context, services)


async def answered_unreadable_action(context: TurnContext, services: Services) -> bool:
    """Before any route: True when the turn was a card action no route can read, now answered
    with the card that says what still works (the turn ends there)."""
    if not unreadable_card_action(context.activity):
        return False
    await send_invoke_answer(context, await handlers.on_unknown_action(context, services, None))
    return True


def register_catch_alls(app: AgentApplication[TurnState], services: Services) -> None:
    """Registered after every capability and ranked last: routes of equal rank have no defined
    order in the SDK."""

    @app.adaptive_card.action_execute(re.compile(".*"), rank=RouteRank.LAST)
    async def on_unknown_execute(
        context: TurnContext, _state: TurnState, data: Any
    ) -> AdaptiveCardInvokeResponse:
        return invoke_answer(await handlers.on_unknown_action(context, services, data))

    @app.message(rank=RouteRank.LAST)
    async def on_message(context: TurnContext, _state: TurnState) -> None:
        await handlers.on_message(context, services)

    # Invokes this app never declared (task modules, message extensions, ...): a clear 400
    # instead of the SDK's 501, which reads as a failure of the service.
    def other_invoke(context: TurnContext) -> bool:
        activity = context.activity
        return activity.type == ActivityTypes.invoke and activity.name != CARD_ACTION

    async def on_other_invoke(context: TurnContext, _state: TurnState) -> None:
        await send_invoke_refusal(context, "NotSupported", "Learning Loop does not handle this.")

    app.add_route(other_invoke, on_other_invoke, is_invoke=True, rank=RouteRank.LAST)
