"""A read-only unit of work reads while a writer holds the lock (SQLite: no BEGIN IMMEDIATE, so
it never queues behind writers), sees only what is committed, refuses to write, and leaves no
trace on the pooled connection the next writer gets. On both databases."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from teams_app.adapters.sql.uow import SqlUnitOfWork
from teams_app.domain.conversations import ConversationKind, ConversationRef
from tests.fakes import FakeClock

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def a_chat(n: int) -> ConversationRef:
    return ConversationRef(f"a:chat-{n}", ConversationKind.PERSONAL, "msteams",
                           "https://smba.example/", user_id=f"user-{n}", tenant_id="t")


def units(engine: AsyncEngine, *, read_only: bool = False) -> SqlUnitOfWork:
    return SqlUnitOfWork(engine, FakeClock(AT), job_max_attempts=3, read_only=read_only)


async def test_a_reader_is_not_held_up_by_a_writer_and_sees_only_what_is_committed(
    engine: AsyncEngine,
) -> None:
    async with units(engine) as tx:
        await tx.conversations.save(a_chat(1), at=AT)
        await tx.commit()
    async with units(engine) as writer:  # holds the write lock (SQLite) until it ends
        await writer.conversations.save(a_chat(2), at=AT)
        started = time.monotonic()
        async with units(engine, read_only=True) as reader:
            seen = await asyncio.wait_for(reader.conversations.get("a:chat-1"), 5)
            unseen = await reader.conversations.get("a:chat-2")
        assert time.monotonic() - started < 2  # a writer would wait out the busy timeout
        assert seen is not None and unseen is None
        await writer.commit()
    async with units(engine, read_only=True) as reader:
        assert await reader.conversations.get("a:chat-2") is not None


async def test_a_reader_cannot_write_or_commit_and_the_next_writer_can(
    engine: AsyncEngine,
) -> None:
    async with units(engine, read_only=True) as reader:
        with pytest.raises(RuntimeError, match="read-only"):
            await reader.commit()
    if engine.dialect.name == "sqlite":
        with pytest.raises(Exception, match="readonly|read-only|query_only"):
            async with units(engine, read_only=True) as reader:
                await reader.conversations.save(a_chat(3), at=AT)
    # The pool hands the same connection on: it writes as a writer again.
    for n in range(4, 8):
        async with units(engine) as tx:
            await tx.conversations.save(a_chat(n), at=AT)
            await tx.commit()
        async with units(engine, read_only=True) as reader:
            assert await reader.conversations.get(f"a:chat-{n}") is not None
