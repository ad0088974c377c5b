"""Reading what the bot needs from an incoming activity, without keeping SDK objects around."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core import TurnContext
from microsoft_agents.hosting.core.connector import ConnectorClientBase

from teams_app.domain.conversations import ConversationKind, ConversationRef
from teams_app.domain.languages import SpokenLanguage, supported_locale

# Turns a person makes. Teams raises installation and conversation updates itself, also for an
# install someone else made (an admin, Graph), so their locale says nothing about the person.
PERSON_TURNS = frozenset({"message", "invoke"})


def conversation_ref_of(activity: Activity) -> ConversationRef | None:
    conversation = activity.conversation
    if conversation is None or not conversation.id or not activity.service_url:
        return None
    kind = ConversationKind.parse(conversation.conversation_type)
    sender = activity.from_property
    user_id = None
    if kind is ConversationKind.PERSONAL and sender is not None:
        user_id = sender.aad_object_id or sender.id
    reference = activity.get_conversation_reference()
    return ConversationRef(
        conversation_id=conversation.id,
        kind=kind,
        channel_id=str(activity.channel_id or "msteams"),
        service_url=activity.service_url,
        user_id=user_id,
        tenant_id=tenant_of(activity),
        locale=activity.locale,
        reference=reference.model_dump(by_alias=True, exclude_none=True, mode="json"),
    )


def spoken_language_of(activity: Activity) -> SpokenLanguage | None:
    """The sender's language, from a turn they made in a language the cards speak."""
    sender = activity.from_property
    if activity.type not in PERSON_TURNS or sender is None or not sender.aad_object_id:
        return None
    locale = supported_locale(activity.locale)
    return SpokenLanguage(sender.aad_object_id, locale) if locale else None


def tenant_of(activity: Activity) -> str | None:
    conversation = activity.conversation
    if conversation is not None and conversation.tenant_id:
        return conversation.tenant_id
    data: Any = activity.channel_data
    if isinstance(data, dict):
        tenant = data.get("tenant")
        if isinstance(tenant, dict) and isinstance(tenant.get("id"), str):
            return tenant["id"]
    elif data is not None:
        tenant = getattr(data, "tenant", None)
        tenant_id = getattr(tenant, "id", None) if tenant is not None else None
        if isinstance(tenant_id, str):
            return tenant_id
    return None


def bot_was_added(activity: Activity) -> bool:
    recipient = activity.recipient
    return any(
        member.id == recipient.id for member in activity.members_added or [] if recipient
    )


def sender_ids(context: TurnContext) -> tuple[str, str]:
    """(directory id, Teams id) of the sender: answers belong to the directory id; a card's
    refresh names the Teams id. Empty strings when the activity names no sender."""
    sender = context.activity.from_property
    if sender is None:
        return "", ""
    return sender.aad_object_id or "", sender.id or ""


def display_name_of(activity: Activity) -> str | None:
    sender = activity.from_property
    return sender.name if sender is not None and sender.name else None


async def person_name(context: TurnContext, *, within_seconds: float = 3.0) -> str | None:
    """The sender's display name. Install events often carry only ids, so ask the connector
    for the member; a greeting without a name is better than a slow or failed one."""
    name = display_name_of(context.activity)
    sender = context.activity.from_property
    conversation = context.activity.conversation
    if name or sender is None or conversation is None:
        return name
    client = context.services.get(ConnectorClientBase)
    if client is None:
        return None
    try:
        member = await asyncio.wait_for(
            client.conversations.get_conversation_member(conversation.id, sender.id),
            within_seconds,
        )
    except (aiohttp.ClientError, TimeoutError, ValueError):
        return None
    return member.name or None
