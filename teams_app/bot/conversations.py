"""Remembering where each person and chat can be reached, from the turns that arrive."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from microsoft_agents.hosting.core import TurnContext

from teams_app.bot.turns import conversation_ref_of
from teams_app.ports.services import Services
from teams_app.use_cases.conversations import remember_conversation

_REMEMBERED_CAP = 50_000


class ConversationMemory:
    """Stores a conversation reference when something that matters changed (an in-memory
    fingerprint per conversation), so ordinary turns do not write."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._remembered: OrderedDict[str, tuple[Any, ...]] = OrderedDict()

    async def remember(self, context: TurnContext) -> None:
        ref = conversation_ref_of(context.activity)
        if ref is None:
            return
        fingerprint = (ref.kind, ref.user_id, ref.tenant_id, ref.service_url, ref.locale)
        if self._remembered.get(ref.conversation_id) == fingerprint:
            return
        services = self._services
        await remember_conversation(ref, uow=services.uow, clock=services.clock)
        self._remembered[ref.conversation_id] = fingerprint
        while len(self._remembered) > _REMEMBERED_CAP:
            self._remembered.popitem(last=False)
