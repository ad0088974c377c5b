"""The `graph_emulator` fixture: a local Graph emulator on 127.0.0.1 per test.

    async def test_something(graph_emulator: GraphEmulator) -> None:
        graph_emulator.base_url                  # http://127.0.0.1:<port>/v1.0
        await graph_emulator.control.reset("demo", now="2025-03-24T08:00:00Z")
        user = await graph_emulator.control.add_user("Ada Lovelace", time_zone="Europe/London")
        await graph_emulator.control.add_event(user["id"], subject="Busy",
                                               start="2025-03-24T09:00:00Z",
                                               end="2025-03-24T10:00:00Z")
        await graph_emulator.control.set_limits(mailbox_concurrency=4, latency_ms=50)
        stats = await graph_emulator.control.stats()
        response = await graph_emulator.request("GET", "/users")   # .status .headers .body

`control(method, path, json)` sends any other control call (path relative to /_emulator).
The emulator starts with the `empty` seed and the real clock; the token is TOKEN.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from multidict import CIMultiDictProxy

from graph.emulator import start_emulator

TOKEN = "emulator-test-token"


def _camel(fields: dict[str, Any]) -> dict[str, Any]:
    return {re.sub(r"_([a-z])", lambda m: m.group(1).upper(), k): v for k, v in fields.items()}


class ControlError(AssertionError):
    pass


@dataclass
class GraphResponse:
    status: int
    headers: CIMultiDictProxy[str]
    body: Any  # parsed JSON, text, or None


class EmulatorControl:
    """Typed helpers over the emulator's /_emulator control API."""

    def __init__(self, session: aiohttp.ClientSession, root_url: str) -> None:
        self.session = session
        self.root_url = root_url

    async def __call__(self, method: str, path: str, json: Any = None) -> Any:
        async with self.session.request(method, f"{self.root_url}/_emulator{path}",
                                        json=json) as response:
            body = await response.json() if response.content_type == "application/json" \
                else await response.text()
            if response.status >= 400:
                raise ControlError(f"{method} /_emulator{path}: {response.status} {body}")
            return body

    async def reset(self, seed: str = "empty", *, now: str | None = None,
                    rng_seed: int = 0) -> dict[str, Any]:
        return await self("POST", "/reset", {"seed": seed, "now": now, "rng_seed": rng_seed})

    async def seed(self, seed: str, *, now: str | None = None) -> dict[str, Any]:
        return await self("POST", "/seed", {"seed": seed, "now": now})

    async def set_limits(self, **limits: Any) -> dict[str, Any]:
        """Replace the limits: latency_ms, jitter_ms, mailbox_concurrency, budget_requests,
        budget_window_s, budget_scope, throttle_probability, unavailable_probability,
        retry_after_s, slow_probability, slow_s, drop_probability, fault_paths, fail_next,
        resource_units_per_minute, resource_unit_window_s, preset ("off" | "graph"),
        rng_seed."""
        return await self("PUT", "/limits", limits)

    async def limits(self) -> dict[str, Any]:
        return await self("GET", "/limits")

    async def stats(self) -> dict[str, Any]:
        return await self("GET", "/stats")

    async def clear_stats(self) -> dict[str, Any]:
        return await self("DELETE", "/stats")

    async def add_user(self, display_name: str, **fields: Any) -> dict[str, Any]:
        """Fields in snake_case or Graph's camelCase: mail, user_principal_name, time_zone
        (Windows or IANA), working_hours {daysOfWeek, startTime, endTime}, manager_id,
        has_mailbox, account_enabled, id, job_title, department, ..."""
        return await self("POST", "/users", {"displayName": display_name, **_camel(fields)})

    async def delete_user(self, user: str) -> None:
        """The person leaves the tenant (with their mailbox and group memberships)."""
        await self("DELETE", f"/users/{user}")

    async def add_group(self, display_name: str, member_ids: list[str],
                        **fields: Any) -> dict[str, Any]:
        return await self("POST", "/groups", {"displayName": display_name,
                                              "memberIds": member_ids, **_camel(fields)})

    async def add_event(self, user: str, **event: Any) -> dict[str, Any]:
        """A Graph event body (snake_case allowed); start/end may be ISO instants."""
        return await self("POST", f"/users/{user}/events", _camel(event))

    async def add_site(self, path: str, **fields: Any) -> dict[str, Any]:
        return await self("POST", "/sites", {"path": path, **_camel(fields)})

    async def delete_site(self, site_id: str) -> None:
        await self("DELETE", f"/sites/{site_id}")

    async def add_list_items(self, site_id: str, list_id: str,
                             items: list[dict[str, Any]]) -> list[str]:
        """Items written straight into the list, as a person (or another app) would."""
        body = await self("POST", f"/sites/{site_id}/lists/{list_id}/items", {"items": items})
        return list(body["ids"])

    async def objects(self, kind: str, **query: str) -> Any:
        suffix = "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
        return await self("GET", f"/objects/{kind}{suffix}")

    async def set_clock(self, now: str) -> dict[str, Any]:
        return await self("POST", "/clock", {"now": now})

    async def advance_clock(self, seconds: float) -> dict[str, Any]:
        return await self("POST", "/clock", {"advance_seconds": seconds})

    async def drain_notifications(self) -> dict[str, Any]:
        return await self("POST", "/notifications/drain")

    async def lifecycle(self, subscription_id: str,
                        event: str = "reauthorizationRequired") -> dict[str, Any]:
        return await self("POST", f"/subscriptions/{subscription_id}/lifecycle",
                          {"lifecycleEvent": event})


@dataclass
class GraphEmulator:
    base_url: str  # ends in /v1.0
    root_url: str
    token: str
    control: EmulatorControl
    session: aiohttp.ClientSession

    async def request(self, method: str, path: str, *, json: Any = None,
                      headers: dict[str, str] | None = None,
                      token: str | None = TOKEN) -> GraphResponse:
        """A raw Graph call; `path` is relative to base_url or an absolute URL (nextLink)."""
        url = path if path.startswith("http") else f"{self.base_url}{path}"
        sent = {"Authorization": f"Bearer {token}"} if token else {}
        sent.update(headers or {})
        async with self.session.request(method, url, json=json, headers=sent) as response:
            if response.content_type.startswith("application/json"):
                body: Any = await response.json(content_type=None)
            else:
                text = await response.text()
                body = text or None
            return GraphResponse(response.status, response.headers, body)


@pytest.fixture
async def graph_emulator() -> AsyncIterator[GraphEmulator]:
    runner, base_url = await start_emulator(seed="empty", token=TOKEN)
    root_url = base_url.removesuffix("/v1.0")
    async with aiohttp.ClientSession() as session:
        try:
            yield GraphEmulator(base_url, root_url, TOKEN, EmulatorControl(session, root_url),
                                session)
        finally:
            await runner.cleanup()
