"""A running service on real HTTP, talking to a local stand-in for the Bot Connector."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from teams_app.bootstrap import Runtime, bootstrap
from teams_app.settings import Settings
from tests.connector import FakeConnector


async def start_site(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    runner, fake.url = await start_site(fake.app())
    try:
        yield fake
    finally:
        await runner.cleanup()


@dataclass
class RunningService:
    url: str
    runtime: Runtime
    http: aiohttp.ClientSession

    async def post(self, activity: Any, *, token: str | None = None,
                   raw: bytes | None = None) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        async with self.http.post(f"{self.url}/api/messages", headers=headers,
                                  data=raw, json=None if raw is not None else activity) as r:
            text = await r.text()
            return r.status, (await r.json(content_type=None)) if text else None


ServiceFactory = Callable[..., Awaitable[RunningService]]


@pytest.fixture
async def start_service(tmp_path: Path) -> AsyncIterator[ServiceFactory]:
    started: list[tuple[web.AppRunner, RunningService]] = []

    async def start(**overrides: Any) -> RunningService:
        values: dict[str, Any] = {
            "database_url": f"sqlite+aiosqlite:///{tmp_path / 'service.db'}",
            "host": "127.0.0.1",
            "send_base_delay": 0.01,
            "send_max_delay": 0.2,
        }
        if "app_id" not in overrides:
            values["anonymous"] = True
        connections = overrides.pop("connections", None)
        values.update(overrides)
        runtime = await bootstrap(Settings(**values), connections=connections)
        runner, url = await start_site(runtime.web_app())
        service = RunningService(url, runtime, aiohttp.ClientSession())
        started.append((runner, service))
        return service

    yield start
    for runner, service in started:
        await service.http.close()
        await runner.cleanup()
        await service.runtime.close()
