"""Throttling, outages, slow answers and dropped connections, injected by the emulator and met
by the real SDK pipeline: its retry handler (with our Retry-After handling), our limits and
our error translation."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import pytest

from graph.calendar import GraphCalendar
from graph.client import GraphConnection, build_graph
from teams_app.domain.calendar import EventDraft, TimeSpan
from teams_app.ports import GraphForbidden, GraphThrottled, GraphUnavailable
from tests.graph.adapter_fixtures import adapter_settings, graph_fixture, graph_settings_fixture  # noqa: F401
from tests.graph.conftest import GraphEmulator

MONDAY = datetime(2026, 3, 2, tzinfo=UTC)
WEEK = TimeSpan(MONDAY, MONDAY + timedelta(days=7))
SETTINGS = "GET /users/\\{user\\}/mailboxSettings"


def draft(transaction_id: str) -> EventDraft:
    return EventDraft(subject="Learning time", start=datetime(2026, 3, 3, 14),
                      end=datetime(2026, 3, 3, 15), time_zone="UTC",
                      transaction_id=transaction_id)


@asynccontextmanager
async def connection(emulator: GraphEmulator, **overrides: object) -> AsyncIterator[
    GraphConnection
]:
    graph = build_graph(adapter_settings(emulator.base_url, **overrides))
    try:
        yield graph
    finally:
        await graph.aclose()


async def test_a_429_storm_is_ridden_out_with_retry_after_and_no_duplicates(
    graph_emulator: GraphEmulator,
) -> None:
    control = graph_emulator.control
    people = [await control.add_user(f"P{i}") for i in range(10)]
    await control.set_limits(throttle_probability=0.4, retry_after_s=0.05, rng_seed=7,
                             fault_paths="events")
    async with connection(graph_emulator, graph_max_retries=8) as graph:
        calendar = GraphCalendar(graph)
        created = await asyncio.gather(
            *(calendar.create_event(p["id"], draft(f"t-{i}-{n}"))
              for i, p in enumerate(people) for n in range(2))
        )
    stats = await control.stats()
    assert stats["throttled"] > 0  # the storm happened ...
    assert len(created) == 20  # ... and every create still landed, once
    events = await control.objects("events")
    assert sum(len(v) for v in events.values()) == 20


async def test_throttling_beyond_the_retries_is_graph_throttled_with_retry_after(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    ann = await graph_emulator.control.add_user("Ann")
    await graph_emulator.control.set_limits(
        fail_next=[{"match": SETTINGS, "status": 429, "retry_after": 0.05, "count": 10}]
    )
    with pytest.raises(GraphThrottled) as caught:
        await GraphCalendar(graph).mailbox_settings(ann["id"])
    assert caught.value.retry_after == 0.05
    stats = await graph_emulator.control.stats()
    assert stats["requests"]["GET /users/{user}/mailboxSettings"] == 4  # 1 + 3 retries


async def test_fractional_retry_after_is_honoured(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    ann = await graph_emulator.control.add_user("Ann")
    await graph_emulator.control.set_limits(
        fail_next=[{"match": SETTINGS, "status": 429, "retry_after": 0.4}]
    )
    started = time.monotonic()
    await GraphCalendar(graph).mailbox_settings(ann["id"])
    waited = time.monotonic() - started
    # The SDK alone reads whole seconds only and would back off 3 s or more.
    assert 0.4 <= waited < 1.5


async def test_503_is_retried_then_succeeds(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    ann = await graph_emulator.control.add_user("Ann")
    await graph_emulator.control.set_limits(
        fail_next=[{"match": SETTINGS, "status": 503, "retry_after": 0.05, "count": 2}]
    )
    settings = await GraphCalendar(graph).mailbox_settings(ann["id"])
    assert settings.time_zone == "UTC"
    stats = await graph_emulator.control.stats()
    assert stats["by_endpoint"]["GET /users/{user}/mailboxSettings"] == {"503": 2, "200": 1}


async def test_a_slow_create_times_out_and_its_retry_does_not_duplicate(
    graph_emulator: GraphEmulator,
) -> None:
    control = graph_emulator.control
    ann = await control.add_user("Ann")
    await control.set_limits(slow_probability=1.0, slow_s=1.0, fault_paths="events")
    async with connection(graph_emulator, graph_timeout_seconds=0.3) as graph:
        calendar = GraphCalendar(graph)
        with pytest.raises(GraphUnavailable):
            await calendar.create_event(ann["id"], draft("plan-9:ann"))  # created, answer lost
        await control.set_limits()  # the outage ends; the job retries the same create
        event = await calendar.create_event(ann["id"], draft("plan-9:ann"))
    events = (await control.objects("events", mailbox=ann["id"]))[ann["id"]]
    assert [e["id"] for e in events] == [event.id]


async def test_a_read_whose_connection_drops_is_sent_again_and_a_write_is_not(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    """The SDK retries answers (429, 503, 504), never a lost connection. Reads change nothing,
    so they go again (up to `graph_max_retries`, 3 here); a write is left to its caller, which
    finds out from the calendar whether it landed (transactionId, the product's mark)."""
    control = graph_emulator.control
    ann = await control.add_user("Ann")
    calendar = GraphCalendar(graph)
    await control.set_limits(fail_next=[{"match": SETTINGS, "status": "drop", "count": 3}])
    assert (await calendar.mailbox_settings(ann["id"])).time_zone == "UTC"
    assert (await control.stats())["dropped"] == 3

    await control.set_limits(fail_next=[{"match": SETTINGS, "status": "drop", "count": 4}])
    with pytest.raises(GraphUnavailable):  # more drops than retries: the caller hears of it
        await calendar.mailbox_settings(ann["id"])
    assert (await calendar.mailbox_settings(ann["id"])).time_zone == "UTC"

    await control.set_limits(fail_next=[{"match": "POST /users/\\{user\\}/events",
                                         "status": "drop"}])
    with pytest.raises(GraphUnavailable):
        await calendar.create_event(ann["id"], draft("plan-1:ann"))


async def test_four_per_mailbox_is_never_exceeded(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    control = graph_emulator.control
    ann = await control.add_user("Ann")
    others = [await control.add_user(f"P{i}") for i in range(20)]
    await control.set_limits(preset="graph", latency_ms=40)
    calendar = GraphCalendar(graph)
    await asyncio.gather(
        *(calendar.calendar_view(ann["id"], WEEK) for _ in range(16)),
        *(calendar.calendar_view(p["id"], WEEK) for p in others),
    )
    stats = await control.stats()
    assert stats["throttled"] == 0  # waiting here beat a 429 round trip
    assert stats["max_attempted_concurrency"][ann["id"]] == 4
    assert graph.limits.peak_per_mailbox == 4
    assert graph.limits.peak_in_flight <= 16  # the global limit of these settings
    assert graph.limits.tracked_mailboxes == 0


async def test_a_rejected_token_is_forbidden(graph_emulator: GraphEmulator) -> None:
    ann = await graph_emulator.control.add_user("Ann")
    async with connection(graph_emulator, graph_static_token="not-the-token") as graph:
        with pytest.raises(GraphForbidden) as caught:
            await GraphCalendar(graph).mailbox_settings(ann["id"])
    assert caught.value.status == 401
