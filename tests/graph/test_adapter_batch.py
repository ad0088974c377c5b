"""`$batch` creates against the emulator: splitting, mixed inner results, per-request retries,
and batches held by slow requests."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from graph.batch import batch_timeout
from graph.calendar import GraphCalendar
from graph.client import GraphConnection, build_graph
from teams_app.domain.calendar import CalendarEvent, EventDraft, TimeSpan
from teams_app.ports import GraphNotFound, GraphRejected, GraphUnavailable
from tests.graph.adapter_fixtures import (  # noqa: F401
    adapter_settings,
    graph_fixture,
    graph_settings_fixture,
)
from tests.graph.conftest import GraphEmulator

EVENTS = "POST /users/{user}/events"
BATCH = "POST /$batch"


def draft(key: str, *, zone: str = "Europe/Stockholm", day: int = 3) -> EventDraft:
    return EventDraft(subject="Learning time", start=datetime(2026, 3, day, 14),
                      end=datetime(2026, 3, day, 15), time_zone=zone, transaction_id=key)


async def test_mixed_results_map_per_request_and_only_throttled_ones_are_resent(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    control = graph_emulator.control
    people = [await control.add_user(f"P{i}") for i in range(44)]
    no_mailbox = await control.add_user("No Mailbox", has_mailbox=False)
    throttled = people[7]["id"]
    await control.set_limits(fail_next=[
        {"match": f"POST /users/{throttled}/events", "status": 429, "retry_after": 0.2,
         "count": 2},
    ])
    await control.clear_stats()
    drafts = {p["id"]: [draft(f"plan-1:{p['id']}")] for p in people}
    drafts["ghost@contoso-learning.example"] = [draft("plan-1:ghost")]
    drafts[no_mailbox["id"]] = [draft("plan-1:nomail")]
    drafts[people[0]["id"]].append(draft("plan-1:bad-zone", zone="Mars/Olympus_Mons"))

    started = time.monotonic()
    results = await GraphCalendar(graph).create_events_batched(drafts)
    elapsed = time.monotonic() - started

    good = [results[p["id"]][0] for p in people]
    assert all(isinstance(r, CalendarEvent) for r in good)
    assert {r.transaction_id for r in good if isinstance(r, CalendarEvent)} == {
        f"plan-1:{p['id']}" for p in people
    }
    assert isinstance(results["ghost@contoso-learning.example"][0], GraphNotFound)
    assert isinstance(results[no_mailbox["id"]][0], GraphNotFound)
    bad_zone = results[people[0]["id"]][1]
    assert isinstance(bad_zone, GraphRejected) and bad_zone.status == 400

    stats = await control.stats()
    # 47 requests in 3 batches; the throttled one alone twice more, after its Retry-After.
    assert stats["batches"] == 5
    assert stats["requests"][EVENTS] == 47 + 2
    assert stats["by_endpoint"][EVENTS]["429"] == 2
    assert elapsed >= 0.4
    events = await control.objects("events")
    assert sum(len(v) for v in events.values()) == 44


async def test_a_repeated_batch_books_nothing_twice(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    people = [await graph_emulator.control.add_user(f"P{i}") for i in range(25)]
    drafts = {p["id"]: [draft(f"plan-2:{p['id']}")] for p in people}
    calendar = GraphCalendar(graph)
    first = await calendar.create_events_batched(drafts)
    again = await calendar.create_events_batched(drafts)  # a job retried after a crash
    ids = lambda r: sorted(e.id for v in r.values() for e in v if isinstance(e, CalendarEvent))  # noqa: E731
    assert ids(first) == ids(again) and len(ids(first)) == 25
    events = await graph_emulator.control.objects("events")
    assert sum(len(v) for v in events.values()) == 25


async def test_many_drafts_for_one_mailbox_stay_within_its_limit(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    ann = await graph_emulator.control.add_user("Ann")
    await graph_emulator.control.set_limits(preset="graph", latency_ms=20)
    drafts = {ann["id"]: [draft(f"plan-3:{n}", day=2 + n % 5) for n in range(10)]}
    results = await GraphCalendar(graph).create_events_batched(drafts)
    assert all(isinstance(r, CalendarEvent) for r in results[ann["id"]])
    stats = await graph_emulator.control.stats()
    assert stats["throttled"] == 0
    assert stats["max_attempted_concurrency"][ann["id"]] <= 4
    view = await GraphCalendar(graph).calendar_view(
        ann["id"], TimeSpan(datetime(2026, 3, 2, tzinfo=UTC),
                            datetime(2026, 3, 2, tzinfo=UTC) + timedelta(days=7)))
    assert len(view) == 10


@asynccontextmanager
async def timed_out_after(
    emulator: GraphEmulator, seconds: float
) -> AsyncIterator[GraphConnection]:
    """A connection whose requests time out after `seconds` (a batch of 20: five times that)."""
    graph = build_graph(adapter_settings(emulator.base_url, graph_timeout_seconds=seconds))
    try:
        yield graph
    finally:
        await graph.aclose()


async def events_by_mailbox(emulator: GraphEmulator) -> dict[str, list[dict[str, Any]]]:
    return await emulator.control.objects("events")


def test_a_batch_has_one_requests_timeout_per_round_of_four() -> None:
    assert [batch_timeout(n, 30.0) for n in (1, 4, 5, 8, 20)] == [30.0, 30.0, 60.0, 60.0, 150.0]


async def test_a_batch_of_twenty_has_the_time_of_five_requests(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    """Each create answers well within the timeout, but Graph runs four at a time: the batch as
    a whole takes longer than one request may, and is not given up on for that."""
    control = graph_emulator.control
    people = [await control.add_user(f"P{i}") for i in range(20)]
    await control.set_limits(latency_ms=150)  # 5 rounds of 4: 0.75 s, each request 0.15 s
    await control.clear_stats()
    async with timed_out_after(graph_emulator, 0.5) as slow_graph:
        results = await GraphCalendar(slow_graph).create_events_batched(
            {p["id"]: [draft(f"plan-4:{p['id']}")] for p in people}
        )
    assert all(isinstance(r[0], CalendarEvent) for r in results.values())
    stats = await control.stats()
    assert (stats["batches"], stats["requests"][EVENTS]) == (1, 20)


async def test_slow_creates_do_not_hold_the_rest_of_their_batch(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    """A fifth of the creates are slowed past the batch's timeout (Graph acts, then answers
    late). The batch times out; its creates go again one by one: the fast ones are reported
    created, the slow ones unavailable (retryable), and nobody has a second series."""
    control = graph_emulator.control
    people = [await control.add_user(f"P{i}") for i in range(20)]
    slow = [p["id"] for p in people[3::5]]
    fast = [p["id"] for p in people if p["id"] not in slow]
    await control.set_limits(slow_probability=1.0, slow_s=3.0,
                             fault_paths="|".join(f"{re.escape(m)}/events" for m in slow))
    await control.clear_stats()
    drafts = {p["id"]: [draft(f"plan-5:{p['id']}")] for p in people}
    async with timed_out_after(graph_emulator, 0.5) as slow_graph:  # the batch: 2.5 s
        calendar = GraphCalendar(slow_graph)
        results = await calendar.create_events_batched(drafts)

        events = await events_by_mailbox(graph_emulator)
        for member in fast:
            (created,) = results[member]
            assert isinstance(created, CalendarEvent)
            assert [e["id"] for e in events[member]] == [created.id]  # sent twice, made once
        for member in slow:
            (failed,) = results[member]
            assert isinstance(failed, GraphUnavailable)  # the job retries it
            assert len(events[member]) == 1  # Graph made it before its answer was lost
        stats = await control.stats()
        assert stats["batches"] == 1 + 20  # the batch, then each of its creates alone

        await control.set_limits()  # the slowness is over; the job's retry
        again = await calendar.create_events_batched({m: drafts[m] for m in slow})
    events = await events_by_mailbox(graph_emulator)
    for member in slow:
        (created,) = again[member]
        assert isinstance(created, CalendarEvent)
        assert [e["id"] for e in events[member]] == [created.id]


async def test_a_batch_that_fails_as_a_whole_with_504_is_split_and_its_creates_succeed(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    control = graph_emulator.control
    people = [await control.add_user(f"P{i}") for i in range(20)]
    await control.set_limits(fail_next=[{"match": r"POST /\$batch", "status": 504}])
    await control.clear_stats()
    results = await GraphCalendar(graph).create_events_batched(
        {p["id"]: [draft(f"plan-6:{p['id']}")] for p in people}
    )
    events = await events_by_mailbox(graph_emulator)
    for p in people:
        (created,) = results[p["id"]]
        assert isinstance(created, CalendarEvent)
        assert [e["id"] for e in events[p["id"]]] == [created.id]
    stats = await control.stats()
    # Not the whole batch again, which one slow request could hold again: each create alone.
    assert stats["by_endpoint"][BATCH] == {"504": 1, "200": 20}
    assert stats["requests"][EVENTS] == 20
