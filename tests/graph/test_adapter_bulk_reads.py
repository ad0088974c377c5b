"""Reads for many mailboxes in `$batch`es (graph/calendar_bulk.py): the same answers as the
single reads, people without a mailbox told apart, throttled inner requests retried alone."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from graph.calendar import GraphCalendar
from graph.client import GraphConnection
from teams_app.domain.calendar import MailboxSettings, ShowAs, TimeSpan
from teams_app.ports import GraphNotFound
from tests.graph.adapter_fixtures import graph_fixture, graph_settings_fixture  # noqa: F401
from tests.graph.conftest import GraphEmulator

MONDAY = datetime(2026, 3, 2, tzinfo=UTC)
ZONES = ("Europe/Stockholm", "Pacific Standard Time", "Asia/Tokyo")


async def people(emulator: GraphEmulator, count: int) -> list[dict[str, object]]:
    return list(await asyncio.gather(*(
        emulator.control.add_user(
            f"Person {n}", time_zone=ZONES[n % 3],
            working_hours={"daysOfWeek": ["monday", "friday"], "startTime": "09:00",
                           "endTime": "15:30"},
        )
        for n in range(count)
    )))


async def test_mailbox_settings_in_batches_match_the_single_reads(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    found = await people(graph_emulator, 23)  # two batches
    mailless = await graph_emulator.control.add_user("Nora", has_mailbox=False)
    calendar = GraphCalendar(graph)
    ids = [str(p["id"]) for p in found]
    await graph_emulator.control.clear_stats()

    answers = await calendar.mailbox_settings_batched([*ids, str(mailless["id"])])

    stats = await graph_emulator.control.stats()
    assert stats["requests"]["POST /$batch"] == 2
    assert isinstance(answers[str(mailless["id"])], GraphNotFound)
    for person in ids:
        single = await calendar.mailbox_settings(person)
        assert answers[person] == single
    first = answers[ids[1]]
    assert isinstance(first, MailboxSettings) and first.time_zone == "America/Los_Angeles"
    assert first.working_hours is not None and first.working_hours.start.hour == 9


async def test_free_busy_for_many_people_goes_in_batches_and_rides_out_a_429(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    found = await people(graph_emulator, 45)  # three getSchedule calls
    busy = found[30]
    await graph_emulator.control.add_event(
        str(busy["id"]), subject="Busy", start="2026-03-03T09:00:00Z", end="2026-03-03T10:00:00Z"
    )
    addresses = [str(p["mail"]) for p in found]
    window = TimeSpan(MONDAY, MONDAY + timedelta(days=7))
    calendar = GraphCalendar(graph)
    await graph_emulator.control.set_limits(fail_next=[
        {"match": "getSchedule", "status": 429, "retry_after": 0.01, "count": 1},
    ])
    await graph_emulator.control.clear_stats()

    answers = await calendar.free_busy(addresses, window)

    stats = await graph_emulator.control.stats()
    assert stats["requests"]["POST /$batch"] >= 1 and stats["throttled"] == 1
    assert [a.mailbox for a in answers] == addresses and all(a.known for a in answers)
    (block,) = answers[30].busy
    assert block.status is ShowAs.BUSY and block.span.start == datetime(2026, 3, 3, 9, tzinfo=UTC)
    assert answers[30].working_hours is not None
    assert not any(a.busy for n, a in enumerate(answers) if n != 30)
    # The same person asked alone (one direct getSchedule) gets the same answer.
    (alone,) = await calendar.free_busy([addresses[30]], window)
    assert alone == answers[30]


async def test_a_batched_schedule_call_asked_as_someone_without_a_mailbox_is_asked_again(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    found = await people(graph_emulator, 25)
    mailless = await graph_emulator.control.add_user(
        "Nora", has_mailbox=False, mail="nora@contoso-learning.example"
    )
    addresses = [str(mailless["mail"]), *(str(p["mail"]) for p in found)]
    window = TimeSpan(MONDAY, MONDAY + timedelta(days=7))

    answers = await GraphCalendar(graph).free_busy(addresses, window)

    assert not answers[0].known  # the first call's anchor had no mailbox: the next one asked
    assert all(a.known for a in answers[1:])
