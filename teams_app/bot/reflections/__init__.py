"""Reflection rounds in Teams (docs/reflections.md): a meeting's end event and `reflect` start a
round; the reflection card's Send and refresh; the follow-up card's Send, "ask me again" and
refresh."""

from __future__ import annotations

from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState

from cards import verbs
from teams_app.bot.reflections import follow_ups, handlers
from teams_app.bot.routing import route
from teams_app.ports.services import Services


def register(app: AgentApplication[TurnState], services: Services) -> None:
    @app.event(handlers.MEETING_END)
    async def on_meeting_end(context: TurnContext, _state: TurnState) -> None:
        await handlers.on_meeting_end(context, services)

    @app.message(handlers.REFLECT_WORDS)
    async def on_reflect_typed(context: TurnContext, _state: TurnState) -> None:
        await handlers.on_reflect_typed(context, services)

    route(app, verbs.REFLECTION_SUBMIT, handlers.on_reflection_submit, services)
    route(app, verbs.REFLECTION_REFRESH, handlers.on_reflection_refresh, services)
    route(app, verbs.FOLLOW_UP_SUBMIT, follow_ups.on_follow_up_submit, services)
    route(app, verbs.FOLLOW_UP_AGAIN, follow_ups.on_follow_up_again, services)
    route(app, verbs.FOLLOW_UP_REFRESH, follow_ups.on_follow_up_refresh, services)
