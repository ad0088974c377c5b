"""The unit of work: one database transaction holding every repository a use case needs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from teams_app.adapters.sql.campaigns import SqlCampaignRepository
from teams_app.adapters.sql.engine import READ_ONLY, write_gate
from teams_app.adapters.sql.erasures import SqlErasureLog
from teams_app.adapters.sql.job_queue import SqlJobQueue
from teams_app.adapters.sql.languages import SqlPersonLanguageStore
from teams_app.adapters.sql.occurrences import SqlOccurrenceRepository
from teams_app.adapters.sql.outbox import SqlListOutbox, SqlResultListStore
from teams_app.adapters.sql.partners import SqlPartnerRepository
from teams_app.adapters.sql.plans import SqlPlanRepository
from teams_app.adapters.sql.reflections import SqlReflectionRepository
from teams_app.adapters.sql.repositories import SqlConversationStore, SqlDeliveryLog
from teams_app.ports import Clock
from teams_app.ports.privacy import PersonalData

# Builds one PersonalData source on the unit of work's connection (bootstrap's registry).
PersonalDataSource = Callable[[AsyncConnection], PersonalData]


class SqlUnitOfWork:
    conversations: SqlConversationStore
    languages: SqlPersonLanguageStore
    jobs: SqlJobQueue
    deliveries: SqlDeliveryLog
    plans: SqlPlanRepository
    occurrences: SqlOccurrenceRepository
    outbox: SqlListOutbox
    result_lists: SqlResultListStore
    campaigns: SqlCampaignRepository
    personal_data: tuple[PersonalData, ...]
    erasures: SqlErasureLog
    partners: SqlPartnerRepository
    reflections: SqlReflectionRepository

    def __init__(
        self, engine: AsyncEngine, clock: Clock, *, job_max_attempts: int, read_only: bool = False,
        personal_data: Sequence[PersonalDataSource] = (), privacy_key: bytes | None = None,
    ) -> None:
        self._sources = tuple(personal_data)
        self._privacy_key = privacy_key
        self._engine = engine
        self._clock = clock
        self._job_max_attempts = job_max_attempts
        self._read_only = read_only
        self._connection: AsyncConnection | None = None
        self._committed = False
        self._gate: asyncio.Lock | None = None

    async def __aenter__(self) -> Self:
        gate = None if self._read_only else write_gate(self._engine)
        if gate is not None:
            await gate.acquire()
            self._gate = gate
        try:
            await self._open()
        except BaseException:
            self._release()
            raise
        return self

    def _release(self) -> None:
        gate, self._gate = self._gate, None
        if gate is not None:
            gate.release()

    async def _open(self) -> None:
        self._connection = await self._engine.connect()
        # Read on the connection's own info, by the SQLite "begin" hook (engine.py): a reader
        # takes no write lock, so it never queues behind writers.
        self._connection.sync_connection.info[READ_ONLY] = self._read_only  # type: ignore[union-attr]
        await self._connection.begin()
        self._committed = False
        self.conversations = SqlConversationStore(self._connection)
        self.languages = SqlPersonLanguageStore(self._connection)
        self.deliveries = SqlDeliveryLog(self._connection)
        self.plans = SqlPlanRepository(self._connection)
        self.occurrences = SqlOccurrenceRepository(self._connection)
        self.campaigns = SqlCampaignRepository(self._connection)
        self.partners = SqlPartnerRepository(self._connection)
        self.reflections = SqlReflectionRepository(self._connection)
        self.jobs = SqlJobQueue(self._connection, self._clock, self._job_max_attempts)
        self.outbox = SqlListOutbox(self._connection, self._clock, self.jobs)
        self.result_lists = SqlResultListStore(self._connection)
        self.personal_data = tuple(source(self._connection) for source in self._sources)
        self.erasures = SqlErasureLog(self._connection, self._privacy_key)

    async def __aexit__(self, *exc: object) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            self._release()
            return
        try:
            if not self._committed:
                await connection.rollback()
        finally:
            try:
                if connection.sync_connection is not None:
                    # The pooled connection's next user (a job store, the clock) writes.
                    connection.sync_connection.info.pop(READ_ONLY, None)
                await connection.close()
            finally:
                self._release()

    async def commit(self) -> None:
        if self._connection is None:
            raise RuntimeError("commit outside the unit of work")
        if self._read_only:
            raise RuntimeError("a read-only unit of work has nothing to commit")
        await self._connection.commit()
        self._committed = True
