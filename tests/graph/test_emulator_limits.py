"""Limits and faults: Graph's per-mailbox concurrency (the 5th concurrent request gets 429),
request budgets, deterministic injected 429/503, dropped connections, scripted failures, and
$batch rules (20 requests, dependsOn -> 424, each inner request throttled on its own)."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from tests.graph.conftest import GraphEmulator

NOW = "2025-03-24T06:00:00Z"


async def _people(graph_emulator: GraphEmulator, count: int = 1) -> list[str]:
    await graph_emulator.control.reset(now=NOW)
    return [str((await graph_emulator.control.add_user(f"Person {n}"))["id"])
            for n in range(count)]


async def test_fifth_concurrent_request_to_a_mailbox_is_throttled(
        graph_emulator: GraphEmulator) -> None:
    ada, bob = await _people(graph_emulator, 2)
    await graph_emulator.control.set_limits(preset="graph", latency_ms=200)

    responses = await asyncio.gather(
        *(graph_emulator.request("GET", f"/users/{ada}/events") for _ in range(5)),
        *(graph_emulator.request("GET", f"/users/{bob}/events") for _ in range(4)))

    ada_statuses = sorted(r.status for r in responses[:5])
    assert ada_statuses == [200, 200, 200, 200, 429]
    assert [r.status for r in responses[5:]] == [200] * 4
    throttled = next(r for r in responses if r.status == 429)
    assert throttled.headers["Retry-After"] == "1"
    assert throttled.body["error"]["code"] == "ApplicationThrottled"
    assert throttled.body["error"]["message"] == \
        "Application is over its MailboxConcurrency limit."
    stats = await graph_emulator.control.stats()
    assert stats["max_concurrency"][ada] == 4
    assert stats["max_attempted_concurrency"][ada] == 5
    assert stats["throttled"] == 1
    assert stats["by_endpoint"]["GET /users/{user}/events"] == {"200": 8, "429": 1}


async def test_budget_per_window(graph_emulator: GraphEmulator) -> None:
    await _people(graph_emulator)
    await graph_emulator.control.set_limits(budget_requests=3, budget_window_s=60)

    statuses = [(await graph_emulator.request("GET", "/users")).status for _ in range(4)]
    last = await graph_emulator.request("GET", "/users")

    assert statuses == [200, 200, 200, 429]
    assert 0 < int(last.headers["Retry-After"]) <= 60


async def _fault_run(graph_emulator: GraphEmulator) -> list[tuple[int, str | None]]:
    await graph_emulator.control.set_limits(throttle_probability=0.3,
                                            unavailable_probability=0.2, rng_seed=7)
    run = []
    for _ in range(30):
        response = await graph_emulator.request("GET", "/users")
        run.append((response.status, response.headers.get("Retry-After")))
    return run


async def test_injected_faults_are_deterministic(graph_emulator: GraphEmulator) -> None:
    await _people(graph_emulator)

    first = await _fault_run(graph_emulator)
    second = await _fault_run(graph_emulator)

    assert first == second
    statuses = {status for status, _ in first}
    assert statuses == {200, 429, 503}
    assert all(retry == "1" for status, retry in first if status in {429, 503})


async def test_dropped_connection_and_slow_response(graph_emulator: GraphEmulator) -> None:
    await _people(graph_emulator)
    await graph_emulator.control.set_limits(drop_probability=1.0)
    with pytest.raises(aiohttp.ClientError):
        await graph_emulator.request("GET", "/users")

    await graph_emulator.control.set_limits(slow_probability=1.0, slow_s=0.5)
    timeout = aiohttp.ClientTimeout(total=0.1)
    with pytest.raises(TimeoutError):
        async with graph_emulator.session.get(
                f"{graph_emulator.base_url}/users", timeout=timeout,
                headers={"Authorization": f"Bearer {graph_emulator.token}"}):
            pass
    stats = await graph_emulator.control.stats()
    # aiohttp retries a GET once when a reused connection drops, so one or two drops
    assert stats["dropped"] >= 1 and stats["slowed"] == 1


async def test_scripted_failures_hit_only_matching_calls(graph_emulator: GraphEmulator) -> None:
    [ada] = await _people(graph_emulator)
    await graph_emulator.control.set_limits(fail_next=[
        {"status": 503, "count": 2, "match": "calendarView", "retry_after": 2}])
    url = f"/users/{ada}/calendarView?startDateTime=2025-03-24T00:00:00Z" \
          "&endDateTime=2025-03-25T00:00:00Z"

    users = await graph_emulator.request("GET", "/users")
    statuses = [(await graph_emulator.request("GET", url)).status for _ in range(3)]

    assert users.status == 200
    assert statuses == [503, 503, 200]


def _get(request_id: str, url: str, **more: Any) -> dict[str, Any]:
    return {"id": request_id, "method": "GET", "url": url, **more}


async def test_batch_limits_and_dependencies(graph_emulator: GraphEmulator) -> None:
    [ada] = await _people(graph_emulator)

    too_many = await graph_emulator.request("POST", "/$batch", json={
        "requests": [_get(str(n), "/users") for n in range(21)]})
    repeated = await graph_emulator.request("POST", "/$batch", json={
        "requests": [_get("1", "/users"), _get("1", "/users")]})
    untyped = await graph_emulator.request("POST", "/$batch", json={"requests": [
        {"id": "1", "method": "POST", "url": f"/users/{ada}/events", "body": {}}]})
    chained = await graph_emulator.request("POST", "/$batch", json={"requests": [
        _get("1", "/users/nobody@contoso.example"),
        _get("2", f"/users/{ada}", dependsOn=["1"]),
        _get("3", f"{graph_emulator.base_url}/users/{ada}"),  # msgraph-core sends absolute URLs
    ]})

    assert too_many.status == 400 and too_many.body["error"]["code"] == "BadRequest"
    assert repeated.status == 400
    assert untyped.status == 400
    assert untyped.body["error"]["message"] == \
        "Write request id : 1 does not contain Content-Type header or body."
    assert chained.status == 200
    answers = {r["id"]: r for r in chained.body["responses"]}
    assert answers["1"]["status"] == 404
    assert answers["2"]["status"] == 424
    assert answers["3"]["status"] == 200 and answers["3"]["body"]["id"] == ada


async def test_each_batched_request_is_throttled_on_its_own(graph_emulator: GraphEmulator) -> None:
    [ada] = await _people(graph_emulator)
    await graph_emulator.control.set_limits(preset="graph", latency_ms=50, fail_next=[
        {"status": 429, "match": "GET /users/\\{user\\}$", "retry_after": 3}])
    events = {"Content-Type": "application/json"}
    body = {"subject": "Learning time", "start": {"dateTime": "2025-03-25T09:00:00",
                                                  "timeZone": "UTC"},
            "end": {"dateTime": "2025-03-25T10:00:00", "timeZone": "UTC"}}

    batch = await graph_emulator.request("POST", "/$batch", json={"requests": [
        _get("user", f"/users/{ada}"),
        *({"id": f"e{n}", "method": "POST", "url": f"/users/{ada}/events", "headers": events,
           "body": {**body, "transactionId": f"tx-{n}"}} for n in range(8)),
    ]})

    assert batch.status == 200
    answers = {r["id"]: r for r in batch.body["responses"]}
    assert answers["user"]["status"] == 429
    assert answers["user"]["headers"]["Retry-After"] == "3"
    assert answers["user"]["body"]["error"]["code"] == "TooManyRequests"
    assert {answers[f"e{n}"]["status"] for n in range(8)} == {201}
    stats = await graph_emulator.control.stats()
    assert stats["max_concurrency"][ada] <= 4 and stats["batches"] == 1
