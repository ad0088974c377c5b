"""The learning report in Teams (issue 13): `report` (and the sv/nl/de words) shows the owner's
plan's report (the whole team's a button away), or their plans to choose from; `my learning`
shows a person their own."""

from __future__ import annotations

from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState

from cards import verbs
from teams_app.bot.reports import handlers
from teams_app.bot.routing import route
from teams_app.ports.services import Services


def register(app: AgentApplication[TurnState], services: Services) -> None:
    route(app, verbs.REPORT_SHOW, handlers.on_report, services)
    route(app, verbs.REPORT_TEAM, handlers.on_team_report, services)
    route(app, verbs.MY_LEARNING, handlers.on_my_learning, services)

    @app.message(handlers.REPORT_WORDS)
    async def on_report_typed(context: TurnContext, _state: TurnState) -> None:
        await handlers.on_report_typed(context, services)

    @app.message(handlers.MY_LEARNING_WORDS)
    async def on_my_learning_typed(context: TurnContext, _state: TurnState) -> None:
        await handlers.on_my_learning_typed(context, services)
