"""Shared pytest fixtures. Each block names the feature it serves; keep blocks separate."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator

# Imported at the start: otherwise Hypothesis's pytest plugin imports it in the session's
# terminal summary, where pytest's assertion rewriting of it failed on CPython 3.11.7 with
# "AST constructor recursion depth mismatch" (seen running tests/graph alone).
import hypothesis  # noqa: F401
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from teams_app.adapters.sql.engine import create_engine, upgrade
from tests.pg import PostgresServer, PostgresUnavailable

# ---------------------------------------------------------------------------------------------
# Databases (job queue and SQL adapters): a throwaway PostgreSQL for the session, a fresh
# database per test, and migrated engines on SQLite and PostgreSQL.
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        server = PostgresServer()
    except PostgresUnavailable as exc:
        # CI (and any root container, where the test script installs the server) must not
        # silently skip the concurrency tests; a developer laptop without PostgreSQL may.
        if os.environ.get("CI") or os.geteuid() == 0:
            pytest.fail(f"{exc} (the CI test script installs it before running pytest)")
        pytest.skip(str(exc))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A URL to an empty database: a SQLite file, or a new database on the session's server."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'app.db'}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """A new empty database on the session's PostgreSQL server (for PostgreSQL-only tests)."""
    return postgres_server.create_database()


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on `database_url`, migrated to head; disposed after the test."""
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        yield engine
    finally:
        await engine.dispose()


# --------------------------------------------------------------------------- end of databases
