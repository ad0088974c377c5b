"""Welcome on install, help, and the catch-alls for what no capability understood."""

from __future__ import annotations

import re
from typing import Any

from microsoft_agents.activity import ActivityTypes, AdaptiveCardInvokeResponse
from microsoft_agents.hosting.core import AgentApplication, RouteRank, TurnContext, TurnState

from cards import verbs
from teams_app.bot.help import handlers
from teams_app.bot.routing import invoke_answer
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
