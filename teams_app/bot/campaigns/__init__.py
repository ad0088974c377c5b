"""Campaigns in Teams (issue 12): answering a campaign's form card (Send, Edit, and the card's
refresh), and the presenters that turn a form into its cards in the person's language."""

from __future__ import annotations

from microsoft_agents.hosting.core import AgentApplication, TurnState

from cards import verbs
from teams_app.bot.campaigns import handlers
from teams_app.bot.routing import route
from teams_app.ports.services import Services


def register(app: AgentApplication[TurnState], services: Services) -> None:
    route(app, verbs.FORM_SUBMIT, handlers.on_form_submit, services)
    route(app, verbs.FORM_EDIT, handlers.on_form_edit, services)
    route(app, verbs.FORM_REFRESH, handlers.on_form_refresh, services)
