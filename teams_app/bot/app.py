"""The AgentApplication: turn hooks and routes only. Each capability registers its own handlers
(bot/<capability>/__init__.py); every turn ends with an answer or a deliberate silence (typing,
reactions); errors end with a friendly message, never a trace (bot/errors.py)."""

from __future__ import annotations

import time
from typing import Self

import structlog
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    AgentApplication,
    ApplicationOptions,
    MemoryStorage,
    Storage,
    TurnContext,
    TurnState,
)
from microsoft_agents.hosting.core.authorization import Connections

from teams_app.bot import (
    campaigns,
    defend,
    errors,
    help,
    partners,
    plans,
    privacy,
    reflections,
    reports,
)
from teams_app.bot.conversations import ConversationMemory
from teams_app.logs import bounded
from teams_app.ports.services import Services

log = structlog.get_logger()
_TURN_STARTED = "learning_loop.turn_started"


class TempOnlyTurnState(TurnState):
    """The SDK's turn state without loading or saving its conversation and user scopes: this
    bot keeps its state in SQL and no handler reads them, so reading them from the SDK's store
    before each turn and comparing them after kept nothing (3 % of a message's CPU). The temp
    scope, which the SDK itself fills during a turn, is there as before."""

    async def load(self, context: TurnContext, storage: Storage | None = None) -> Self:
        return self

    async def save(self, turn_context: TurnContext, force: bool = False) -> None:
        return None


def create_agent_app(
    services: Services, adapter: CloudAdapter, connections: Connections
) -> AgentApplication[TurnState]:
    app = AgentApplication[TurnState](
        ApplicationOptions(
            adapter=adapter,
            bot_app_id=services.settings.app_id or "",
            # The SDK needs a store for turn state; this bot keeps all of its own state in SQL.
            storage=MemoryStorage(),
            start_typing_timer=False,
        ),
        connection_manager=connections,
    )
    app.set_turn_state_factory(TempOnlyTurnState)
    memory = ConversationMemory(services)

    @app.before_turn
    async def on_before_turn(context: TurnContext, _state: TurnState) -> bool:
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(activity_type=bounded(context.activity.type, 40))
        context.turn_state[_TURN_STARTED] = time.perf_counter()
        await memory.remember(context)
        return not await help.answered_unreadable_action(context, services)

    @app.after_turn
    async def on_after_turn(context: TurnContext, _state: TurnState) -> bool:
        started = context.turn_state.get(_TURN_STARTED)
        # One line per turn: what kind of activity, how long; never what was said.
        log.info(
            "turn_handled",
            duration_ms=round((time.perf_counter() - started) * 1000, 1) if started else None,
        )
        return True

    help.register(app, services)  # welcome on install, help
    defend.register(app, services)  # Move, Keep, Skip on a member's collision card
    plans.register(app, services)  # plan, plans and the manager's plan card verbs
    campaigns.register(app, services)  # answering a campaign's form card
    reports.register(app, services)  # a plan's learning report, and my learning
    privacy.register(app, services)  # my data: see, download, erase
    partners.register(app, services)  # learning partners: pairing, who, check-ins
    reflections.register(app, services)  # meeting end, reflect, reflection and follow-up cards
    help.register_catch_alls(app, services)  # what no capability understood: help

    @app.error
    async def on_error(context: TurnContext, error: Exception) -> None:
        await errors.on_turn_failed(context, services, error)

    async def last_resort(context: TurnContext, error: Exception) -> None:
        await errors.on_unhandled(context, services, error)

    adapter.on_turn_error = last_resort
    return app
