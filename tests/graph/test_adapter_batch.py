"""`$batch` creates against the emulator: splitting, mixed inner results, per-request retries."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from graph.calendar import GraphCalendar
from graph.client import GraphConnection
from teams_app.domain.calendar import CalendarEvent, EventDraft, TimeSpan
from teams_app.ports import GraphNotFound, GraphRejected
from tests.graph.adapter_fixtures import graph_fixture, graph_settings_fixture  # noqa: F401
from tests.graph.conftest import GraphEmulator

EVENTS = "POST /users/{user}/events"


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
