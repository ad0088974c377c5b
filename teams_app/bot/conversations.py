"""Remembering where each person and chat can be reached, and each person's language, from the
turns that arrive."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from microsoft_agents.hosting.core import TurnContext

from teams_app.bot.turns import conversation_ref_of, spoken_language_of
from teams_app.domain.conversations import ConversationKind, ConversationRef
from teams_app.domain.languages import SpokenLanguage
from teams_app.ports.services import Services
from teams_app.use_cases.conversations import person_removed_app, remember_turns

_REMEMBERED_CAP = 50_000
_BATCH_CAP = 500

Turn = tuple[ConversationRef | None, SpokenLanguage | None]


class GroupWriter:
    """Turns that must be stored before they go on, written together: while one transaction
    is on its way, the turns that arrive wait for the next, which takes all of them (up to
    `batch_cap`). A lone turn is written at once, as before; 200 first messages at once take a
    handful of transactions instead of 200 (each one's statements, round trips, and on SQLite
    its turn at the write lock). Every turn still goes on only once its write has committed.
    When a batch fails, each of its turns is written alone, so one turn the database refuses
    fails only itself."""

    def __init__(
        self, write: Callable[[Sequence[Turn]], Awaitable[None]], *, batch_cap: int = _BATCH_CAP
    ) -> None:
        self._write = write
        self._batch_cap = batch_cap
        self._pending: list[tuple[Turn, asyncio.Future[None]]] = []
        self._flushing: asyncio.Task[None] | None = None

    async def write(self, turn: Turn) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((turn, future))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush())
        await future

    async def _flush(self) -> None:
        while self._pending:
            batch = self._pending[: self._batch_cap]
            del self._pending[: self._batch_cap]
            try:
                await self._write_batch(batch)
            except BaseException as error:  # cancelled at shutdown: nobody may wait forever
                for _, future in batch + self._pending:
                    _settle(future, error)
                self._pending.clear()
                raise

    async def _write_batch(self, batch: list[tuple[Turn, asyncio.Future[None]]]) -> None:
        try:
            await self._write([turn for turn, _ in batch])
        except Exception as error:
            if len(batch) == 1:
                _settle(batch[0][1], error)
                return
            for turn, future in batch:
                try:
                    await self._write([turn])
                except Exception as alone:
                    _settle(future, alone)
                else:
                    _settle(future, None)
            return
        for _, future in batch:
            _settle(future, None)


def _settle(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.done():  # its turn was cancelled while waiting
        return
    if error is None:
        future.set_result(None)
    elif isinstance(error, asyncio.CancelledError):
        future.cancel()
    else:
        future.set_exception(error)


class ConversationMemory:
    """Stores a conversation reference when something that matters changed (an in-memory
    fingerprint per conversation), and the sender's language when it is not the one this process
    last stored for them, so ordinary turns do not write."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._remembered: OrderedDict[str, tuple[Any, ...]] = OrderedDict()
        self._languages: OrderedDict[str, str] = OrderedDict()
        self._writer = GroupWriter(
            lambda turns: remember_turns(turns, uow=services.uow, clock=services.clock)
        )

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
        await self._writer.write((ref, spoken))
        if spoken is not None:
            self._languages[spoken.user_id] = spoken.locale
            while len(self._languages) > _REMEMBERED_CAP:
                self._languages.popitem(last=False)
