"""Inner `$batch` requests for the bulk paths, written as JSON directly.

Building the SDK's Event model, serialising it with kiota and expanding the request builder's
URL template cost about 2 ms of CPU per event, which made the client's CPU, not Graph, the
limit when booking 10,000 members (benchmarks/bench_plan_booking.py). These produce the same
URL, body and headers the request builders do; tests/graph/test_event_json.py holds them to
the SDK's own output, so a change on either side shows.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from graph.calendar_mapping import SLOT_PROPERTY, windows_zone
from teams_app.domain.calendar import EventDraft, Recurrence

UTC_PREFERENCE = 'outlook.timezone="UTC"'
_JSON_HEADERS = {"Prefer": UTC_PREFERENCE, "Content-Type": "application/json"}
SETTINGS_SELECT = "timeZone,workingHours,language"


def user_path(mailbox: str) -> str:
    # The SDK's URI template percent-encodes every reserved character of the id segment.
    return f"/users/{quote(mailbox, safe='')}"


def create_event_request(mailbox: str, draft: EventDraft) -> dict[str, Any]:
    """POST /users/{mailbox}/events, as `events.to_post_request_information` builds it."""
    return {
        "method": "POST",
        "url": f"{user_path(mailbox)}/events",
        "body": event_create_json(draft),
        "headers": dict(_JSON_HEADERS),
    }


def mailbox_settings_request(mailbox: str) -> dict[str, Any]:
    return {
        "method": "GET",
        "url": f"{user_path(mailbox)}/mailboxSettings?%24select={SETTINGS_SELECT}",
    }


def event_create_json(draft: EventDraft) -> dict[str, Any]:
    """The body `calendar_mapping.event_to_graph` serialises to (fields left unset are left
    out, as the SDK's backing store does)."""
    zone = windows_zone(draft.time_zone)
    body: dict[str, Any] = {
        "@odata.type": "#microsoft.graph.event",
        "categories": list(draft.categories),
        "allowNewTimeProposals": draft.allow_new_time_proposals,
        "attendees": [
            {
                "@odata.type": "#microsoft.graph.attendee",
                "emailAddress": {"address": a.address, **({"name": a.name} if a.name else {})},
                "type": a.kind.value,
            }
            for a in draft.attendees
        ],
        "body": {"content": draft.body_html, "contentType": "html"},
        "end": {"dateTime": draft.end.isoformat(timespec="seconds"), "timeZone": zone},
        "isReminderOn": draft.reminder_minutes is not None,
        "showAs": draft.show_as.value,
        "start": {"dateTime": draft.start.isoformat(timespec="seconds"), "timeZone": zone},
        "subject": draft.subject,
        "transactionId": draft.transaction_id,
    }
    if draft.reminder_minutes is not None:
        body["reminderMinutesBeforeStart"] = draft.reminder_minutes
    if draft.marker is not None:
        body["singleValueExtendedProperties"] = [{"id": SLOT_PROPERTY, "value": draft.marker}]
    if draft.online_meeting:
        body["isOnlineMeeting"] = True
        body["onlineMeetingProvider"] = "teamsForBusiness"
    if draft.recurrence is not None:
        body["recurrence"] = recurrence_json(draft.recurrence, zone)
    return body


def recurrence_json(rule: Recurrence, zone: str) -> dict[str, Any]:
    pattern: dict[str, Any] = {
        "firstDayOfWeek": "monday",
        "interval": rule.interval,
        "type": rule.kind.value,
    }
    if rule.days:
        pattern["daysOfWeek"] = [day.value for day in rule.days]
    if rule.week_index is not None:
        pattern["index"] = rule.week_index.value
    if rule.day_of_month is not None:
        pattern["dayOfMonth"] = rule.day_of_month
    span: dict[str, Any] = {
        "recurrenceTimeZone": zone,
        "startDate": rule.start_date.isoformat(),
    }
    if rule.end_date is not None:
        span["type"], span["endDate"] = "endDate", rule.end_date.isoformat()
    elif rule.count is not None:
        span["type"], span["numberOfOccurrences"] = "numbered", rule.count
    else:
        span["type"] = "noEnd"
    return {"pattern": pattern, "range": span}
