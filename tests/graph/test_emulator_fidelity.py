"""Requests replayed exactly as Microsoft's Graph documentation writes them, checked against the
documented status and response shape:

- user-post-events (examples 1 and 3): https://learn.microsoft.com/graph/api/user-post-events
- event-list-instances: https://learn.microsoft.com/graph/api/event-list-instances
- calendar-getschedule: https://learn.microsoft.com/graph/api/calendar-getschedule
- list-create, listitem-create, listitem-update: https://learn.microsoft.com/graph/api/list-create
- json-batching: https://learn.microsoft.com/graph/json-batching

Only `/me/...` becomes `/users/{id}/...`: the service calls Graph with an application token.
"""

from __future__ import annotations

import re

from tests.graph.conftest import GraphEmulator

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z$")
PST = 'outlook.timezone="Pacific Standard Time"'

CREATE_EVENT = {  # user-post-events, request 1
    "subject": "Let's go for lunch",
    "body": {"contentType": "HTML", "content": "Does late morning work for you?"},
    "start": {"dateTime": "2017-04-15T12:00:00", "timeZone": "Pacific Standard Time"},
    "end": {"dateTime": "2017-04-15T14:00:00", "timeZone": "Pacific Standard Time"},
    "location": {"displayName": "Harry's Bar"},
    "attendees": [{"emailAddress": {"address": "samanthab@contoso.onmicrosoft.com",
                                    "name": "Samantha Booth"}, "type": "required"}],
}
CREATE_RECURRING = {  # user-post-events, request 3
    "subject": "Let's go for lunch",
    "body": {"contentType": "HTML", "content": "Does noon time work for you?"},
    "start": {"dateTime": "2017-09-04T12:00:00", "timeZone": "Pacific Standard Time"},
    "end": {"dateTime": "2017-09-04T14:00:00", "timeZone": "Pacific Standard Time"},
    "recurrence": {"pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["Monday"]},
                   "range": {"type": "endDate", "startDate": "2017-09-04",
                             "endDate": "2017-12-31"}},
    "location": {"displayName": "Harry's Bar"},
    "attendees": [{"emailAddress": {"address": "AdeleV@contoso.onmicrosoft.com",
                                    "name": "Adele Vance"}, "type": "required"}],
}
DOCUMENTED_EVENT_KEYS = {
    "@odata.context", "@odata.etag", "id", "createdDateTime", "lastModifiedDateTime",
    "changeKey", "categories", "originalStartTimeZone", "originalEndTimeZone", "iCalUId",
    "reminderMinutesBeforeStart", "isReminderOn", "hasAttachments", "subject", "bodyPreview",
    "importance", "sensitivity", "isAllDay", "isCancelled", "isOrganizer", "responseRequested",
    "seriesMasterId", "showAs", "type", "webLink", "onlineMeetingUrl", "responseStatus", "body",
    "start", "end", "location", "locations", "recurrence", "attendees", "organizer",
}


async def _user(graph_emulator: GraphEmulator, name: str, mail: str) -> str:
    user = await graph_emulator.control.add_user(name, mail=mail,
                                                 time_zone="Pacific Standard Time")
    return str(user["id"])


async def test_create_event_as_documented(graph_emulator: GraphEmulator) -> None:
    dana = await _user(graph_emulator, "Dana Swope", "danas@contoso.onmicrosoft.com")

    response = await graph_emulator.request("POST", f"/users/{dana}/events", json=CREATE_EVENT,
                                            headers={"Prefer": PST})

    assert response.status == 201
    event = response.body
    assert DOCUMENTED_EVENT_KEYS <= set(event)
    assert event["@odata.context"].endswith(f"/$metadata#users('{dana}')/events/$entity")
    assert re.fullmatch(r'W/"[^"]+"', event["@odata.etag"])
    assert STAMP.match(event["createdDateTime"]) and STAMP.match(event["lastModifiedDateTime"])
    assert response.headers["Preference-Applied"] == PST
    assert event["start"] == {"dateTime": "2017-04-15T12:00:00.0000000",
                              "timeZone": "Pacific Standard Time"}
    assert event["end"] == {"dateTime": "2017-04-15T14:00:00.0000000",
                            "timeZone": "Pacific Standard Time"}
    assert (event["type"], event["showAs"], event["importance"], event["sensitivity"]) == \
        ("singleInstance", "busy", "normal", "normal")
    assert (event["isReminderOn"], event["reminderMinutesBeforeStart"]) == (True, 15)
    assert event["responseStatus"] == {"response": "organizer", "time": "0001-01-01T00:00:00Z"}
    assert event["body"]["contentType"] == "html"
    assert event["bodyPreview"] == "Does late morning work for you?"
    assert event["location"] == {"displayName": "Harry's Bar", "locationType": "default",
                                 "uniqueId": "Harry's Bar", "uniqueIdType": "private"}
    assert event["attendees"] == [{
        "type": "required", "status": {"response": "none", "time": "0001-01-01T00:00:00Z"},
        "emailAddress": {"name": "Samantha Booth",
                         "address": "samanthab@contoso.onmicrosoft.com"}}]
    assert event["organizer"] == {"emailAddress": {"name": "Dana Swope",
                                                   "address": "danas@contoso.onmicrosoft.com"}}
    assert event["seriesMasterId"] is None and event["recurrence"] is None

    got = await graph_emulator.request("GET", f"/users/{dana}/events/{event['id']}")
    assert got.status == 200
    assert got.body["start"] == {"dateTime": "2017-04-15T19:00:00.0000000", "timeZone": "UTC"}


async def test_create_recurring_event_fills_documented_defaults(
        graph_emulator: GraphEmulator) -> None:
    alex = await _user(graph_emulator, "Alex Wilber", "AlexW@contoso.onmicrosoft.com")

    response = await graph_emulator.request("POST", f"/users/{alex}/events",
                                            json=CREATE_RECURRING)

    assert response.status == 201
    event = response.body
    assert event["type"] == "seriesMaster"
    assert event["recurrence"] == {
        "pattern": {"type": "weekly", "interval": 1, "month": 0, "dayOfMonth": 0,
                    "daysOfWeek": ["monday"], "firstDayOfWeek": "sunday", "index": "first"},
        "range": {"type": "endDate", "startDate": "2017-09-04", "endDate": "2017-12-31",
                  "recurrenceTimeZone": "Pacific Standard Time", "numberOfOccurrences": 0}}
    # As in the documented response: a create echoes the zone the event was written in.
    assert event["start"] == {"dateTime": "2017-09-04T12:00:00.0000000",
                              "timeZone": "Pacific Standard Time"}

    instances = await graph_emulator.request(
        "GET", f"/users/{alex}/events/{event['id']}/instances?startDateTime=2017-09-01T00:00:00"
        "&endDateTime=2018-01-01T00:00:00&$top=50")

    assert instances.status == 200
    occurrences = instances.body["value"]
    assert len(occurrences) == 17  # every Monday from 4 September to 25 December 2017
    assert {o["type"] for o in occurrences} == {"occurrence"}
    assert {o["seriesMasterId"] for o in occurrences} == {event["id"]}
    starts = {o["start"]["dateTime"][:10]: o["start"]["dateTime"][11:16] for o in occurrences}
    # 12:00 Pacific stays 12:00 across the end of daylight saving time (5 November 2017).
    assert starts["2017-10-30"] == "19:00" and starts["2017-11-06"] == "20:00"


async def _schedule_people(graph_emulator: GraphEmulator) -> str:
    control = graph_emulator.control
    adele = await _user(graph_emulator, "Adele Vance", "adelev@contoso.onmicrosoft.com")
    megan = await _user(graph_emulator, "Megan Bowen", "meganb@contoso.onmicrosoft.com")

    def block(subject: str, start: str, end: str, show_as: str = "busy",
              where: str = "") -> dict[str, object]:
        zone = "Pacific Standard Time"
        return {"subject": subject, "show_as": show_as, "location": {"displayName": where},
                "start": {"dateTime": f"2019-03-15T{start}:00", "timeZone": zone},
                "end": {"dateTime": f"2019-03-15T{end}:00", "timeZone": zone}}

    await control.add_event(adele, **block("Let's go for lunch", "12:00", "14:00",
                                           where="Harry's Bar"))
    for start, end, show_as in (("08:30", "09:30", "busy"), ("12:00", "14:00", "busy"),
                                ("12:00", "13:00", "tentative"), ("13:00", "14:00", "busy"),
                                ("16:00", "17:00", "tentative")):
        await control.add_event(megan, **block("Busy", start, end, show_as))
    return adele


async def test_get_schedule_as_documented(graph_emulator: GraphEmulator) -> None:
    adele = await _schedule_people(graph_emulator)
    request = {  # calendar-getschedule example
        "schedules": ["adelev@contoso.onmicrosoft.com", "meganb@contoso.onmicrosoft.com"],
        "startTime": {"dateTime": "2019-03-15T09:00:00", "timeZone": "Pacific Standard Time"},
        "endTime": {"dateTime": "2019-03-15T18:00:00", "timeZone": "Pacific Standard Time"},
        "availabilityViewInterval": 60,
    }

    response = await graph_emulator.request("POST", f"/users/{adele}/calendar/getSchedule",
                                            json=request, headers={"Prefer": PST})

    assert response.status == 200
    body = response.body
    assert body["@odata.context"].endswith(
        "/$metadata#Collection(microsoft.graph.scheduleInformation)")
    first, second = body["value"]
    assert first["scheduleId"] == "adelev@contoso.onmicrosoft.com"
    assert first["availabilityView"] == "000220000"
    assert first["scheduleItems"] == [{
        "isPrivate": False, "status": "busy", "subject": "Let's go for lunch",
        "location": "Harry's Bar",
        "start": {"dateTime": "2019-03-15T12:00:00.0000000", "timeZone": "Pacific Standard Time"},
        "end": {"dateTime": "2019-03-15T14:00:00.0000000", "timeZone": "Pacific Standard Time"}}]
    assert first["workingHours"] == {
        "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
        "startTime": "08:00:00.0000000", "endTime": "17:00:00.0000000",
        "timeZone": {"name": "Pacific Standard Time"}}
    assert second["availabilityView"] == "200220010"
    assert [i["status"] for i in second["scheduleItems"]] == \
        ["busy", "busy", "tentative", "busy", "tentative"]


async def test_sharepoint_list_and_items_as_documented(graph_emulator: GraphEmulator) -> None:
    site = await graph_emulator.control.add_site("/sites/Docs", hostname="contoso.sharepoint.com")
    lists = f"/sites/{site['id']}/lists"

    books = await graph_emulator.request("POST", lists, json={  # list-create example
        "displayName": "Books",
        "columns": [{"name": "Author", "text": {}}, {"name": "PageCount", "number": {}}],
        "list": {"template": "genericList"}})

    assert books.status == 201
    assert {"id", "createdDateTime", "createdBy", "lastModifiedDateTime"} <= set(books.body)
    assert books.body["list"]["template"] == "genericList"
    columns = await graph_emulator.request("GET", f"{lists}/{books.body['id']}/columns")
    by_name = {c["name"]: c for c in columns.body["value"]}
    assert by_name["Author"]["text"] == {"allowMultipleLines": False,
                                         "appendChangesToExistingText": False,
                                         "linesForEditing": 0, "maxLength": 255}
    assert "number" in by_name["PageCount"] and "Title" in by_name

    widgets = await graph_emulator.request("POST", lists, json={
        "displayName": "Widgets", "columns": [{"name": "Color", "text": {}},
                                              {"name": "Weight", "number": {}},
                                              {"name": "Quantity", "number": {}}]})
    items = f"{lists}/{widgets.body['id']}/items"
    created = await graph_emulator.request("POST", items, json={  # listitem-create example
        "fields": {"Title": "Widget", "Color": "Purple", "Weight": 32}})

    assert created.status == 201
    assert {"id", "createdDateTime", "createdBy", "lastModifiedDateTime",
            "lastModifiedBy"} <= set(created.body)
    assert created.body["fields"]["Color"] == "Purple" and created.body["fields"]["Weight"] == 32

    updated = await graph_emulator.request(  # listitem-update example
        "PATCH", f"{items}/{created.body['id']}/fields", json={"Color": "Fuchsia", "Quantity": 934})

    assert updated.status == 200
    assert (updated.body["Title"], updated.body["Color"], updated.body["Quantity"]) == \
        ("Widget", "Fuchsia", 934)


async def test_batch_as_documented(graph_emulator: GraphEmulator) -> None:
    await graph_emulator.control.add_user("Lynne Robbins", mail="LynneR@contoso.com")
    request = {"requests": [  # json-batching example
        {"id": "1", "method": "GET", "url": "/me/memberOf"},
        {"id": "2", "method": "GET", "url": "/me/planner/tasks"},
        {"id": "3", "method": "DELETE", "url": "/groups/0e226165-c685-41ce-8bfc-df8360ab325d"},
        {"id": "4", "url": "/users/161ab652-cdbc-490d-82a4-0ada1f0db247/"
                           "getPasswordSingleSignOnCredentials",
         "method": "POST", "body": {}, "headers": {"Content-Type": "application/json"}},
        {"id": "5", "url": "users?$select=id,displayName,userPrincipalName&$filter=city eq null"
                           "&$count=true",
         "method": "GET", "headers": {"ConsistencyLevel": "eventual"}},
    ]}

    response = await graph_emulator.request("POST", "/$batch", json=request)

    assert response.status == 200
    answers = {r["id"]: r for r in response.body["responses"]}
    assert set(answers) == {"1", "2", "3", "4", "5"}
    assert all(isinstance(a["status"], int) and isinstance(a["headers"], dict)
               for a in answers.values())
    for failed in ("1", "2", "3", "4"):
        assert answers[failed]["status"] >= 400
        assert {"code", "message", "innerError"} <= set(answers[failed]["body"]["error"])
    users = answers["5"]
    assert users["status"] == 200
    assert users["body"]["@odata.count"] == 1
    assert users["body"]["@odata.context"].endswith(
        "$metadata#users(id,displayName,userPrincipalName)")
    assert users["body"]["value"][0]["displayName"] == "Lynne Robbins"
