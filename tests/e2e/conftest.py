"""The real service and the real Agents Playground, started once for the e2e module."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from graph import demo_org
from graph.emulator import start_emulator
from teams_app.bootstrap import Runtime
from teams_app.cli.demo import demo_settings
from teams_app.cli.serve import serve
from teams_app.local.playground import PlaygroundProcess
from teams_app.settings import Settings
from tests.e2e.playground_client import PlaygroundClient
from tests.pg import free_port

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "e2e"


@dataclass
class World:
    runtime: Runtime
    playground: PlaygroundClient
    url: str
    graph_url: str  # the Graph emulator's base URL (…/v1.0); its control API is /_emulator

    async def graph(self, method: str, path: str, json: Any = None) -> Any:
        """Graph as the emulator serves it (`/users/…`, times in UTC), or its control API
        (`/_emulator/…`), to look into or change the emulated calendars."""
        root = self.graph_url.removesuffix("/v1.0")
        url = f"{root}{path}" if path.startswith("/_emulator") else f"{self.graph_url}{path}"
        headers = {"Authorization": f"Bearer {self.runtime.settings.graph_static_token}",
                   "Prefer": 'outlook.timezone="UTC"'}
        async with aiohttp.ClientSession() as session, session.request(
            method, url, json=json, headers=headers
        ) as response:
            assert response.status < 300, await response.text()
            return await response.json(content_type=None)


def utc(value: str) -> datetime:
    """A Graph dateTime read in UTC (asked for with `Prefer: outlook.timezone`)."""
    return datetime.fromisoformat(value[:19]).replace(tzinfo=UTC)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    # As `learning-loop demo` runs it: the demo organisation's calendars in the Graph emulator.
    token = secrets.token_urlsafe(24)
    emulator, graph_url = await start_emulator(free_port(), seed="demo", token=token)
    playground_port = free_port()
    settings = demo_settings(
        Settings(
            anonymous=True, local_mode=True, host="127.0.0.1", port=free_port(),
            database_url=f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('e2e') / 'e2e.db'}",
            workers=2, job_poll_seconds=0.1,
        ),
        graph_url=graph_url, token=token, playground_port=playground_port,
    )
    stop = asyncio.Event()
    ready: asyncio.Future[Runtime] = asyncio.get_running_loop().create_future()

    async def on_ready(runtime: Runtime) -> None:
        ready.set_result(runtime)

    service = asyncio.create_task(serve(settings, stop=stop, on_ready=on_ready))
    lead = demo_org.learning_lead()
    process = PlaygroundProcess(
        bot_endpoint=f"http://127.0.0.1:{settings.port}/api/messages", port=playground_port,
        current_user=lead, time_zone=lead.time_zone,
    )
    try:
        runtime = await asyncio.wait_for(asyncio.shield(ready), 30)
        info = await process.start()
        async with PlaygroundClient(info.url) as client:
            yield World(runtime, client, info.url, graph_url)
    finally:
        await process.stop()
        stop.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(service, 30)
        await emulator.cleanup()


def require_browser() -> None:
    from tests.e2e.screenshots import browser_available

    reason = browser_available()
    if reason is not None:
        if os.environ.get("CI") or os.geteuid() == 0:
            pytest.fail(f"{reason} (scripts/test installs it)")
        pytest.skip(reason)
