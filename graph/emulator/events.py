"""Events: building records from Graph's request bodies and rendering Graph's event JSON.

Stored records are single instances, series masters and exceptions. Occurrences are not
stored; they are rendered from their master on demand, with an id that encodes the master
and the occurrence's original start, so they stay stable across calls.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from graph.emulator.errors import GraphError
from graph.emulator.recurrence import is_occurrence, normalize, same_pattern
from graph.emulator.store import EmulatorState, EventRecord, User
from graph.emulator.timezones import floating_dtz, from_dtz, require_zone, stamp, to_dtz

NO_TIME = "0001-01-01T00:00:00Z"
SHOW_AS = ("free", "tentative", "busy", "oof", "workingElsewhere", "unknown")
# Properties a client may set on create or update (Graph's event resource).
WRITABLE = {
    "subject", "body", "start", "end", "isAllDay", "showAs", "categories", "isReminderOn",
    "reminderMinutesBeforeStart", "location", "locations", "attendees", "organizer",
    "isOnlineMeeting", "onlineMeetingProvider", "recurrence", "transactionId", "importance",
    "sensitivity", "responseRequested", "allowNewTimeProposals", "hideAttendees", "isDraft",
    "originalStartTimeZone", "originalEndTimeZone", "extensions", "singleValueExtendedProperties",
    "multiValueExtendedProperties",
}
READ_ONLY_ACCEPTED = {"id", "type", "seriesMasterId", "iCalUId", "createdDateTime",
                      "lastModifiedDateTime", "changeKey", "webLink", "responseStatus",
                      "isOrganizer", "isCancelled", "bodyPreview", "hasAttachments",
                      "onlineMeeting", "onlineMeetingUrl"}


def occurrence_id(master_id: str, original_start: datetime) -> str:
    raw = f"{master_id}|{original_start.astimezone(UTC):%Y%m%dT%H%M%SZ}".encode()
    return "AAMkOC" + base64.urlsafe_b64encode(raw).decode()


def parse_occurrence_id(event_id: str) -> tuple[str, datetime] | None:
    if not event_id.startswith("AAMkOC"):
        return None
    try:
        master_id, _, when = base64.urlsafe_b64decode(event_id[6:]).decode().partition("|")
        return master_id, datetime.strptime(when, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


@dataclass(frozen=True)
class Instance:
    """What a calendar view lists: a stored single/exception, or a generated occurrence."""

    record: EventRecord  # the record itself, or the master of an occurrence
    id: str
    start: datetime
    end: datetime
    type: str
    original_start: datetime | None = None

    @property
    def change_key(self) -> str:
        return self.record.change_key


def _check_keys(body: dict[str, Any]) -> None:
    for key in body:
        if "@odata" in key or key in WRITABLE or key in READ_ONLY_ACCEPTED:
            continue
        raise GraphError(400, "RequestBodyRead",
                         f"The property '{key}' does not exist on type 'microsoft.graph.event'. "
                         "Make sure to only use property names that are defined by the type or "
                         "mark the type as open type.")


def _body(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {"contentType": "html", "content": ""}
    kind = str(value.get("contentType") or "text").lower()
    content = str(value.get("content") or "")
    if kind == "html" and content and "<html" not in content.lower():
        content = f"<html><head></head><body>{content}</body></html>"
    return {"contentType": "html" if kind == "html" else "text", "content": content}


def _preview(body: dict[str, str]) -> str:
    text = re.sub(r"<[^>]+>", " ", body["content"]) if body["contentType"] == "html" else \
        body["content"]
    return re.sub(r"\s+", " ", html.unescape(text)).strip()[:255]


def _email(value: Any) -> dict[str, Any]:
    address = value.get("emailAddress") if isinstance(value, dict) else None
    if not isinstance(address, dict):
        address = {}
    return {"name": address.get("name") or address.get("address") or "",
            "address": address.get("address") or ""}


def _attendees(value: Any) -> list[dict[str, Any]]:
    attendees = []
    for entry in value or []:
        if not isinstance(entry, dict):
            continue
        status = entry.get("status") if isinstance(entry.get("status"), dict) else None
        attendees.append({
            "type": str(entry.get("type") or "required").lower(),
            "status": status or {"response": "none", "time": NO_TIME},
            "emailAddress": _email(entry),
        })
    return attendees


def _extended(current: dict[str, dict[str, str]] | None, value: Any) -> dict[str, dict[str, str]]:
    """Single-value extended properties by id (ids compare case-insensitively, as Exchange's
    do); a create or PATCH sets the values it names and keeps the others."""
    if not isinstance(value, list):
        raise GraphError(400, "RequestBodyRead",
                         "singleValueExtendedProperties must be a collection.")
    found = dict(current or {})
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) \
                or not isinstance(item.get("value"), str) or not item["id"].strip():
            raise GraphError(400, "ErrorInvalidExtendedProperty",
                             "An extended property needs a string id and a string value.")
        found[item["id"].lower()] = {"id": item["id"], "value": item["value"]}
    return found


def extended_properties(record: EventRecord) -> list[dict[str, str]]:
    return [dict(v) for v in (record.props.get("extended") or {}).values()]


def _location(value: Any) -> dict[str, Any]:
    name = value.get("displayName", "") if isinstance(value, dict) else ""
    if not name:
        return {"displayName": "", "locationType": "default", "uniqueIdType": "unknown",
                "address": {}, "coordinates": {}}
    return {"displayName": name, "locationType": "default", "uniqueId": name,
            "uniqueIdType": "private"}


def _times(body: dict[str, Any], current: EventRecord | None) -> tuple[datetime, str, datetime,
                                                                         str, bool]:
    all_day = bool(body.get("isAllDay", current.is_all_day if current else False))
    if "start" in body:
        start, start_zone = from_dtz(body["start"], "start")
    elif current:
        start, start_zone = current.start, current.start_zone
    else:
        raise GraphError(400, "ErrorInvalidRequest", "The event's start time is required.")
    if "end" in body:
        end, end_zone = from_dtz(body["end"], "end")
    elif current:
        end, end_zone = current.end, current.end_zone
    else:
        raise GraphError(400, "ErrorInvalidRequest", "The event's end time is required.")
    if end < start:
        raise GraphError(400, "ErrorInvalidRequest",
                         "The end time of the event must be later than its start time.")
    if all_day:
        for instant, name in ((start, start_zone), (end, end_zone)):
            local = instant.astimezone(require_zone(name))
            if local.time() != time():
                raise GraphError(400, "ErrorInvalidRequest",
                                 "Your request can't be completed. If the event is an all-day "
                                 "event, its start and end times must be set to midnight.")
        if end == start:
            raise GraphError(400, "ErrorInvalidRequest",
                             "An all-day event must last at least one day.")
    return start, start_zone, end, end_zone, all_day


def apply(state: EmulatorState, owner: User, body: dict[str, Any], *, now: datetime,
          current: EventRecord | None = None, tenant_id: str = "") -> EventRecord:
    """A new record from a create body, or `current` updated by a PATCH body."""
    if not isinstance(body, dict):
        raise GraphError(400, "RequestBodyRead", "The request body must be a JSON object.")
    _check_keys(body)
    start, start_zone, end, end_zone, all_day = _times(body, current)
    props: dict[str, Any] = dict(current.props) if current else {
        "subject": "", "body": {"contentType": "html", "content": ""}, "categories": [],
        "importance": "normal", "sensitivity": "normal", "showAs": "busy",
        "isReminderOn": True, "reminderMinutesBeforeStart": 15, "location": _location(None),
        "locations": [], "attendees": [], "responseRequested": True,
        "allowNewTimeProposals": True, "hideAttendees": False, "isDraft": False,
        "isOnlineMeeting": False, "onlineMeetingProvider": "unknown", "onlineMeeting": None,
        "transactionId": None, "isCancelled": False,
        "iCalUId": "040000008200E00074C5B7101A82E00800000000" +
                   f"{state.rng.getrandbits(192):048X}",
        "organizer": {"emailAddress": {"name": owner.display_name,
                                       "address": owner.mail or owner.user_principal_name}},
    }
    simple = ("subject", "categories", "importance", "sensitivity", "isReminderOn",
              "reminderMinutesBeforeStart", "responseRequested", "allowNewTimeProposals",
              "hideAttendees", "isDraft", "transactionId")
    for key in simple:
        if key in body:
            props[key] = body[key]
    if "showAs" in body:
        show_as = next((s for s in SHOW_AS if s.lower() == str(body["showAs"]).lower()), None)
        if show_as is None:
            raise GraphError(400, "ErrorInvalidRequest",
                             f"The value '{body['showAs']}' is not valid for 'showAs'.")
        props["showAs"] = show_as
    if "body" in body:
        props["body"] = _body(body["body"])
    if "location" in body:
        props["location"] = _location(body["location"])
    if "locations" in body:
        props["locations"] = [_location(v) for v in body["locations"] or []]
        if "location" not in body and props["locations"]:
            props["location"] = _location({"displayName": "; ".join(
                v["displayName"] for v in props["locations"])})
    if "attendees" in body:
        props["attendees"] = _attendees(body["attendees"])
    if "singleValueExtendedProperties" in body:
        props["extended"] = _extended(props.get("extended"), body["singleValueExtendedProperties"])
    if "organizer" in body and isinstance(body["organizer"], dict):
        props["organizer"] = {"emailAddress": _email(body["organizer"])}
    if "isOnlineMeeting" in body or "onlineMeetingProvider" in body:
        online = bool(body.get("isOnlineMeeting", props["isOnlineMeeting"]))
        provider = str(body.get("onlineMeetingProvider") or "teamsForBusiness")
        props["isOnlineMeeting"] = online
        props["onlineMeetingProvider"] = provider if online else "unknown"
        props["onlineMeeting"] = {"joinUrl": _join_url(state, tenant_id, owner.id)} if online \
            else None
    organizer = props["organizer"]["emailAddress"]["address"].lower()
    own = {a.lower() for a in (owner.mail, owner.user_principal_name) if a}
    props["isOrganizer"] = organizer in own
    if current is None or "organizer" in body:
        props["responseStatus"] = {"response": "organizer" if props["isOrganizer"] else "accepted",
                                   "time": NO_TIME if props["isOrganizer"] else stamp(now)}
    props["bodyPreview"] = _preview(props["body"])
    recurrence = current.recurrence if current else None
    if "recurrence" in body:
        local = start.astimezone(require_zone(start_zone)).replace(tzinfo=None)
        recurrence = normalize(body["recurrence"], local, start_zone) if body["recurrence"] \
            else None
    elif recurrence and ("start" in body or "end" in body):
        recurrence = normalize(recurrence, start.astimezone(require_zone(start_zone)).replace(
            tzinfo=None), start_zone)
    kind = current.type if current else "singleInstance"
    if kind != "exception":
        kind = "seriesMaster" if recurrence else "singleInstance"
    record = current or EventRecord(
        id=state.new_event_id(), mailbox_id=owner.id, props=props, start=start, end=end,
        start_zone=start_zone, end_zone=end_zone, is_all_day=all_day, type=kind, created=now,
        modified=now, change_key=state.new_change_key())
    if current is not None:
        schedule_changed = (start, end, recurrence) != (current.start, current.end,
                                                        current.recurrence)
        if schedule_changed and current.type == "seriesMaster":
            keep_within_range(current, start, end, recurrence)
        record.props, record.modified = props, now
        record.change_key = state.new_change_key()
    record.start, record.end, record.start_zone, record.end_zone = start, end, start_zone, end_zone
    record.is_all_day, record.recurrence, record.type = all_day, recurrence, kind
    return record


def keep_within_range(master: EventRecord, start: datetime, end: datetime,
                      recurrence: dict[str, Any] | None) -> None:
    """A series that moves (new times or pattern) loses its exceptions and deleted
    occurrences, as Outlook drops them. One whose range only ends earlier or later keeps those
    still inside it, as Exchange does (a deleted occurrence stays deleted when a series is
    extended); the ones past the new end go with their occurrences. Exception records no
    longer listed are removed by the caller (`drop_orphans`), which holds the mailbox."""
    old = master.recurrence
    if (old is None or recurrence is None or (start, end) != (master.start, master.end)
            or not same_pattern(old, recurrence)):
        master.cancelled_starts.clear()
        master.exception_ids.clear()
        return
    master.cancelled_starts = {s for s in master.cancelled_starts
                               if is_occurrence(recurrence, start, s)}
    master.exception_ids = {s: e for s, e in master.exception_ids.items()
                            if is_occurrence(recurrence, start, s)}


def _join_url(state: EmulatorState, tenant_id: str, user_id: str) -> str:
    meeting = base64.urlsafe_b64encode(state.rng.getrandbits(240).to_bytes(30, "big")).decode()
    return ("https://teams.microsoft.com/l/meetup-join/19%3ameeting_" + meeting.rstrip("=") +
            "%40thread.v2/0?context=%7b%22Tid%22%3a%22" + tenant_id + "%22%2c%22Oid%22%3a%22" +
            user_id + "%22%7d")


def _when(instant: datetime, record: EventRecord, zone_name: str | None,
          own_zone: str) -> dict[str, str]:
    if record.is_all_day:
        day = instant.astimezone(require_zone(own_zone)).date()
        return floating_dtz(day, zone_name or "UTC")
    return to_dtz(instant, zone_name)


def render(instance: Instance, *, zone_name: str | None,
           start_zone: str | None = None, end_zone: str | None = None) -> dict[str, Any]:
    """Graph's event JSON. Times are in `zone_name` (UTC when None); a create may instead pass
    the zones the event was written in, as Graph's create responses do."""
    record = instance.record
    props = record.props
    kind = instance.type
    event_id = instance.id
    link = event_id.replace("=", "%3D")
    # Graph returns originalStart (a DateTimeOffset) on occurrences and exceptions only.
    original = (
        {"originalStart": f"{instance.original_start.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"}
        if kind in ("occurrence", "exception") and instance.original_start is not None
        else {}
    )
    return {
        "@odata.etag": f'W/"{record.change_key}"',
        "id": event_id,
        "createdDateTime": stamp(record.created),
        "lastModifiedDateTime": stamp(record.modified),
        "changeKey": record.change_key,
        "categories": list(props["categories"]),
        "transactionId": props.get("transactionId") if kind != "occurrence" else None,
        "originalStartTimeZone": record.start_zone,
        "originalEndTimeZone": record.end_zone,
        "iCalUId": props["iCalUId"],
        "reminderMinutesBeforeStart": props["reminderMinutesBeforeStart"],
        "isReminderOn": props["isReminderOn"],
        "hasAttachments": False,
        "subject": props["subject"],
        "bodyPreview": props["bodyPreview"],
        "importance": props["importance"],
        "sensitivity": props["sensitivity"],
        "isAllDay": record.is_all_day,
        "isCancelled": props["isCancelled"],
        "isOrganizer": props["isOrganizer"],
        "responseRequested": props["responseRequested"],
        "seriesMasterId": record.id if kind == "occurrence" else record.series_master_id,
        "showAs": props["showAs"],
        "type": kind,
        "webLink": f"https://outlook.office365.com/owa/?itemid={link}&exvsurl=1"
                   "&path=/calendar/item",
        "onlineMeetingUrl": None,
        "isOnlineMeeting": props["isOnlineMeeting"],
        "onlineMeetingProvider": props["onlineMeetingProvider"],
        "allowNewTimeProposals": props["allowNewTimeProposals"],
        "isDraft": props["isDraft"],
        "hideAttendees": props["hideAttendees"],
        "responseStatus": dict(props["responseStatus"]),
        "body": dict(props["body"]),
        "start": _when(instance.start, record, start_zone or zone_name, record.start_zone),
        "end": _when(instance.end, record, end_zone or zone_name, record.end_zone),
        "location": dict(props["location"]),
        "locations": [dict(v) for v in props["locations"]],
        "recurrence": record.recurrence if kind == "seriesMaster" else None,
        "attendees": [dict(a) for a in props["attendees"]],
        "organizer": dict(props["organizer"]),
        "onlineMeeting": props["onlineMeeting"],
        **original,
    }


def single(record: EventRecord) -> Instance:
    return Instance(record, record.id, record.start, record.end, record.type,
                    record.original_start)
