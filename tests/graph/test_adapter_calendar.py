"""GraphCalendar against the emulator over HTTP, through the real msgraph-sdk client."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from graph.calendar import GraphCalendar, MissingTransactionId
from graph.client import GraphConnection
from teams_app.domain.calendar import (
    EventChanges,
    EventDraft,
    EventType,
    Recurrence,
    ShowAs,
    TimeSpan,
    Weekday,
    WeekIndex,
)
from teams_app.ports import GraphForbidden, GraphNotFound
from tests.graph.adapter_fixtures import graph_fixture, graph_settings_fixture  # noqa: F401
from tests.graph.conftest import GraphEmulator

MONDAY = datetime(2026, 3, 2, tzinfo=UTC)
WEEKS_8 = TimeSpan(MONDAY, MONDAY + timedelta(weeks=8))


def weekly_draft(transaction_id: str = "plan-1:ann", *, count: int = 6) -> EventDraft:
    return EventDraft(
        subject="Learning time",
        body_html="<p>Protected learning time</p>",
        start=datetime(2026, 3, 3, 14, 0),
        end=datetime(2026, 3, 3, 15, 0),
        time_zone="Europe/Stockholm",
        transaction_id=transaction_id,
        recurrence=Recurrence.weekly((Weekday.TUESDAY,), starting=date(2026, 3, 3), count=count),
        categories=("Learning Loop",),
        show_as=ShowAs.BUSY,
    )


async def events_of(emulator: GraphEmulator, user_id: str) -> list[dict[str, object]]:
    found = await emulator.control.objects("events", mailbox=user_id)
    return list(found.get(user_id, []))


async def test_mailbox_settings_give_iana_zone_and_working_hours(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    ann = await graph_emulator.control.add_user(
        "Ann",
        time_zone="Pacific Standard Time",
        working_hours={"daysOfWeek": ["monday", "tuesday"], "startTime": "09:00",
                       "endTime": "15:30"},
    )
    settings = await GraphCalendar(graph).mailbox_settings(ann["id"])
    assert settings.time_zone == "America/Los_Angeles"
    assert settings.working_hours is not None
    assert settings.working_hours.days == (Weekday.MONDAY, Weekday.TUESDAY)
    assert (settings.working_hours.start, settings.working_hours.end) == (time(9), time(15, 30))
    assert settings.working_hours.time_zone == "America/Los_Angeles"


async def test_person_without_mailbox_is_not_found(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    bob = await graph_emulator.control.add_user("Bob", has_mailbox=False)
    with pytest.raises(GraphNotFound) as caught:
        await GraphCalendar(graph).mailbox_settings(bob["id"])
    assert caught.value.status == 404
    with pytest.raises(GraphNotFound):
        await GraphCalendar(graph).mailbox_settings("nobody@contoso-learning.example")


async def test_forbidden_names_the_missing_permission(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    ann = await graph_emulator.control.add_user("Ann")
    await graph_emulator.control.set_limits(
        fail_next=[{"match": "mailboxSettings", "status": 403, "code": "ErrorAccessDenied",
                    "message": "Access is denied. Check credentials and try again."},
                   {"match": "POST /users/\\{user\\}/events", "status": 403}]
    )
    calendar = GraphCalendar(graph)
    with pytest.raises(GraphForbidden) as caught:
        await calendar.mailbox_settings(ann["id"])
    assert caught.value.permission == "MailboxSettings.Read"
    assert "MailboxSettings.Read" in str(caught.value)
    with pytest.raises(GraphForbidden) as caught:
        await calendar.create_event(ann["id"], weekly_draft())
    assert caught.value.permission == "Calendars.ReadWrite"


async def test_free_busy_chunks_people_and_splits_long_windows(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    control = graph_emulator.control
    people = [await control.add_user(f"Person {i}") for i in range(23)]
    nobody = await control.add_user("No Mailbox", has_mailbox=False, mail="nomail@x.example")
    busy_at = MONDAY + timedelta(days=70, hours=9)  # beyond the first 61-day piece
    await control.add_event(people[22]["id"], subject="Busy", start=busy_at.isoformat(),
                            end=(busy_at + timedelta(hours=1)).isoformat())
    await control.clear_stats()
    addresses = [nobody["mail"]] + [p["mail"] for p in people]
    window = TimeSpan(MONDAY, MONDAY + timedelta(days=100))

    answers = await GraphCalendar(graph).free_busy(addresses, window, interval_minutes=60)

    assert [a.mailbox for a in answers] == addresses
    assert answers[0].error is not None  # no mailbox: its own answer says so
    assert all(a.known for a in answers[1:])
    last = answers[-1]
    assert [b.span for b in last.busy] == [TimeSpan(busy_at, busy_at + timedelta(hours=1))]
    assert last.working_hours is not None
    stats = await control.stats()
    # 24 people -> 2 calls of <= 20; 100 days -> 2 windows under 62 days: 4 calls.
    assert stats["by_endpoint"]["POST /users/{user}/calendar/getSchedule"].get("200") == 4


async def test_calendar_view_follows_next_links(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    ann = await graph_emulator.control.add_user("Ann")
    for day in range(7):
        start = MONDAY + timedelta(days=day, hours=10)
        await graph_emulator.control.add_event(
            ann["id"], subject=f"Busy {day}", start=start.isoformat(),
            end=(start + timedelta(minutes=30)).isoformat())
    await graph_emulator.control.clear_stats()

    events = await GraphCalendar(graph, page_size=3).calendar_view(ann["id"], WEEKS_8)

    assert len(events) == 7
    assert all(e.start.tzinfo is not None and e.start.utcoffset() == timedelta(0)
               for e in events)
    stats = await graph_emulator.control.stats()
    assert stats["requests"]["GET /users/{user}/calendarView"] == 3  # 3 + 3 + 1


async def test_recurring_create_instances_move_and_cancel(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    ann = await graph_emulator.control.add_user("Ann", time_zone="Europe/Stockholm")
    calendar = GraphCalendar(graph)

    master = await calendar.create_event(ann["id"], weekly_draft())
    assert master.type is EventType.SERIES_MASTER
    assert master.transaction_id == "plan-1:ann"
    assert master.start == datetime(2026, 3, 3, 13, 0, tzinfo=UTC)  # 14:00 CET
    assert master.recurrence is not None and master.recurrence.count == 6

    instances = await calendar.series_instances(ann["id"], master.id, WEEKS_8)
    assert len(instances) == 6
    assert {i.series_master_id for i in instances} == {master.id}
    # After the DST change on 29 March the slot stays at 14:00 local, so 12:00 UTC.
    assert instances[-1].start == datetime(2026, 4, 7, 12, 0, tzinfo=UTC)

    moved = await calendar.update_event(
        ann["id"],
        instances[1].id,
        EventChanges(start=datetime(2026, 3, 10, 16), end=datetime(2026, 3, 10, 17),
                     time_zone="Europe/Stockholm"),
    )
    assert moved.type is EventType.EXCEPTION
    assert moved.start == datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
    again = await calendar.series_instances(ann["id"], master.id, WEEKS_8)
    assert sorted(e.type for e in again).count(EventType.EXCEPTION) == 1

    # The organiser cancels the series: attendees are told, and it leaves the calendar.
    await calendar.cancel_event(ann["id"], master.id, comment="Plan ended")
    assert await calendar.calendar_view(ann["id"], WEEKS_8) == []
    with pytest.raises(GraphNotFound):
        await calendar.series_instances(ann["id"], master.id, WEEKS_8)


async def test_delete_series_and_missing_event(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    ann = await graph_emulator.control.add_user("Ann")
    calendar = GraphCalendar(graph)
    master = await calendar.create_event(ann["id"], weekly_draft())
    await calendar.delete_event(ann["id"], master.id)
    assert await calendar.calendar_view(ann["id"], WEEKS_8) == []
    with pytest.raises(GraphNotFound):
        await calendar.delete_event(ann["id"], master.id)


async def test_create_refuses_a_draft_without_transaction_id(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    ann = await graph_emulator.control.add_user("Ann")
    with pytest.raises(MissingTransactionId):
        await GraphCalendar(graph).create_event(ann["id"], weekly_draft(transaction_id=" "))
    assert await events_of(graph_emulator, ann["id"]) == []


async def test_delta_scan_returns_changes_and_a_new_link(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    ann = await graph_emulator.control.add_user("Ann")
    calendar = GraphCalendar(graph, page_size=2)
    single = EventDraft(subject="One-off", start=datetime(2026, 3, 4, 9),
                        end=datetime(2026, 3, 4, 10), time_zone="UTC", transaction_id="one")
    first_event = await calendar.create_event(ann["id"], single)
    master = await calendar.create_event(ann["id"], weekly_draft(count=3))

    first = await calendar.delta_scan(ann["id"], WEEKS_8)
    assert {e.id for e in first.changed} >= {first_event.id}
    assert len(first.changed) == 4  # the one-off and three occurrences
    assert first.delta_link.startswith(graph_emulator.base_url)

    quiet = await calendar.delta_scan(ann["id"], delta_link=first.delta_link)
    assert quiet.changed == () and quiet.removed_ids == ()

    instances = await calendar.series_instances(ann["id"], master.id, WEEKS_8)
    await calendar.update_event(ann["id"], instances[0].id, EventChanges(subject="Moved"))
    await calendar.delete_event(ann["id"], first_event.id)
    changes = await calendar.delta_scan(ann["id"], delta_link=quiet.delta_link)
    assert [e.id for e in changes.changed] == [instances[0].id]
    assert changes.removed_ids == (first_event.id,)
    assert changes.delta_link != quiet.delta_link


async def test_monthly_rules_book_the_right_days(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    ann = await graph_emulator.control.add_user("Ann", time_zone="Europe/Stockholm")
    calendar = GraphCalendar(graph)
    relative = EventDraft(
        subject="Reflection round", start=datetime(2026, 3, 10, 9), end=datetime(2026, 3, 10, 10),
        time_zone="Europe/Stockholm", transaction_id="round:ann",
        recurrence=Recurrence.monthly_relative(WeekIndex.SECOND, Weekday.TUESDAY,
                                               starting=date(2026, 3, 10), count=3),
    )
    absolute = EventDraft(
        subject="Follow-up", start=datetime(2026, 3, 15, 9), end=datetime(2026, 3, 15, 9, 30),
        time_zone="Europe/Stockholm", transaction_id="follow-up:ann",
        recurrence=Recurrence.monthly_absolute(15, starting=date(2026, 3, 15),
                                               until=date(2026, 5, 31)),
    )
    window = TimeSpan(MONDAY, MONDAY + timedelta(days=120))
    for draft in (relative, absolute):
        master = await calendar.create_event(ann["id"], draft)
        assert master.recurrence == draft.recurrence
        days = [e.start.date() for e in await calendar.series_instances(ann["id"], master.id,
                                                                           window)]
        expected = {"round:ann": [date(2026, 3, 10), date(2026, 4, 14), date(2026, 5, 12)],
                    "follow-up:ann": [date(2026, 3, 15), date(2026, 4, 15), date(2026, 5, 15)]}
        assert days == expected[draft.transaction_id]


async def test_marked_series_are_found_by_the_calendar_not_by_bookkeeping(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    """Every series the product books carries its mark (an extended property); Graph's filter
    on it finds them, through either create path, whatever was recorded about them."""
    ann = await graph_emulator.control.add_user("Ann", time_zone="W. Europe Standard Time")
    calendar = GraphCalendar(graph, page_size=2)  # several pages
    marked = [
        await calendar.create_event(
            ann["id"], replace(weekly_draft(f"t-{n}"), marker="plan-1/ann")
        )
        for n in range(2)
    ]
    batched = await calendar.create_events_batched(
        {ann["id"]: [replace(weekly_draft("t-9"), marker="plan-1/ann"),
                     replace(weekly_draft("t-8"), marker="plan-2/ann")]}
    )
    await calendar.create_event(ann["id"], weekly_draft("unmarked"))

    found = await calendar.marked_series(ann["id"], "plan-1/ann")

    expected = {e.id for e in marked} | {batched[ann["id"]][0].id}  # type: ignore[union-attr]
    assert {e.id for e in found} == expected
    assert {e.type for e in found} == {EventType.SERIES_MASTER}
    assert await calendar.marked_series(ann["id"], "plan-3/ann") == []
    # The mark is stored, not echoed: a plain read does not show it, an expand does.
    stored = await events_of(graph_emulator, ann["id"])
    assert len(stored) == 5
