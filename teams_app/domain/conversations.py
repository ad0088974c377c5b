"""Where the bot can reach people later: one reference per personal chat, group chat or channel."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ConversationKind(StrEnum):
    PERSONAL = "personal"
    GROUP_CHAT = "groupChat"
    CHANNEL = "channel"

    @classmethod
    def parse(cls, value: str | None) -> ConversationKind:
        try:
            return cls(value or cls.PERSONAL)
        except ValueError:
            return cls.PERSONAL


@dataclass(frozen=True)
class ConversationRef:
    conversation_id: str
    kind: ConversationKind
    channel_id: str
    service_url: str
    user_id: str | None = None  # the person's AAD object id, for personal chats
    tenant_id: str | None = None
    locale: str | None = None
    # The full Bot Framework conversation reference, opaque to the domain.
    reference: dict[str, Any] = field(default_factory=dict[str, Any], repr=False)


@dataclass(frozen=True)
class ChatMember:
    """A person in a group chat, meeting chat or channel, as the connector lists them."""

    user_id: str  # Entra object id
    name: str | None = field(default=None, repr=False)
