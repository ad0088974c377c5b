"""The unit of work: one database transaction holding every repository a use case needs."""

from __future__ import annotations

from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from teams_app.adapters.sql.engine import READ_ONLY
from teams_app.adapters.sql.job_queue import SqlJobQueue
from teams_app.adapters.sql.languages import SqlPersonLanguageStore
from teams_app.adapters.sql.occurrences import SqlOccurrenceRepository
from teams_app.adapters.sql.plans import SqlPlanRepository
from teams_app.adapters.sql.repositories import SqlConversationStore, SqlDeliveryLog
from teams_app.ports import Clock


class SqlUnitOfWork:
    conversations: SqlConversationStore
    languages: SqlPersonLanguageStore
    jobs: SqlJobQueue
    deliveries: SqlDeliveryLog
    plans: SqlPlanRepository
    occurrences: SqlOccurrenceRepository

    def __init__(
        self, engine: AsyncEngine, clock: Clock, *, job_max_attempts: int, read_only: bool = False
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._job_max_attempts = job_max_attempts
        self._read_only = read_only
        self._connection: AsyncConnection | None = None
        self._committed = False

    async def __aenter__(self) -> Self:
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
        self.jobs = SqlJobQueue(self._connection, self._clock, self._job_max_attempts)
        return self

    async def __aexit__(self, *exc: object) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            if not self._committed:
                await connection.rollback()
        finally:
            if connection.sync_connection is not None:
                # The pooled connection's next user (a job store, the clock) writes.
                connection.sync_connection.info.pop(READ_ONLY, None)
            await connection.close()

    async def commit(self) -> None:
        if self._connection is None:
            raise RuntimeError("commit outside the unit of work")
        if self._read_only:
            raise RuntimeError("a read-only unit of work has nothing to commit")
        await self._connection.commit()
        self._committed = True
