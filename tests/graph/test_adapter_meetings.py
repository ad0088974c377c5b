"""GraphCalendar writes meetings as Graph documents them: an online Teams meeting with attendees,
a new attendee list by PATCH, and cancelEvent as organiser; the emulator carries each step
into the attendees' calendars as Exchange does."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from graph.calendar import GraphCalendar
from graph.client import GraphConnection
from teams_app.domain.calendar import Attendee, EventChanges, EventDraft, Recurrence, Weekday
from tests.graph.adapter_fixtures import graph_fixture, graph_settings_fixture  # noqa: F401
from tests.graph.conftest import GraphEmulator


async def _person(emulator: GraphEmulator, name: str) -> tuple[str, str]:
    user = await emulator.control.add_user(name, time_zone="W. Europe Standard Time")
    return str(user["id"]), str(user["mail"])


async def _copies(emulator: GraphEmulator, user: str, ical: str) -> list[dict[str, Any]]:
    events = (await emulator.control.objects("events", mailbox=user)).get(user, [])
    return [e for e in events if e["iCalUId"] == ical]


async def test_an_online_meeting_reaches_attendees_follows_new_invites_and_cancels(
    graph: GraphConnection, graph_emulator: GraphEmulator
) -> None:
    calendar = GraphCalendar(graph)
    organiser, _ = await _person(graph_emulator, "Olga Organiser")
    anna, anna_mail = await _person(graph_emulator, "Anna Attendee")
    bert, bert_mail = await _person(graph_emulator, "Bert Attendee")
    draft = EventDraft(
        subject="Learning time: team session",
        start=datetime(2026, 3, 3, 10, 0),
        end=datetime(2026, 3, 3, 11, 0),
        time_zone="Europe/Stockholm",
        transaction_id="team-session-1",
        recurrence=Recurrence.weekly((Weekday.TUESDAY,), starting=date(2026, 3, 3), count=4),
        attendees=(Attendee(anna_mail, "Anna Attendee"),),
        online_meeting=True,
    )

    created = await calendar.create_event(organiser, draft)
    again = await calendar.create_event(organiser, replace(draft))  # the SDK or a job retries
    assert again.id == created.id
    stored = (await graph_emulator.request("GET", f"/users/{organiser}/events/{created.id}")).body
    assert stored["isOnlineMeeting"] is True
    assert stored["onlineMeetingProvider"] == "teamsForBusiness"
    assert stored["onlineMeeting"]["joinUrl"].startswith("https://teams.microsoft.com/l/meetup-join/")
    (anna_copy,) = await _copies(graph_emulator, anna, stored["iCalUId"])
    assert anna_copy["responseStatus"]["response"] == "notResponded"

    await calendar.update_event(
        organiser, created.id, EventChanges(attendees=(Attendee(bert_mail, "Bert Attendee"),))
    )
    (anna_copy,) = await _copies(graph_emulator, anna, stored["iCalUId"])
    (bert_copy,) = await _copies(graph_emulator, bert, stored["iCalUId"])
    assert anna_copy["isCancelled"] is True and bert_copy["isCancelled"] is False

    await calendar.cancel_event(organiser, created.id, comment="The plan ended")
    (bert_copy,) = await _copies(graph_emulator, bert, stored["iCalUId"])
    assert bert_copy["isCancelled"] is True
    assert (await graph_emulator.request("GET", f"/users/{organiser}/events/{created.id}")
            ).status == 404
