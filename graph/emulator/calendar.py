"""Calendar endpoints: events CRUD, cancel/decline/accept, instances and calendarView.

Shapes follow https://learn.microsoft.com/graph/api/user-post-events (201 with the whole event,
`type: seriesMaster` with defaults filled for a recurring create), event-update (200 with the
event), event-delete (204), event-cancel / event-decline (202, no body; only the organiser
may cancel), event-list-instances and user-list-calendarview.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from graph.emulator import meetings
from graph.emulator.core import Emulator
from graph.emulator.errors import GraphError, outlook_item_not_found
from graph.emulator.events import (
    Instance,
    apply,
    extended_properties,
    occurrence_id,
    parse_occurrence_id,
    render,
    single,
)
from graph.emulator.odata import collection, evaluate, page_size, parse_filter, select, selection
from graph.emulator.recurrence import is_occurrence, occurrence_starts
from graph.emulator.routing import Call, Reply, Router
from graph.emulator.store import EventRecord, Mailbox
from graph.emulator.timezones import parse_iso

DEFAULT_PAGE = 10  # Outlook's default page size
MAX_PAGE = 1000


def overlaps(start: datetime, end: datetime, window_start: datetime, window_end: datetime) -> bool:
    if start == end:
        return window_start <= start < window_end
    return start < window_end and end > window_start


def instances(mailbox: Mailbox, window_start: datetime, window_end: datetime) -> list[Instance]:
    """What calendarView lists: singles, exceptions and expanded occurrences, by start."""
    found: list[Instance] = []
    for record in mailbox.events.values():
        if record.type in {"singleInstance", "exception"}:
            if overlaps(record.start, record.end, window_start, window_end):
                found.append(single(record))
            continue
        assert record.recurrence is not None
        duration = record.end - record.start
        for start in occurrence_starts(record.recurrence, record.start, duration, window_start,
                                       window_end):
            if start in record.cancelled_starts or start in record.exception_ids:
                continue
            found.append(Instance(record, occurrence_id(record.id, start), start,
                                  start + duration, "occurrence", start))
    return sorted(found, key=lambda i: i.start)  # stable: ties keep the order of creation


def find(mailbox: Mailbox, event_id: str) -> Instance | None:
    record = mailbox.events.get(event_id)
    if record is not None:
        return single(record)
    parsed = parse_occurrence_id(event_id)
    if parsed is None:
        return None
    master = mailbox.events.get(parsed[0])
    original = parsed[1]
    if master is None or master.type != "seriesMaster" or master.recurrence is None:
        return None
    if original in master.cancelled_starts or original in master.exception_ids:
        return None
    if not is_occurrence(master.recurrence, master.start, original):
        return None
    return Instance(master, event_id, original, original + (master.end - master.start),
                    "occurrence", original)


def found(mailbox: Mailbox, event_id: str) -> Instance:
    instance = find(mailbox, event_id)
    if instance is None:
        raise outlook_item_not_found()
    return instance


def window(call: Call) -> tuple[datetime, datetime]:
    start, end = call.option("startDateTime"), call.option("endDateTime")
    if not start or not end:
        raise GraphError(400, "ErrorInvalidParameter",
                         "This request requires a time window specified by the query string "
                         "parameters StartDateTime and EndDateTime.")
    return parse_iso(start), parse_iso(end)


def changed(emu: Emulator, record: EventRecord, change: str) -> None:
    emu.notifier.event_changed(record.mailbox_id, record.id, record.change_key, change, emu.now())


def _body(call: Call) -> dict[str, Any]:
    if call.body is None:
        return {}
    if not isinstance(call.body, dict):
        raise GraphError(400, "RequestBodyRead", "The request body must be a JSON object.")
    return call.body


def _entity_context(emu: Emulator, call: Call) -> str:
    return emu.context(call, f"users('{call.params['user']}')/events/$entity")


def _filtered(call: Call, rendered: list[dict[str, Any]]) -> list[dict[str, Any]]:
    text = call.option("filter")
    if not text:
        return rendered
    node = parse_filter(text)
    return [r for r in rendered if evaluate(node, lambda p, r=r: _resolve(r, p))]


def _event_resolver(record: EventRecord, rendered: dict[str, Any]) -> Any:
    # Extended properties are not part of the event's JSON unless expanded, but Graph filters
    # on them (`singleValueExtendedProperties/any(ep: ep/id eq '...' and ep/value eq '...')`).
    def resolve(path: str) -> Any:
        if path.lower() == "singlevalueextendedproperties":
            return extended_properties(record)
        return _resolve(rendered, path)

    return resolve


def _expanded_properties(call: Call) -> Any:
    """`$expand=singleValueExtendedProperties($filter=id eq '...')`: which stored properties
    the answer shows (None when not expanded)."""
    raw = call.option("expand") or ""
    head, _, rest = raw.partition("(")
    if head.strip().lower() != "singlevalueextendedproperties":
        return None
    inner = rest.rstrip(")").strip()
    if not inner:
        return lambda _prop: True
    option, _, text = inner.partition("=")
    if option.strip().lstrip("$").lower() != "filter":
        raise GraphError(400, "BadRequest", f"Unsupported expand option: '{inner}'.")
    node = parse_filter(text)
    return lambda prop: bool(evaluate(node, lambda path: prop.get(path)))


def _resolve(resource: dict[str, Any], path: str) -> Any:
    value: Any = resource
    for part in path.split("/"):
        value = value.get(part) if isinstance(value, dict) else None
    return value


# --- handlers --------------------------------------------------------------------------------


async def create_event(call: Call, emu: Emulator) -> Reply:
    user, mailbox = emu.mailbox(call)
    body = _body(call)
    transaction = body.get("transactionId")
    existing_id = mailbox.by_transaction.get(transaction) if transaction else None
    if existing_id and existing_id in mailbox.events:
        record = mailbox.events[existing_id]  # same transactionId: the event already made
    else:
        record = apply(emu.state, user, body, now=emu.now(), tenant_id=emu.tenant_id)
        mailbox.events[record.id] = record
        if transaction:
            mailbox.by_transaction[transaction] = record.id
        changed(emu, record, "created")
        meetings.sync(emu, record)
    zone_name, headers = emu.time_zone(call)
    rendered = render(single(record), zone_name=zone_name,
                      start_zone=zone_name or record.start_zone,
                      end_zone=zone_name or record.end_zone)
    return Reply(201, {"@odata.context": _entity_context(emu, call), **rendered}, headers)


async def list_events(call: Call, emu: Emulator) -> Reply:
    _user, mailbox = emu.mailbox(call)
    zone_name, headers = emu.time_zone(call)
    records = sorted((r for r in mailbox.events.values() if r.type != "exception"),
                     key=lambda r: (r.start, r.id))
    props = selection(call)
    text = call.option("filter")
    node = parse_filter(text) if text else None
    expand = _expanded_properties(call)
    items = []
    for record in records:
        rendered = render(single(record), zone_name=zone_name)
        if node is not None and not evaluate(node, _event_resolver(record, rendered)):
            continue
        item = select(rendered, props, keep=("id",))
        if expand is not None:
            item["singleValueExtendedProperties"] = [
                p for p in extended_properties(record) if expand(p)
            ]
        items.append(item)
    size = page_size(call, emu.prefer(call), default=DEFAULT_PAGE, maximum=MAX_PAGE)
    context = emu.context(call, f"users('{call.params['user']}')/events")
    return collection(call, items, context=context, size=size, headers=headers)


async def get_event(call: Call, emu: Emulator) -> Reply:
    _user, mailbox = emu.mailbox(call)
    instance = found(mailbox, call.params["event"])
    zone_name, headers = emu.time_zone(call)
    rendered = select(render(instance, zone_name=zone_name), selection(call), keep=("id",))
    return Reply(200, {"@odata.context": _entity_context(emu, call), **rendered}, headers)


def _exception_from(emu: Emulator, instance: Instance) -> EventRecord:
    master = instance.record
    assert instance.original_start is not None
    now = emu.now()
    exception = EventRecord(
        id=instance.id, mailbox_id=master.mailbox_id, props=copy.deepcopy(master.props),
        start=instance.start, end=instance.end, start_zone=master.start_zone,
        end_zone=master.end_zone, is_all_day=master.is_all_day, type="exception", created=now,
        modified=now, change_key=master.change_key, series_master_id=master.id,
        original_start=instance.original_start)
    exception.props["transactionId"] = None
    master.exception_ids[instance.original_start] = exception.id
    return exception


async def update_event(call: Call, emu: Emulator) -> Reply:
    user, mailbox = emu.mailbox(call)
    instance = found(mailbox, call.params["event"])
    body = _body(call)
    if instance.type in {"occurrence", "exception"} and body.get("recurrence"):
        raise GraphError(400, "ErrorInvalidRequest",
                         "The recurrence of an occurrence or exception can't be changed; "
                         "update the series master instead.")
    record = instance.record
    if instance.type == "occurrence":
        record = _exception_from(emu, instance)
        mailbox.events[record.id] = record
    record = apply(emu.state, user, body, now=emu.now(), current=record, tenant_id=emu.tenant_id)
    if record.type == "seriesMaster":
        drop_orphans(mailbox, record)
    changed(emu, record, "updated")
    meetings.sync(emu, record)
    zone_name, headers = emu.time_zone(call)
    rendered = render(single(record), zone_name=zone_name,
                      start_zone=zone_name or record.start_zone,
                      end_zone=zone_name or record.end_zone)
    return Reply(200, {"@odata.context": _entity_context(emu, call), **rendered}, headers)


def drop_orphans(mailbox: Mailbox, master: EventRecord) -> None:
    """Exceptions the series no longer lists (it moved, or its range no longer reaches them)
    leave the mailbox with it."""
    listed = set(master.exception_ids.values())
    for record in list(mailbox.events.values()):
        if (record.type == "exception" and record.series_master_id == master.id
                and record.id not in listed):
            del mailbox.events[record.id]


def remove(emu: Emulator, mailbox: Mailbox, instance: Instance) -> None:
    """Delete an event, a whole series, an exception or one occurrence."""
    record = instance.record
    if instance.type == "occurrence":
        assert instance.original_start is not None
        record.cancelled_starts.add(instance.original_start)
        emu.notifier.event_changed(record.mailbox_id, instance.id, record.change_key, "deleted",
                                   emu.now())
        return
    mailbox.events.pop(record.id, None)
    if record.type == "exception" and record.series_master_id in mailbox.events:
        master = mailbox.events[record.series_master_id]
        assert record.original_start is not None
        master.exception_ids.pop(record.original_start, None)
        master.cancelled_starts.add(record.original_start)
    if record.type == "seriesMaster":
        for exception_id in record.exception_ids.values():
            mailbox.events.pop(exception_id, None)
    changed(emu, record, "deleted")


async def delete_event(call: Call, emu: Emulator) -> Reply:
    _user, mailbox = emu.mailbox(call)
    instance = found(mailbox, call.params["event"])
    meetings.cancel(emu, instance)  # deleting a meeting as organiser also cancels it
    remove(emu, mailbox, instance)
    return Reply(204)


async def cancel_event(call: Call, emu: Emulator) -> Reply:
    _user, mailbox = emu.mailbox(call)
    instance = found(mailbox, call.params["event"])
    _body(call)
    if not instance.record.props["isOrganizer"]:
        raise GraphError(400, "ErrorInvalidRequest",
                         "Your request can't be completed. You need to be an organizer to "
                         "cancel a meeting.")
    meetings.cancel(emu, instance)
    remove(emu, mailbox, instance)
    return Reply(202)


async def decline_event(call: Call, emu: Emulator) -> Reply:
    user, mailbox = emu.mailbox(call)
    instance = found(mailbox, call.params["event"])
    _body(call)
    if instance.record.props["isOrganizer"]:
        raise GraphError(400, "ErrorInvalidRequest",
                         "Your request can't be completed. You can't respond to a meeting "
                         "you organized.")
    meetings.respond(emu, user, instance.record, "declined")
    remove(emu, mailbox, instance)  # a declined meeting leaves the calendar
    return Reply(202)


async def accept_event(call: Call, emu: Emulator) -> Reply:
    user, mailbox = emu.mailbox(call)
    instance = found(mailbox, call.params["event"])
    _body(call)
    record = instance.record
    if record.props["isOrganizer"]:
        raise GraphError(400, "ErrorInvalidRequest",
                         "Your request can't be completed. You can't respond to a meeting "
                         "you organized.")
    response = "tentativelyAccepted" if call.path.lower().endswith("tentativelyaccept") \
        else "accepted"
    record.props["responseStatus"] = {"response": response,
                                      "time": emu.now().strftime("%Y-%m-%dT%H:%M:%SZ")}
    if response == "tentativelyAccepted":
        record.props["showAs"] = "tentative"
    elif record.meeting_of is not None:  # accepted: shown as the organiser shows it
        record.props["showAs"] = meetings.organiser_show_as(emu, record)
    record.change_key = emu.state.new_change_key()
    record.modified = emu.now()
    changed(emu, record, "updated")
    meetings.respond(emu, user, record, response)
    return Reply(202)


async def list_instances(call: Call, emu: Emulator) -> Reply:
    _user, mailbox = emu.mailbox(call)
    start, end = window(call)
    master = found(mailbox, call.params["event"]).record
    zone_name, headers = emu.time_zone(call)
    items: list[Instance] = []
    if master.type == "seriesMaster":
        items = [i for i in instances(mailbox, start, end)
                 if i.record.id == master.id or i.record.series_master_id == master.id]
    props = selection(call)
    rendered = [select(render(i, zone_name=zone_name), props, keep=("id",)) for i in items]
    size = page_size(call, emu.prefer(call), default=DEFAULT_PAGE, maximum=MAX_PAGE)
    context = emu.context(call, f"users('{call.params['user']}')/events('{master.id}')/instances")
    return collection(call, rendered, context=context, size=size, headers=headers)


async def calendar_view(call: Call, emu: Emulator) -> Reply:
    _user, mailbox = emu.mailbox(call)
    start, end = window(call)
    zone_name, headers = emu.time_zone(call)
    props = selection(call)
    rendered = _filtered(call, [render(i, zone_name=zone_name)
                                for i in instances(mailbox, start, end)])
    items = [select(r, props, keep=("id",)) for r in rendered]
    size = page_size(call, emu.prefer(call), default=DEFAULT_PAGE, maximum=MAX_PAGE)
    context = emu.context(call, f"users('{call.params['user']}')/calendarView")
    return collection(call, items, context=context, size=size, headers=headers)


def register(router: Router) -> None:
    for prefix in ("/users/{user}/events", "/users/{user}/calendar/events"):
        router.add("POST", prefix, create_event, mailbox="user")
        router.add("GET", prefix, list_events, mailbox="user")
        one = prefix + "/{event}"
        router.add("GET", one, get_event, mailbox="user")
        router.add("PATCH", one, update_event, mailbox="user")
        router.add("DELETE", one, delete_event, mailbox="user")
        router.add("POST", one + "/cancel", cancel_event, mailbox="user")
        router.add("POST", one + "/decline", decline_event, mailbox="user")
        router.add("POST", one + "/accept", accept_event, mailbox="user")
        router.add("POST", one + "/tentativelyAccept", accept_event, mailbox="user")
        router.add("GET", one + "/instances", list_instances, mailbox="user")
    for prefix in ("/users/{user}/calendarView", "/users/{user}/calendar/calendarView"):
        router.add("GET", prefix, calendar_view, mailbox="user")
