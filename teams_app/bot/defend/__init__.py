"""The defend capability in Teams: the member's Move, Keep and Skip on a collision card."""

from __future__ import annotations

from microsoft_agents.hosting.core import AgentApplication, TurnState

from cards import verbs
from teams_app.bot.defend import handlers
from teams_app.bot.routing import route
from teams_app.ports.services import Services


def register(app: AgentApplication[TurnState], services: Services) -> None:
    route(app, verbs.SLOT_MOVE, handlers.on_move, services)
    route(app, verbs.SLOT_KEEP, handlers.on_keep, services)
    route(app, verbs.SLOT_SKIP, handlers.on_skip, services)
