"""Fixtures for the Graph adapter tests: the real msgraph-sdk client, built by graph/client.py
exactly as local mode builds it, pointed at the `graph_emulator` of tests/graph/conftest.py.

Import them into a test module with (the functions are named *_fixture so that test
parameters called `graph` do not shadow an import)
    from tests.graph.adapter_fixtures import graph_fixture, graph_settings_fixture  # noqa: F401
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from graph.client import GraphConnection, build_graph
from teams_app.settings import Settings
from tests.graph.conftest import TOKEN, GraphEmulator

NOW = "2026-03-02T07:00:00Z"  # a Monday; tests pin the emulator's clock here


def adapter_settings(base_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "anonymous": True,
        "graph_base_url": base_url,
        "graph_auth": "static",
        "graph_static_token": TOKEN,
        # Short enough that timeout and retry tests stay fast; retries honour Retry-After.
        "graph_timeout_seconds": 2.0,
        "graph_max_retries": 3,
        "graph_retry_backoff_seconds": 0.05,
        "graph_mailbox_concurrency": 4,
        "graph_global_concurrency": 16,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(name="graph_settings")
def graph_settings_fixture(graph_emulator: GraphEmulator) -> Settings:
    return adapter_settings(graph_emulator.base_url)


@pytest.fixture(name="graph")
async def graph_fixture(
    graph_emulator: GraphEmulator, graph_settings: Settings
) -> AsyncIterator[GraphConnection]:
    await graph_emulator.control.reset("empty", now=NOW)
    connection = build_graph(graph_settings)
    try:
        yield connection
    finally:
        await connection.aclose()
