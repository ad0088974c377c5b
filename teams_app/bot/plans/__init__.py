"""The plans capability in Teams: the manager's plan card verbs, a member's Leave, and the words
`plan`, `plans` and `my learning time`."""

from __future__ import annotations

from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState

from cards import verbs
from teams_app.bot.plans import handlers
from teams_app.bot.routing import route
from teams_app.ports.services import Services


def register(app: AgentApplication[TurnState], services: Services) -> None:
    route(app, verbs.PLAN_NEW, handlers.on_new, services)
    route(app, verbs.PLAN_PREVIEW, handlers.on_preview, services)
    route(app, verbs.PLAN_BOOK, handlers.on_book, services)
    route(app, verbs.PLAN_SAVE, handlers.on_save, services)
    route(app, verbs.PLAN_EDIT, handlers.on_edit, services)
    route(app, verbs.PLAN_CANCEL, handlers.on_cancel, services)
    route(app, verbs.PLAN_DISCARD, handlers.on_discard, services)
    route(app, verbs.PLANS_LIST, handlers.on_list, services)
    route(app, verbs.PLAN_LEAVE, handlers.on_leave, services)

    @app.message(handlers.PLAN_WORDS)
    async def on_plan_typed(context: TurnContext, _state: TurnState) -> None:
        await handlers.on_plan_typed(context, services)

    @app.message(handlers.PLANS_WORDS)
    async def on_plans_typed(context: TurnContext, _state: TurnState) -> None:
        await handlers.on_plans_typed(context, services)

    @app.message(handlers.MY_TIME_WORDS)
    async def on_my_time_typed(context: TurnContext, _state: TurnState) -> None:
        await handlers.on_plans_typed(context, services)
