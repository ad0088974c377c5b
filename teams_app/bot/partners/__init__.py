"""Learning partners in Teams (issue 13): `partners`, pairing a plan, the coaching check-in."""

from __future__ import annotations

from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState

from cards import verbs
from teams_app.bot.partners import handlers
from teams_app.bot.routing import route
from teams_app.ports.services import Services


def register(app: AgentApplication[TurnState], services: Services) -> None:
    route(app, verbs.PARTNERS_PAIR, handlers.on_pair, services)
    route(app, verbs.PARTNER_CHECK_IN, handlers.on_check_in, services)

    @app.message(handlers.PARTNERS_WORDS)
    async def on_partners_typed(context: TurnContext, _state: TurnState) -> None:
        await handlers.on_partners_typed(context, services)
