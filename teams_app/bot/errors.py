"""What a person sees when a turn fails: a short message in their language, never a trace.
The log gets the exception's type and where, never its message (it may carry names)."""

from __future__ import annotations

from http import HTTPStatus

import structlog
from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    AdaptiveCardInvokeResponse,
    InvokeResponse,
)
from microsoft_agents.hosting.core import TurnContext

from teams_app import telemetry
from teams_app.bot.routing import translator_of
from teams_app.logs import exception_fields
from teams_app.ports import ExternalServiceError
from teams_app.ports.services import Services

log = structlog.get_logger()


async def on_turn_failed(context: TurnContext, services: Services, error: Exception) -> None:
    log.error("turn_failed", **exception_fields(error))
    unavailable = isinstance(error, ExternalServiceError)
    telemetry.turn_failed(error, outcome="unavailable" if unavailable else "failed")
    translate = translator_of(context, services)
    key = "error.unavailable" if unavailable else "error.generic"
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


async def on_unhandled(context: TurnContext, services: Services, error: Exception) -> None:
    # Replaces the SDK's default, which sends "Exception caught : <message>" to the person.
    log.error("turn_error_unhandled", **exception_fields(error))
    if context.activity.type == ActivityTypes.invoke:
        return
    try:
        await context.send_activity(translator_of(context, services)("error.generic"))
    except Exception as send_error:  # the channel itself is down: nothing left to tell
        log.error("error_reply_failed", error_type=type(send_error).__name__)
