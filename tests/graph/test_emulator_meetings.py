"""Meetings in the emulator behave as in Exchange: attendees in the tenant get their own copy,
organiser updates reach the copies, a cancel or delete leaves them marked cancelled, and an
attendee's answer shows in the organiser's event."""

from __future__ import annotations

from typing import Any

from tests.graph.conftest import GraphEmulator

NOW = "2025-03-24T06:00:00Z"
WEEKS = "startDateTime=2025-03-24T00:00:00Z&endDateTime=2025-04-14T00:00:00Z"
TRANSACTION = "4d7c2d5e-8f0a-4c43-9a55-0f6c7a1b2c3d"


async def _people(graph_emulator: GraphEmulator) -> tuple[str, str, str]:
    await graph_emulator.control.reset(now=NOW)
    ids = []
    for name in ("Olga Organiser", "Anna Attendee", "Bert Attendee"):
        user = await graph_emulator.control.add_user(name, time_zone="W. Europe Standard Time")
        ids.append(str(user["id"]))
    return ids[0], ids[1], ids[2]


def _invite(*addresses: str) -> dict[str, Any]:
    return {
        "subject": "Learning time: testing",
        "body": {"contentType": "html", "content": "<p>Bring a laptop</p>"},
        "start": {"dateTime": "2025-03-25T10:00:00", "timeZone": "W. Europe Standard Time"},
        "end": {"dateTime": "2025-03-25T11:00:00", "timeZone": "W. Europe Standard Time"},
        "recurrence": {"pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["tuesday"]},
                       "range": {"type": "numbered", "startDate": "2025-03-25",
                                 "numberOfOccurrences": 3}},
        "attendees": [{"emailAddress": {"address": a}, "type": "required"} for a in addresses],
        "isOnlineMeeting": True, "onlineMeetingProvider": "teamsForBusiness",
        "transactionId": TRANSACTION,
    }


async def _events(graph_emulator: GraphEmulator, user: str) -> list[dict[str, Any]]:
    return list((await graph_emulator.control.objects("events", mailbox=user)).get(user, []))


async def _mail(graph_emulator: GraphEmulator, user: str) -> str:
    users = await graph_emulator.control.objects("users")
    return next(str(u["mail"]) for u in users if u["id"] == user)


async def test_attendees_get_their_own_copy_once(graph_emulator: GraphEmulator) -> None:
    organiser, anna, bert = await _people(graph_emulator)
    body = _invite(await _mail(graph_emulator, anna), await _mail(graph_emulator, bert),
                   "guest@fabrikam.example")

    created = await graph_emulator.request("POST", f"/users/{organiser}/events", json=body)
    again = await graph_emulator.request("POST", f"/users/{organiser}/events", json=body)

    assert created.status == 201 and again.body["id"] == created.body["id"]
    assert created.body["onlineMeeting"]["joinUrl"].startswith("https://teams.microsoft.com/")
    for attendee in (anna, bert):
        (copy,) = await _events(graph_emulator, attendee)
        assert copy["id"] != created.body["id"]
        assert copy["iCalUId"] == created.body["iCalUId"]
        assert (copy["type"], copy["isOrganizer"], copy["transactionId"]) == (
            "seriesMaster", False, None)
        assert copy["responseStatus"]["response"] == "notResponded"
        assert copy["showAs"] == "tentative"
        assert copy["onlineMeeting"] == created.body["onlineMeeting"]
        view = await graph_emulator.request("GET", f"/users/{attendee}/calendarView?{WEEKS}")
        assert [e["start"]["dateTime"][:16] for e in view.body["value"]] == [
            "2025-03-25T09:00", "2025-04-01T08:00", "2025-04-08T08:00"]


async def test_updates_answers_and_cancellation_follow_the_meeting(
    graph_emulator: GraphEmulator,
) -> None:
    organiser, anna, bert = await _people(graph_emulator)
    anna_mail, bert_mail = await _mail(graph_emulator, anna), await _mail(graph_emulator, bert)
    created = await graph_emulator.request(
        "POST", f"/users/{organiser}/events", json=_invite(anna_mail, bert_mail))
    master = created.body["id"]
    (anna_copy,) = await _events(graph_emulator, anna)

    accepted = await graph_emulator.request(
        "POST", f"/users/{anna}/events/{anna_copy['id']}/accept", json={"sendResponse": True})
    assert accepted.status == 202
    (anna_copy,) = await _events(graph_emulator, anna)
    assert anna_copy["showAs"] == "busy"
    event = (await graph_emulator.request("GET", f"/users/{organiser}/events/{master}")).body
    status = {a["emailAddress"]["address"]: a["status"]["response"] for a in event["attendees"]}
    assert status == {anna_mail: "accepted", bert_mail: "none"}

    await graph_emulator.request("PATCH", f"/users/{organiser}/events/{master}",
                                 json={"subject": "Learning time: contract tests"})
    (anna_copy,) = await _events(graph_emulator, anna)
    assert anna_copy["subject"] == "Learning time: contract tests"
    assert anna_copy["responseStatus"]["response"] == "accepted"  # same time: answer stands

    await graph_emulator.request("PATCH", f"/users/{organiser}/events/{master}", json={
        "attendees": [{"emailAddress": {"address": anna_mail}, "type": "required"}]})
    (bert_copy,) = await _events(graph_emulator, bert)
    assert bert_copy["isCancelled"] and bert_copy["subject"].startswith("Canceled: ")

    cancelled = await graph_emulator.request(
        "POST", f"/users/{organiser}/events/{master}/cancel", json={"Comment": "Plan ended"})
    assert cancelled.status == 202
    assert await _events(graph_emulator, organiser) == []
    (anna_copy,) = await _events(graph_emulator, anna)
    assert anna_copy["isCancelled"] is True
    assert anna_copy["subject"] == "Canceled: Learning time: contract tests"
    schedule = await graph_emulator.request(
        "POST", f"/users/{anna}/calendar/getSchedule", json={
            "schedules": [anna_mail],
            "startTime": {"dateTime": "2025-03-25T00:00:00", "timeZone": "UTC"},
            "endTime": {"dateTime": "2025-03-26T00:00:00", "timeZone": "UTC"}})
    assert schedule.body["value"][0]["scheduleItems"] == []  # a cancelled meeting is free


async def test_a_moved_occurrence_and_a_deleted_meeting_reach_the_copies(
    graph_emulator: GraphEmulator,
) -> None:
    organiser, anna, _bert = await _people(graph_emulator)
    created = await graph_emulator.request(
        "POST", f"/users/{organiser}/events", json=_invite(await _mail(graph_emulator, anna)))
    master = created.body["id"]
    occurrences = await graph_emulator.request(
        "GET", f"/users/{organiser}/events/{master}/instances?{WEEKS}")
    second = occurrences.body["value"][1]["id"]

    await graph_emulator.request("PATCH", f"/users/{organiser}/events/{second}", json={
        "start": {"dateTime": "2025-04-01T12:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2025-04-01T13:00:00", "timeZone": "UTC"}})
    view = await graph_emulator.request("GET", f"/users/{anna}/calendarView?{WEEKS}")
    assert [(e["type"], e["start"]["dateTime"][:16]) for e in view.body["value"]] == [
        ("occurrence", "2025-03-25T09:00"), ("exception", "2025-04-01T12:00"),
        ("occurrence", "2025-04-08T08:00")]

    deleted = await graph_emulator.request("DELETE", f"/users/{organiser}/events/{master}")
    assert deleted.status == 204
    view = await graph_emulator.request("GET", f"/users/{anna}/calendarView?{WEEKS}")
    assert len(view.body["value"]) == 3 and all(e["isCancelled"] for e in view.body["value"])
