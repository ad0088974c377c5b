"""The AgentApplication: routes activities to handlers. Every turn ends with an answer or a
deliberate silence (typing, reactions); errors end with a friendly message, never a trace."""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from http import HTTPStatus
from typing import Any

import structlog
from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    AdaptiveCardInvokeResponse,
    Attachment,
    InvokeResponse,
)
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    AgentApplication,
    ApplicationOptions,
    MemoryStorage,
    RouteRank,
    TurnContext,
    TurnState,
)
from microsoft_agents.hosting.core.authorization import Connections

from cards import help_card, verbs, welcome_card
from cards.elements import CONTENT_TYPE as ADAPTIVE_CARD
from teams_app.bot import presenters
from teams_app.bot.defend import handlers as slots
from teams_app.bot.plans import handlers as plans
from teams_app.bot.turns import bot_was_added, conversation_ref_of, person_name
from teams_app.domain.conversations import ConversationKind
from teams_app.logs import exception_fields
from teams_app.ports import ExternalServiceError
from teams_app.ports.services import Services
from teams_app.use_cases.conversations import remember_conversation

log = structlog.get_logger()
_REMEMBERED_CAP = 50_000
_TURN_STARTED = "learning_loop.turn_started"


def card_activity(card: dict[str, Any], summary: str | None = None) -> Activity:
    return Activity(
        type=ActivityTypes.message,
        attachments=[Attachment(content_type=ADAPTIVE_CARD, content=card)],
        summary=summary,
    )


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
    renderer = services.renderer
    remembered: OrderedDict[str, tuple[Any, ...]] = OrderedDict()

    def t(context: TurnContext) -> Any:
        return renderer.translator(context.activity.locale)

    @app.before_turn
    async def on_before_turn(context: TurnContext, _state: TurnState) -> bool:
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(activity_type=context.activity.type)
        context.turn_state[_TURN_STARTED] = time.perf_counter()
        ref = conversation_ref_of(context.activity)
        if ref is None:
            return True
        # Skip the write when nothing changed: most turns come from known conversations.
        fingerprint = (ref.kind, ref.user_id, ref.tenant_id, ref.service_url, ref.locale)
        if remembered.get(ref.conversation_id) != fingerprint:
            await remember_conversation(ref, uow=services.uow, clock=services.clock)
            remembered[ref.conversation_id] = fingerprint
            while len(remembered) > _REMEMBERED_CAP:
                remembered.popitem(last=False)
        return True

    @app.after_turn
    async def on_after_turn(context: TurnContext, _state: TurnState) -> bool:
        started = context.turn_state.get(_TURN_STARTED)
        # One line per turn: what kind of activity, how long; never what was said.
        log.info(
            "turn_handled",
            duration_ms=round((time.perf_counter() - started) * 1000, 1) if started else None,
        )
        return True

    async def send_welcome(context: TurnContext) -> None:
        ref = conversation_ref_of(context.activity)
        if ref is None:
            return
        key = f"welcome:{ref.conversation_id}"
        # Teams sends installationUpdate and conversationUpdate together on install (and the
        # Playground on every page load): claim the welcome first so exactly one turn sends it.
        async with services.uow() as work:
            claimed = await work.deliveries.record(
                key, ref.conversation_id, None, at=services.clock.now()
            )
            await work.commit()
        if not claimed:
            return
        translate = t(context)
        name = await person_name(context) if ref.kind is ConversationKind.PERSONAL else None
        view = presenters.welcome_view(translate, kind=ref.kind, name=name)
        try:
            response = await context.send_activity(card_activity(welcome_card(view), view.title))
        except BaseException:
            async with services.uow() as work:
                await work.deliveries.release(key)  # the next install event may try again
                await work.commit()
            raise
        async with services.uow() as work:
            await work.deliveries.confirm(key, response.id if response else None)
            await work.commit()
        log.info("welcome_sent", conversation_kind=ref.kind.value)

    @app.installation_update()
    async def on_installation_update(context: TurnContext, _state: TurnState) -> None:
        action = (context.activity.action or "").lower()
        if action.startswith("add"):
            await send_welcome(context)

    @app.activity(ActivityTypes.conversation_update)
    async def on_conversation_update(context: TurnContext, _state: TurnState) -> None:
        if bot_was_added(context.activity):
            await send_welcome(context)

    async def send_help(context: TurnContext, *, not_understood: bool = False) -> None:
        translate = t(context)
        view = presenters.help_view(translate, not_understood=not_understood)
        await context.send_activity(card_activity(help_card(view), view.title))

    @app.adaptive_card.action_submit(verbs.HELP_SHOW)
    async def on_help_submit(context: TurnContext, _state: TurnState, _data: Any) -> None:
        await send_help(context)

    @app.adaptive_card.action_execute(verbs.HELP_SHOW)
    async def on_help_execute(
        context: TurnContext, _state: TurnState, _data: Any
    ) -> AdaptiveCardInvokeResponse:
        view = presenters.help_view(t(context))
        return AdaptiveCardInvokeResponse(
            status_code=HTTPStatus.OK, type=ADAPTIVE_CARD, value=help_card(view)
        )

    slots.register(app, services)  # Move, Keep, Skip on a member's collision card
    plans.register(app, services)  # plan, plans and the manager's plan card verbs

    # Catch-alls rank last: routes of equal rank have no defined order in the SDK.
    @app.adaptive_card.action_execute(re.compile(".*"), rank=RouteRank.LAST)
    async def on_unknown_execute(
        context: TurnContext, _state: TurnState, _data: Any
    ) -> AdaptiveCardInvokeResponse:
        # A card from an older version, or a verb we no longer know: show what still works.
        view = presenters.help_view(t(context), not_understood=True)
        return AdaptiveCardInvokeResponse(
            status_code=HTTPStatus.OK, type=ADAPTIVE_CARD, value=help_card(view)
        )

    @app.message(rank=RouteRank.LAST)
    async def on_message(context: TurnContext, _state: TurnState) -> None:
        words = (context.activity.text or "").strip().lower().strip(".!")
        await send_help(context, not_understood=words not in presenters.HELP_WORDS)

    @app.error
    async def on_error(context: TurnContext, error: Exception) -> None:
        log.error("turn_failed", **exception_fields(error))
        translate = t(context)
        key = "error.unavailable" if isinstance(error, ExternalServiceError) else "error.generic"
        if context.activity.type == ActivityTypes.invoke:
            # An invoke must be answered in its HTTP response; Teams shows this text on the card.
            await context.send_activity(
                Activity(
                    type=ActivityTypes.invoke_response,
                    value=InvokeResponse(
                        status=HTTPStatus.OK,
                        body=AdaptiveCardInvokeResponse(
                            status_code=HTTPStatus.OK,
                            type="application/vnd.microsoft.activity.message",
                            value=translate(key),
                        ).model_dump(by_alias=True, exclude_none=True, mode="json"),
                    ),
                )
            )
            return
        try:
            await context.send_activity(translate(key))
        except Exception as send_error:  # the channel itself is down: nothing left to tell
            log.error("error_reply_failed", error_type=type(send_error).__name__)

    async def last_resort(context: TurnContext, error: Exception) -> None:
        # Replaces the SDK's default, which sends "Exception caught : <message>" to the person.
        log.error("turn_error_unhandled", **exception_fields(error))
        if context.activity.type == ActivityTypes.invoke:
            return
        try:
            await context.send_activity(t(context)("error.generic"))
        except Exception as send_error:  # the channel itself is down: nothing left to tell
            log.error("error_reply_failed", error_type=type(send_error).__name__)

    adapter.on_turn_error = last_resort
    return app
