"""Builders for Teams activities as the connector sends them (Teams' documented shapes)."""

from __future__ import annotations

import uuid
from typing import Any

TENANT = "9b8c7d6e-0000-4000-8000-00000000aaaa"
BOT_ID = "28:learning-loop-bot"
USER_AAD = "aad-user-1"


def an_activity(service_url: str, *, type: str = "message", conversation_id: str = "a:personal-1",
                conversation_type: str = "personal", text: str | None = None,
                locale: str = "en-US", tenant: str = TENANT, user_aad: str = USER_AAD,
                user_name: str = "Astrid Lindqvist", **extra: Any) -> dict[str, Any]:
    activity: dict[str, Any] = {
        "type": type,
        "id": uuid.uuid4().hex,
        "channelId": "msteams",
        "serviceUrl": service_url,
        "timestamp": "2026-11-25T09:00:00.000Z",
        "locale": locale,
        "from": {"id": f"29:{user_aad}", "name": user_name, "aadObjectId": user_aad},
        "recipient": {"id": BOT_ID, "name": "Learning Loop"},
        "conversation": {"id": conversation_id, "conversationType": conversation_type,
                         "tenantId": tenant},
        "channelData": {"tenant": {"id": tenant}},
    }
    if text is not None:
        activity["text"] = text
    activity.update(extra)
    return activity


def an_install(service_url: str, **kwargs: Any) -> dict[str, Any]:
    return an_activity(service_url, type="installationUpdate", action="add", **kwargs)


def members_added(service_url: str, **kwargs: Any) -> dict[str, Any]:
    return an_activity(service_url, type="conversationUpdate",
                       membersAdded=[{"id": BOT_ID}], **kwargs)


def an_execute(service_url: str, verb: str, data: dict[str, Any] | None = None,
               **kwargs: Any) -> dict[str, Any]:
    return an_activity(service_url, type="invoke", name="adaptiveCard/action",
                       value={"action": {"type": "Action.Execute", "verb": verb,
                                         "data": data or {"verb": verb}}}, **kwargs)
