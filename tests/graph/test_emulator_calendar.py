"""Calendar behaviour: transactionId dedupe, time zones, recurrence across DST, exceptions,
cancel/decline, calendarView paging, delta rounds with @removed, and Graph's error bodies."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from tests.graph.conftest import TOKEN, GraphEmulator

NOW = "2025-03-24T06:00:00Z"  # a Monday; Europe moves to summer time on Sunday 30 March
WEEK = "startDateTime=2025-03-24T00:00:00Z&endDateTime=2025-03-31T00:00:00Z"


async def _person(graph_emulator: GraphEmulator, name: str = "Ingrid Test",
                  **fields: Any) -> str:
    await graph_emulator.control.reset(now=NOW)
    user = await graph_emulator.control.add_user(name, time_zone="W. Europe Standard Time",
                                                 **fields)
    return str(user["id"])


def _event(subject: str, start: str, end: str, zone: str = "UTC", **more: Any) -> dict[str, Any]:
    return {"subject": subject, "start": {"dateTime": start, "timeZone": zone},
            "end": {"dateTime": end, "timeZone": zone}, **more}


async def test_same_transaction_id_returns_the_event_already_made(
        graph_emulator: GraphEmulator) -> None:
    user = await _person(graph_emulator)
    body = _event("Learning time", "2025-03-25T09:00:00", "2025-03-25T10:00:00",
                  transactionId="7E163156-7762-4BEB-A1C6-729EA81755A7")

    first = await graph_emulator.request("POST", f"/users/{user}/events", json=body)
    again = await graph_emulator.request("POST", f"/users/{user}/events", json=body)

    assert (first.status, again.status) == (201, 201)
    assert again.body["id"] == first.body["id"]
    assert again.body["transactionId"] == body["transactionId"]
    stored = await graph_emulator.control.objects("events", mailbox=user)
    assert len(stored[user]) == 1


async def test_times_follow_prefer_outlook_timezone_windows_or_iana(
        graph_emulator: GraphEmulator) -> None:
    user = await _person(graph_emulator)
    await graph_emulator.request("POST", f"/users/{user}/events",
                                 json=_event("Sync", "2025-03-24T08:00:00", "2025-03-24T08:30:00"))

    for zone, expected in (("Europe/Stockholm", "09:00"), ("Eastern Standard Time", "04:00")):
        view = await graph_emulator.request("GET", f"/users/{user}/calendarView?{WEEK}",
                                            headers={"Prefer": f'outlook.timezone="{zone}"'})
        start = view.body["value"][0]["start"]
        assert start == {"dateTime": f"2025-03-24T{expected}:00.0000000", "timeZone": zone}
        assert view.headers["Preference-Applied"] == f'outlook.timezone="{zone}"'

    plain = await graph_emulator.request("GET", f"/users/{user}/calendarView?{WEEK}")
    assert plain.body["value"][0]["start"]["timeZone"] == "UTC"
    assert "Preference-Applied" not in plain.headers


async def test_weekly_series_keeps_wall_clock_time_across_dst(
        graph_emulator: GraphEmulator) -> None:
    user = await _person(graph_emulator)
    series = _event("Learning Circle", "2025-03-25T15:00:00", "2025-03-25T15:45:00",
                    "W. Europe Standard Time", recurrence={
                        "pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["tuesday"]},
                        "range": {"type": "numbered", "startDate": "2025-03-25",
                                  "numberOfOccurrences": 3}})
    created = await graph_emulator.request("POST", f"/users/{user}/events", json=series)

    view = await graph_emulator.request(
        "GET", f"/users/{user}/calendarView?startDateTime=2025-03-20T00:00:00Z"
        "&endDateTime=2025-05-01T00:00:00Z")

    starts = [e["start"]["dateTime"] for e in view.body["value"]]
    assert starts == ["2025-03-25T14:00:00.0000000", "2025-04-01T13:00:00.0000000",
                      "2025-04-08T13:00:00.0000000"]
    assert {e["seriesMasterId"] for e in view.body["value"]} == {created.body["id"]}


async def _weekly(graph_emulator: GraphEmulator, user: str) -> tuple[str, list[dict[str, Any]]]:
    series = _event("Stand-up", "2025-03-24T09:00:00", "2025-03-24T09:15:00", recurrence={
        "pattern": {"type": "daily", "interval": 1},
        "range": {"type": "endDate", "startDate": "2025-03-24", "endDate": "2025-03-28"}})
    created = await graph_emulator.request("POST", f"/users/{user}/events", json=series)
    master = created.body["id"]
    instances = await graph_emulator.request(
        "GET", f"/users/{user}/events/{master}/instances?{WEEK}")
    return master, instances.body["value"]


async def test_patching_an_occurrence_makes_an_exception(graph_emulator: GraphEmulator) -> None:
    user = await _person(graph_emulator)
    master, occurrences = await _weekly(graph_emulator, user)
    wednesday = occurrences[2]["id"]

    patched = await graph_emulator.request("PATCH", f"/users/{user}/events/{wednesday}", json={
        "start": {"dateTime": "2025-03-26T11:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2025-03-26T11:15:00", "timeZone": "UTC"}})

    assert patched.status == 200
    assert (patched.body["type"], patched.body["seriesMasterId"]) == ("exception", master)
    again = await graph_emulator.request("GET", f"/users/{user}/events/{master}/instances?{WEEK}")
    kinds = {e["id"]: (e["type"], e["start"]["dateTime"][11:16]) for e in again.body["value"]}
    assert kinds[wednesday] == ("exception", "11:00")
    assert sum(1 for kind, _ in kinds.values() if kind == "occurrence") == 4


async def test_deleting_an_occurrence_cancels_only_that_one(graph_emulator: GraphEmulator) -> None:
    user = await _person(graph_emulator)
    master, occurrences = await _weekly(graph_emulator, user)

    deleted = await graph_emulator.request("DELETE", f"/users/{user}/events/{occurrences[1]['id']}")

    assert deleted.status == 204 and deleted.body is None
    view = await graph_emulator.request("GET", f"/users/{user}/calendarView?{WEEK}")
    assert [e["start"]["dateTime"][:10] for e in view.body["value"]] == \
        ["2025-03-24", "2025-03-26", "2025-03-27", "2025-03-28"]
    gone = await graph_emulator.request("GET", f"/users/{user}/events/{occurrences[1]['id']}")
    assert gone.status == 404 and gone.body["error"]["code"] == "ErrorItemNotFound"
    assert (await graph_emulator.request("GET", f"/users/{user}/events/{master}")).status == 200


async def test_ending_a_series_early_keeps_its_past_and_moving_it_drops_exceptions(
        graph_emulator: GraphEmulator) -> None:
    """A PATCH of only the range's end (how an edit ends the old series) keeps the occurrences
    up to the new end with their deletions and moves, as Exchange keeps a deleted occurrence
    deleted when a range changes; the occurrences after it, and their exceptions, go. A new
    pattern or time is a moved series: every exception goes, as before."""
    user = await _person(graph_emulator)
    master, occurrences = await _weekly(graph_emulator, user)
    await graph_emulator.request("DELETE", f"/users/{user}/events/{occurrences[1]['id']}")
    for day in (2, 4):  # Wednesday's and Friday's sessions moved to 11:00
        await graph_emulator.request("PATCH", f"/users/{user}/events/{occurrences[day]['id']}",
                                     json={"start": {"dateTime": f"2025-03-2{4 + day}T11:00:00",
                                                     "timeZone": "UTC"},
                                           "end": {"dateTime": f"2025-03-2{4 + day}T11:15:00",
                                                   "timeZone": "UTC"}})
    rule = (await graph_emulator.request("GET", f"/users/{user}/events/{master}")).body[
        "recurrence"]

    ended = await graph_emulator.request("PATCH", f"/users/{user}/events/{master}", json={
        "recurrence": {"pattern": rule["pattern"],
                       "range": {**rule["range"], "type": "endDate", "endDate": "2025-03-26"}}})

    assert ended.status == 200
    assert ended.body["recurrence"]["range"]["endDate"] == "2025-03-26"
    view = await graph_emulator.request("GET", f"/users/{user}/calendarView?{WEEK}")
    assert [(e["start"]["dateTime"][:16], e["type"]) for e in view.body["value"]] == [
        ("2025-03-24T09:00", "occurrence"), ("2025-03-26T11:00", "exception")
    ]  # Tuesday stays deleted; Thursday and Friday (and Friday's move) are gone

    moved = await graph_emulator.request("PATCH", f"/users/{user}/events/{master}", json={
        "start": {"dateTime": "2025-03-24T10:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2025-03-24T10:15:00", "timeZone": "UTC"}})
    assert moved.status == 200
    view = await graph_emulator.request("GET", f"/users/{user}/calendarView?{WEEK}")
    assert [(e["start"]["dateTime"][:16], e["type"]) for e in view.body["value"]] == [
        ("2025-03-24T10:00", "occurrence"), ("2025-03-25T10:00", "occurrence"),
        ("2025-03-26T10:00", "occurrence"),
    ]


async def test_only_the_organizer_may_cancel(graph_emulator: GraphEmulator) -> None:
    user = await _person(graph_emulator)
    invited = await graph_emulator.control.add_event(
        user, subject="Town hall", start="2025-03-25T12:00:00Z", end="2025-03-25T13:00:00Z",
        organizer={"emailAddress": {"address": "ceo@contoso.example", "name": "CEO"}})
    own = await graph_emulator.request("POST", f"/users/{user}/events",
                                       json=_event("Mine", "2025-03-25T14:00:00",
                                                   "2025-03-25T15:00:00"))

    refused = await graph_emulator.request("POST", f"/users/{user}/events/{invited['id']}/cancel",
                                           json={"Comment": "Can't make it"})
    cancelled = await graph_emulator.request(
        "POST", f"/users/{user}/events/{own.body['id']}/cancel",
        json={"Comment": "Cancelling for this week"})
    declined = await graph_emulator.request(
        "POST", f"/users/{user}/events/{invited['id']}/decline",
        json={"comment": "Sorry", "sendResponse": True})

    assert refused.status == 400
    assert refused.body["error"]["message"] == ("Your request can't be completed. You need to be "
                                                "an organizer to cancel a meeting.")
    assert (cancelled.status, cancelled.body) == (202, None)
    assert (declined.status, declined.body) == (202, None)
    view = await graph_emulator.request("GET", f"/users/{user}/calendarView?{WEEK}")
    assert view.body["value"] == []


async def test_calendar_view_pages_with_absolute_next_links(graph_emulator: GraphEmulator) -> None:
    user = await _person(graph_emulator)
    for hour in range(25):
        day, at = 24 + hour // 9, 8 + hour % 9
        await graph_emulator.control.add_event(user, subject=f"Block {hour}",
                                               start=f"2025-03-{day}T{at:02d}:00:00Z",
                                               end=f"2025-03-{day}T{at:02d}:30:00Z")
    seen, url, pages = [], f"/users/{user}/calendarView?{WEEK}", 0
    while url:
        page = await graph_emulator.request("GET", url, headers={"Prefer": "odata.maxpagesize=10"})
        assert page.status == 200 and len(page.body["value"]) <= 10
        seen += [e["subject"] for e in page.body["value"]]
        url = page.body.get("@odata.nextLink")
        if url:
            assert url.startswith(graph_emulator.base_url) and "$skiptoken=" in url
        pages += 1

    assert pages == 3 and seen == [f"Block {n}" for n in range(25)]
    top = await graph_emulator.request("GET", f"/users/{user}/calendarView?{WEEK}&$top=7")
    assert len(top.body["value"]) == 7 and "$top=7" in top.body["@odata.nextLink"]


async def _delta_round(graph_emulator: GraphEmulator, url: str) -> tuple[list[dict[str, Any]], str]:
    items: list[dict[str, Any]] = []
    while True:
        page = await graph_emulator.request("GET", url, headers={"Prefer": "odata.maxpagesize=2"})
        assert page.status == 200
        items += page.body["value"]
        if "@odata.deltaLink" in page.body:
            return items, page.body["@odata.deltaLink"]
        url = page.body["@odata.nextLink"]
        assert "$skiptoken=" in url and "startDateTime" not in url


async def test_delta_rounds_report_changes_and_removals(graph_emulator: GraphEmulator) -> None:
    user = await _person(graph_emulator)
    made = [await graph_emulator.control.add_event(user, subject=f"Event {n}",
                                                   start=f"2025-03-2{5 + n}T09:00:00Z",
                                                   end=f"2025-03-2{5 + n}T10:00:00Z")
            for n in range(3)]

    first, delta_link = await _delta_round(graph_emulator,
                                           f"/users/{user}/calendarView/delta?{WEEK}")
    assert sorted(e["subject"] for e in first) == ["Event 0", "Event 1", "Event 2"]
    assert all(e["@odata.type"] == "#microsoft.graph.event" for e in first)
    assert "$deltatoken=" in delta_link

    quiet, delta_link = await _delta_round(graph_emulator, delta_link)
    assert quiet == []

    await graph_emulator.request("DELETE", f"/users/{user}/events/{made[0]['id']}")
    await graph_emulator.request("PATCH", f"/users/{user}/events/{made[1]['id']}",
                                 json={"subject": "Event 1 (moved)"})
    added = await graph_emulator.request("POST", f"/users/{user}/events",
                                         json=_event("Event 3", "2025-03-28T09:00:00",
                                                     "2025-03-28T10:00:00"))
    changes, _ = await _delta_round(graph_emulator, delta_link)

    by_id = {e["id"]: e for e in changes}
    assert by_id[made[0]["id"]] == {"@odata.type": "#microsoft.graph.event", "id": made[0]["id"],
                                    "@removed": {"reason": "deleted"}}
    assert by_id[made[1]["id"]]["subject"] == "Event 1 (moved)"
    assert by_id[added.body["id"]]["subject"] == "Event 3"
    assert made[2]["id"] not in by_id


async def test_errors_use_graph_codes_and_request_ids(graph_emulator: GraphEmulator) -> None:
    user = await _person(graph_emulator)
    no_mailbox = await graph_emulator.control.add_user("Nils NoMailbox", has_mailbox=False)

    unknown = await graph_emulator.request("GET",
                                           f"/users/nobody@contoso.example/calendarView?{WEEK}")
    mailboxless = await graph_emulator.request("GET", f"/users/{no_mailbox['id']}/events")
    missing = await graph_emulator.request("GET", f"/users/{user}/events/AAMkAGnope=",
                                           headers={"client-request-id": "abc-123"})
    unwindowed = await graph_emulator.request("GET", f"/users/{user}/calendarView")
    anonymous = await graph_emulator.request("GET", "/users", token=None)
    wrong = await graph_emulator.request("GET", "/users", token=TOKEN + "x")

    assert (unknown.status, unknown.body["error"]["code"]) == (404, "ErrorInvalidUser")
    assert (mailboxless.status, mailboxless.body["error"]["code"]) == \
        (404, "MailboxNotEnabledForRESTAPI")
    assert (missing.status, missing.body["error"]["code"]) == (404, "ErrorItemNotFound")
    inner = missing.body["error"]["innerError"]
    assert inner["client-request-id"] == "abc-123" == missing.headers["client-request-id"]
    assert inner["request-id"] == missing.headers["request-id"] and inner["date"]
    assert (unwindowed.status, unwindowed.body["error"]["code"]) == (400, "ErrorInvalidParameter")
    assert (anonymous.status, anonymous.body["error"]["code"]) == \
        (401, "InvalidAuthenticationToken")
    assert wrong.status == 401


async def test_get_schedule_limits(graph_emulator: GraphEmulator) -> None:
    user = await _person(graph_emulator)

    def body(schedules: list[str], days: int) -> dict[str, Any]:
        start = datetime(2025, 3, 24)
        return {"schedules": schedules,
                "startTime": {"dateTime": start.isoformat(), "timeZone": "UTC"},
                "endTime": {"dateTime": (start + timedelta(days=days)).isoformat(),
                            "timeZone": "UTC"}}

    url = f"/users/{user}/calendar/getSchedule"
    twenty_one = [f"p{n}@x.example" for n in range(21)]
    many = await graph_emulator.request("POST", url, json=body(twenty_one, 1))
    long = await graph_emulator.request("POST", url, json=body(["p@x.example"], 63))
    fine = await graph_emulator.request("POST", url, json=body(["p@x.example"], 62))

    assert many.status == 400
    assert (long.status, long.body["error"]["code"]) == (400, "ErrorTimeIntervalTooBig")
    assert fine.status == 200
    assert fine.body["value"] == [{"scheduleId": "p@x.example", "error": {
        "message": "Unable to resolve e-mail address p@x.example to an Active Directory object.",
        "responseCode": "5009"}}]


async def test_demo_seed_is_deterministic_and_busy(graph_emulator: GraphEmulator) -> None:
    lead = "e9209bd9-1572-4bb3-83ad-18fd46453f8d"  # demo_org.INGRID_LINDQVIST
    await graph_emulator.control.reset("demo", now=NOW)
    first = await graph_emulator.control.objects("events", mailbox=lead)
    await graph_emulator.control.reset("demo", now=NOW)
    second = await graph_emulator.control.objects("events", mailbox=lead)
    assert [e["id"] for e in first[lead]] == [e["id"] for e in second[lead]]

    view = await graph_emulator.request(
        "GET", f"/users/{lead}/calendarView?startDateTime=2025-03-24T00:00:00Z"
        "&endDateTime=2025-05-19T00:00:00Z&$top=1000")
    kinds = {e["type"] for e in view.body["value"]}
    assert len(view.body["value"]) > 40 and {"occurrence", "singleInstance"} <= kinds
    settings = await graph_emulator.request("GET", f"/users/{lead}/mailboxSettings")
    assert settings.body["timeZone"] == "W. Europe Standard Time"
    assert settings.body["workingHours"]["startTime"] == "08:00:00.0000000"
    nils = await graph_emulator.request("GET", "/users/0c9d6a5e-6f0b-4a53-9e55-3b1f9f7c2d41/"
                                               "mailboxSettings")
    assert nils.body["error"]["code"] == "MailboxNotEnabledForRESTAPI"


async def test_online_all_day_and_availability_digits(graph_emulator: GraphEmulator) -> None:
    user = await _person(graph_emulator, mail="ingrid@contoso.example")
    online = await graph_emulator.request("POST", f"/users/{user}/events", json=_event(
        "Retro", "2025-03-24T13:00:00", "2025-03-24T14:00:00", isOnlineMeeting=True,
        onlineMeetingProvider="teamsForBusiness"))
    not_midnight = await graph_emulator.request("POST", f"/users/{user}/events", json=_event(
        "Away", "2025-03-25T09:00:00", "2025-03-26T09:00:00", isAllDay=True))
    away = await graph_emulator.request("POST", f"/users/{user}/events", json=_event(
        "Away", "2025-03-25T00:00:00", "2025-03-26T00:00:00", "W. Europe Standard Time",
        isAllDay=True, showAs="oof"))
    await graph_emulator.control.add_event(user, subject="From home", show_as="workingElsewhere",
                                           start="2025-03-24T08:00:00Z",
                                           end="2025-03-24T09:00:00Z")

    assert online.body["onlineMeetingProvider"] == "teamsForBusiness"
    assert online.body["onlineMeeting"]["joinUrl"].startswith(
        "https://teams.microsoft.com/l/meetup-join/")
    assert not_midnight.status == 400
    assert away.status == 201 and away.body["isAllDay"] is True
    view = await graph_emulator.request("GET", f"/users/{user}/calendarView?{WEEK}",
                                        headers={"Prefer": 'outlook.timezone="UTC"'})
    all_day = next(e for e in view.body["value"] if e["isAllDay"])
    assert all_day["start"] == {"dateTime": "2025-03-25T00:00:00.0000000", "timeZone": "UTC"}
    schedule = await graph_emulator.request(
        "POST", f"/users/{user}/calendar/getSchedule", json={
            "schedules": ["ingrid@contoso.example"],
            "startTime": {"dateTime": "2025-03-24T08:00:00", "timeZone": "UTC"},
            "endTime": {"dateTime": "2025-03-25T12:00:00", "timeZone": "UTC"},
            "availabilityViewInterval": 240})
    # 4-hour slots from 08:00 UTC: working elsewhere, busy, free, then out of office from
    # midnight in Stockholm (23:00 UTC) to the end of the window
    assert schedule.body["value"][0]["availabilityView"] == "4203333"


async def test_extended_properties_are_stored_filtered_on_and_expanded(
        graph_emulator: GraphEmulator) -> None:
    """Graph's documented shapes: create with singleValueExtendedProperties, list events with
    `$filter=singleValueExtendedProperties/Any(ep: ...)`, read them back only when expanded."""
    user = await _person(graph_emulator)
    prop = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color"
    marked = _event("Marked", "2025-03-25T09:00:00", "2025-03-25T10:00:00",
                    singleValueExtendedProperties=[{"id": prop, "value": "Green"}])
    other = _event("Other", "2025-03-25T11:00:00", "2025-03-25T12:00:00",
                   singleValueExtendedProperties=[{"id": prop, "value": "Red"}])
    plain = _event("Plain", "2025-03-25T13:00:00", "2025-03-25T14:00:00")
    created = [await graph_emulator.request("POST", f"/users/{user}/events", json=body)
               for body in (marked, other, plain)]
    assert [c.status for c in created] == [201, 201, 201]
    assert "singleValueExtendedProperties" not in created[0].body

    condition = f"singleValueExtendedProperties/Any(ep: ep/id eq '{prop}' and ep/value eq 'Green')"
    found = await graph_emulator.request(
        "GET", f"/users/{user}/events?{urlencode({'$filter': condition})}")
    assert found.status == 200
    assert [e["subject"] for e in found.body["value"]] == ["Marked"]
    assert "singleValueExtendedProperties" not in found.body["value"][0]

    expand = f"singleValueExtendedProperties($filter=id eq '{prop}')"
    expanded = await graph_emulator.request(
        "GET", f"/users/{user}/events?{urlencode({'$filter': condition, '$expand': expand})}")
    assert expanded.body["value"][0]["singleValueExtendedProperties"] == [
        {"id": prop, "value": "Green"}]

    bad = await graph_emulator.request(
        "POST", f"/users/{user}/events",
        json={**plain, "singleValueExtendedProperties": [{"id": prop}]})
    assert bad.status == 400 and bad.body["error"]["code"] == "ErrorInvalidExtendedProperty"
