"""Remembering where each person and chat can be reached, and each person's language, from the
turns that arrive."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from microsoft_agents.hosting.core import TurnContext

from teams_app.bot.turns import conversation_ref_of, spoken_language_of
from teams_app.domain.conversations import ConversationKind, ConversationRef
from teams_app.domain.languages import SpokenLanguage
from teams_app.ports.services import Services
from teams_app.use_cases.conversations import person_removed_app, remember_turn

_REMEMBERED_CAP = 50_000


class ConversationMemory:
    """Stores a conversation reference when something that matters changed (an in-memory
    fingerprint per conversation), and the sender's language when it is not the one this process
    last stored for them, so ordinary turns do not write."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._remembered: OrderedDict[str, tuple[Any, ...]] = OrderedDict()
        self._languages: OrderedDict[str, str] = OrderedDict()

    async def remember(self, context: TurnContext) -> None:
        activity = context.activity
        services = self._services
        spoken = spoken_language_of(activity)
        if spoken is not None and self._languages.get(spoken.user_id) == spoken.locale:
            spoken = None  # stored already
        ref = conversation_ref_of(activity)
        if ref is None:
            await self._store(None, spoken)
            return
        installation = activity.type == "installationUpdate"
        if installation and str(activity.action or "").startswith("remove"):
            # They removed the app: no card reaches them until they add it again.
            self._remembered.pop(ref.conversation_id, None)
            if ref.kind is ConversationKind.PERSONAL and ref.user_id:
                await person_removed_app(ref.user_id, uow=services.uow, clock=services.clock)
            return
        fingerprint = (ref.kind, ref.user_id, ref.tenant_id, ref.service_url, ref.locale)
        if self._remembered.get(ref.conversation_id) == fingerprint and not installation:
            await self._store(None, spoken)
            return
        await self._store(ref, spoken)
        self._remembered[ref.conversation_id] = fingerprint
        while len(self._remembered) > _REMEMBERED_CAP:
            self._remembered.popitem(last=False)

    async def _store(self, ref: ConversationRef | None, spoken: SpokenLanguage | None) -> None:
        if ref is None and spoken is None:
            return
        await remember_turn(ref, spoken, uow=self._services.uow, clock=self._services.clock)
        if spoken is not None:
            self._languages[spoken.user_id] = spoken.locale
            while len(self._languages) > _REMEMBERED_CAP:
                self._languages.popitem(last=False)
