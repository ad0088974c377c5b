"""How a capability's card verbs reach its handlers, and the shapes of a card answer.

A card handler is a module-level function of (context, services, data) that returns the card
as it should look now. `route` registers it twice: for Action.Execute (Universal Actions: the
card is replaced in place by the invoke's answer) and for the Action.Submit fallback of clients
without them (the same answer arrives as a message; the card follows as a new message).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    AdaptiveCardInvokeResponse,
    Attachment,
    InvokeResponse,
)
from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState

from cards import Translator
from cards.elements import CONTENT_TYPE as ADAPTIVE_CARD
from teams_app.domain.conversations import ConversationKind
from teams_app.ports.services import Services

CardHandler = Callable[[TurnContext, Services, Any], Awaitable[dict[str, Any]]]


def route(
    app: AgentApplication[TurnState], verb: str, handler: CardHandler, services: Services
) -> None:
    @app.adaptive_card.action_execute(verb)
    async def on_execute(
        context: TurnContext, _state: TurnState, data: Any
    ) -> AdaptiveCardInvokeResponse:
        return invoke_answer(await handler(context, services, data))

    @app.adaptive_card.action_submit(verb)
    async def on_submit(context: TurnContext, _state: TurnState, data: Any) -> None:
        await context.send_activity(card_message(await handler(context, services, data)))


CARD_ACTION = "adaptiveCard/action"  # the invoke of Action.Execute (Universal Actions)


def unreadable_card_action(activity: Activity) -> bool:
    """A card action the SDK's card routes would take by its verb and then refuse (another
    action type) or never take (a verb that is no string, data that is no object): these get
    the card that says what still works, before any route sees them."""
    if activity.type != ActivityTypes.invoke or activity.name != CARD_ACTION:
        return False
    value = activity.value
    action = value.get("action") if isinstance(value, dict) else None
    if not isinstance(action, dict):
        return True
    data = action.get("data")
    return (
        action.get("type") != "Action.Execute"
        or not isinstance(action.get("verb"), str)
        or not (data is None or isinstance(data, dict))
    )


def invoke_answer(card: dict[str, Any]) -> AdaptiveCardInvokeResponse:
    return AdaptiveCardInvokeResponse(status_code=HTTPStatus.OK, type=ADAPTIVE_CARD, value=card)


async def send_invoke_answer(context: TurnContext, card: dict[str, Any]) -> None:
    """The invoke response of a raw route (what the SDK sends for its card routes)."""
    answer = invoke_answer(card)
    await context.send_activity(Activity(
        type=ActivityTypes.invoke_response,
        value=InvokeResponse(
            status=int(HTTPStatus.OK),
            body=answer.model_dump(mode="json", by_alias=True, exclude_none=True),
        ),
    ))


async def send_invoke_refusal(context: TurnContext, code: str, message: str) -> None:
    await context.send_activity(Activity(
        type=ActivityTypes.invoke_response,
        value=InvokeResponse(
            status=int(HTTPStatus.BAD_REQUEST),
            body={"error": {"code": code, "message": message}},
        ),
    ))


class _SentAsBuilt(dict[str, Any]):
    """A card on its way out. The SDK deep-copies each activity it sends, so that its own edits
    (ids, the conversation reference) never reach the sender's object; none of them touches an
    attachment's content, and a card is never changed once built (cached ones are shared), so
    copying it, most of a card message, bought nothing (5 % of a first message's CPU)."""

    def __deepcopy__(self, _memo: dict[int, Any]) -> _SentAsBuilt:
        return self


def card_message(card: dict[str, Any], summary: str | None = None) -> Activity:
    activity = Activity(
        type=ActivityTypes.message,
        attachments=[Attachment(content_type=ADAPTIVE_CARD, content=_SentAsBuilt(card))],
    )
    if summary is not None:  # the SDK refuses an explicit None
        activity.summary = summary
    return activity


def translator_of(context: TurnContext, services: Services) -> Translator:
    """The person's language, from the locale of what they sent."""
    return services.renderer.translator(context.activity.locale)


def sender_of(context: TurnContext) -> str:
    sender = context.activity.from_property
    if sender is None:
        return ""
    return sender.aad_object_id or sender.id or ""


def is_personal(context: TurnContext) -> bool:
    conversation = context.activity.conversation
    kind = conversation.conversation_type if conversation is not None else None
    return ConversationKind.parse(kind) is ConversationKind.PERSONAL
