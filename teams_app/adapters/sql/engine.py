"""Engines and migrations: one code path for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

MIGRATIONS = Path(__file__).with_name("migrations")
READ_ONLY = "learning_loop.read_only"  # Connection.info key: this transaction only reads
_QUERY_ONLY = "learning_loop.query_only"  # ... and whether SQLite's query_only is on


def create_engine(url: str) -> AsyncEngine:
    if url.startswith("sqlite"):
        _ensure_sqlite_folder(url)
        engine = create_async_engine(url, connect_args={"timeout": 30})
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        # SQLite serialises writers; BEGIN IMMEDIATE takes the write lock up front so two
        # transactions never both read and then fail to upgrade (SQLITE_BUSY mid-transaction).
        event.listen(engine.sync_engine, "begin", _sqlite_begin_immediate)
        return engine
    # No pre-ping: it costs a round trip per transaction; recycling handles idle server closes.
    return create_async_engine(url, pool_size=10, max_overflow=10, pool_recycle=1800)


# One SQLite writer at a time per process and event loop. Without it every pooled connection
# that wants to write sits in SQLite's busy handler, which polls by sleeping (1, 2, 5, ... 100
# ms), so a burst of short writes waits on sleeps rather than on each other and the lock is
# idle in between. Queueing on an asyncio lock hands the lock over the moment it is free; only
# writers in other processes still meet the busy handler.
_WRITE_GATES: weakref.WeakKeyDictionary[AsyncEngine, dict[asyncio.AbstractEventLoop,
                                                          asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def write_gate(engine: AsyncEngine) -> asyncio.Lock | None:
    """The lock a writing transaction on this engine holds from begin to end (SQLite only)."""
    if engine.dialect.name != "sqlite":
        return None  # PostgreSQL locks rows, not the database
    loops = _WRITE_GATES.setdefault(engine, {})
    loop = asyncio.get_running_loop()
    if loop not in loops:
        for closed in [known for known in loops if known.is_closed()]:
            del loops[closed]
        loops[loop] = asyncio.Lock()
    return loops[loop]


@asynccontextmanager
async def writing(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """`engine.begin()` behind the write gate: a transaction that writes."""
    gate = write_gate(engine)
    if gate is None:
        async with engine.begin() as connection:
            yield connection
        return
    async with gate, engine.begin() as connection:
        yield connection


@asynccontextmanager
async def reading(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection whose transaction only reads: on SQLite it takes no write lock."""
    async with engine.connect() as connection:
        info = connection.sync_connection.info  # type: ignore[union-attr]
        info[READ_ONLY] = True
        try:
            yield connection
        finally:
            info.pop(READ_ONLY, None)


def _ensure_sqlite_folder(url: str) -> None:
    _, _, path = url.partition(":///")
    if path and path != ":memory:" and not path.startswith("file:"):
        Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    # The aiosqlite adapter would open its own transaction; autocommit off lets "begin" decide.
    dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin_immediate(connection: Connection) -> None:
    reader = bool(connection.info.get(READ_ONLY))
    # query_only lives on the pooled DBAPI connection: set it when that changes, not per begin.
    if connection.info.get(_QUERY_ONLY, False) != reader:
        connection.exec_driver_sql(f"PRAGMA query_only = {int(reader)}")
        connection.info[_QUERY_ONLY] = reader
    # A reader begins deferred: WAL gives it a snapshot without the write lock, so reads never
    # queue behind writers; query_only makes a write in it fail loudly instead of upgrading the
    # lock mid-transaction (SQLITE_BUSY under contention).
    connection.exec_driver_sql("BEGIN" if reader else "BEGIN IMMEDIATE")


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    async with writing(engine) as connection:
        await connection.run_sync(
            lambda sync: command.upgrade(_alembic_config(sync), revision)
        )


def head_revision() -> str | None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


async def current_revision(engine: AsyncEngine) -> str | None:
    async with reading(engine) as connection:
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )
