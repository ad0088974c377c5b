"""Remembering where each person and chat can be reached, from the turns that arrive."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from microsoft_agents.hosting.core import TurnContext

from teams_app.bot.turns import conversation_ref_of
from teams_app.domain.conversations import ConversationKind
from teams_app.ports.services import Services
from teams_app.use_cases.conversations import person_removed_app, remember_conversation

_REMEMBERED_CAP = 50_000


class ConversationMemory:
    """Stores a conversation reference when something that matters changed (an in-memory
    fingerprint per conversation), so ordinary turns do not write."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._remembered: OrderedDict[str, tuple[Any, ...]] = OrderedDict()

    async def remember(self, context: TurnContext) -> None:
        activity = context.activity
        ref = conversation_ref_of(activity)
        if ref is None:
            return
        services = self._services
        installation = activity.type == "installationUpdate"
        if installation and str(activity.action or "").startswith("remove"):
            # They removed the app: no card reaches them until they add it again.
            self._remembered.pop(ref.conversation_id, None)
            if ref.kind is ConversationKind.PERSONAL and ref.user_id:
                await person_removed_app(ref.user_id, uow=services.uow, clock=services.clock)
            return
        fingerprint = (ref.kind, ref.user_id, ref.tenant_id, ref.service_url, ref.locale)
        if self._remembered.get(ref.conversation_id) == fingerprint and not installation:
            return
        await remember_conversation(ref, uow=services.uow, clock=services.clock)
        self._remembered[ref.conversation_id] = fingerprint
        while len(self._remembered) > _REMEMBERED_CAP:
            self._remembered.popitem(last=False)
