"""The results tests' runtime: bootstrap against the Graph emulator's demo tenant, on SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from teams_app.bootstrap import Runtime, bootstrap
from tests.graph.conftest import GraphEmulator, graph_emulator  # noqa: F401
from tests.service.results.support import NOW, results_settings


@pytest.fixture
async def runtime(
    tmp_path: Path, graph_emulator: GraphEmulator  # noqa: F811
) -> AsyncIterator[Runtime]:
    await graph_emulator.control.reset("demo", now=NOW)
    started = await bootstrap(results_settings(tmp_path, graph_emulator.base_url))
    try:
        yield started
    finally:
        await started.close()
