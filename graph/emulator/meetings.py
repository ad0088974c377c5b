"""Meetings: what Exchange does in attendees' calendars when an organiser writes a meeting.

In Exchange Online an event with attendees is a meeting: each attendee in the tenant gets their
own copy in their own calendar (own id, same iCalUId, no transactionId, `isOrganizer: false`,
`responseStatus.response: notResponded`, shown as tentative until they answer). Updates by
the organiser reach the copies (a new time asks for a new answer); cancelling the meeting, or
deleting it from the organiser's calendar, leaves the copies in place marked `isCancelled` with
"Canceled: " before the subject until the attendee removes them; an attendee's answer shows in
the organiser's `attendees[].status`. See event-cancel, event-delete and responseStatus in the
Graph reference. Attendees outside the tenant get mail, which the emulator does not model.
"""

from __future__ import annotations

import copy as copying
from datetime import datetime

from graph.emulator.core import Emulator
from graph.emulator.events import NO_TIME, Instance, keep_within_range, occurrence_id
from graph.emulator.store import EventRecord, Mailbox, User
from graph.emulator.timezones import stamp

# Properties that are the meeting's, not the attendee's own (categories, reminders, showAs
# and the response stay with the attendee).
SHARED = ("subject", "body", "bodyPreview", "location", "locations", "attendees", "organizer",
          "isOnlineMeeting", "onlineMeetingProvider", "onlineMeeting", "importance",
          "sensitivity", "iCalUId", "allowNewTimeProposals", "hideAttendees",
          "responseRequested")
CANCELED = "Canceled: "


def organiser_show_as(emu: Emulator, record: EventRecord) -> str:
    event = _organiser_event(emu, record)
    return str(event.props["showAs"]) if event is not None else "busy"


def sync(emu: Emulator, record: EventRecord) -> None:
    """After the organiser created or changed `record`: invite new attendees, bring every
    copy in line, cancel the copies of people no longer invited."""
    if not record.props.get("isOrganizer") or record.meeting_of is not None:
        return
    if record.type == "exception":
        _sync_exception(emu, record)
        return
    wanted = _invited(emu, record)
    for user in wanted.values():
        mailbox = emu.state.mailboxes.setdefault(user.id, Mailbox(user.id))
        copy_id = record.copies.get(user.id)
        current = mailbox.events.get(copy_id) if copy_id else None
        if current is None:
            current = _new_copy(emu, record, user.id)
            mailbox.events[current.id] = current
            record.copies[user.id] = current.id
            _changed(emu, current, "created")
        else:
            _follow(emu, current, record, mailbox)
    for user_id in [u for u in record.copies if u not in wanted]:
        found = _copy(emu, user_id, record.copies.pop(user_id))
        if found is not None:
            _mark_cancelled(emu, found, emu.state.mailboxes[user_id])


def cancel(emu: Emulator, instance: Instance) -> None:
    """The organiser cancelled or deleted a meeting, one of its occurrences or exceptions."""
    record = instance.record
    if not record.props.get("isOrganizer") or record.meeting_of is not None:
        return
    if instance.type == "occurrence" or record.type == "exception":
        master = record if instance.type == "occurrence" else _master_of(emu, record)
        original = instance.original_start
        if master is None or original is None:
            return
        for user_id, copy_id in master.copies.items():
            copy_master = _copy(emu, user_id, copy_id)
            if copy_master is not None:
                mailbox = emu.state.mailboxes[user_id]
                _mark_cancelled(emu, _exception_of(emu, copy_master, original, mailbox), mailbox)
        return
    for user_id, copy_id in record.copies.items():
        found = _copy(emu, user_id, copy_id)
        if found is not None:
            _mark_cancelled(emu, found, emu.state.mailboxes[user_id])


def respond(emu: Emulator, attendee: User, record: EventRecord, response: str) -> None:
    """An attendee answered: the organiser's event shows it in `attendees[].status`."""
    event = _organiser_event(emu, record)
    if event is None:
        return
    own = {a.lower() for a in (attendee.mail, attendee.user_principal_name) if a}
    for entry in event.props["attendees"]:
        if str(entry["emailAddress"].get("address") or "").lower() in own:
            entry["status"] = {"response": response, "time": stamp(emu.now())}
    event.change_key = emu.state.new_change_key()
    event.modified = emu.now()
    _changed(emu, event, "updated")


# --- internals ---------------------------------------------------------------------------------


def _invited(emu: Emulator, record: EventRecord) -> dict[str, User]:
    found: dict[str, User] = {}
    for entry in record.props.get("attendees") or []:
        user = emu.state.find_user(str(entry["emailAddress"].get("address") or ""))
        if user is not None and user.has_mailbox and user.id != record.mailbox_id:
            found[user.id] = user
    return found


def _organiser_event(emu: Emulator, record: EventRecord) -> EventRecord | None:
    if record.meeting_of is None:
        return None
    mailbox_id, event_id = record.meeting_of
    organiser = emu.state.mailboxes.get(mailbox_id)
    return organiser.events.get(event_id) if organiser else None


def _copy(emu: Emulator, user_id: str, copy_id: str) -> EventRecord | None:
    mailbox = emu.state.mailboxes.get(user_id)
    return mailbox.events.get(copy_id) if mailbox else None


def _master_of(emu: Emulator, exception: EventRecord) -> EventRecord | None:
    mailbox = emu.state.mailboxes.get(exception.mailbox_id)
    if mailbox is None or exception.series_master_id is None:
        return None
    return mailbox.events.get(exception.series_master_id)


def _new_copy(emu: Emulator, record: EventRecord, user_id: str) -> EventRecord:
    now = emu.now()
    props = copying.deepcopy(record.props)
    props.update({
        "isOrganizer": False, "transactionId": None, "isCancelled": False,
        "responseStatus": {"response": "notResponded", "time": NO_TIME},
        "showAs": "tentative",  # new requests land tentatively until answered
    })
    return EventRecord(
        id=emu.state.new_event_id(), mailbox_id=user_id, props=props, start=record.start,
        end=record.end, start_zone=record.start_zone, end_zone=record.end_zone,
        is_all_day=record.is_all_day, type=record.type, created=now, modified=now,
        change_key=emu.state.new_change_key(), recurrence=copying.deepcopy(record.recurrence),
        meeting_of=(record.mailbox_id, record.id))


def _follow(emu: Emulator, target: EventRecord, source: EventRecord, mailbox: Mailbox) -> None:
    """`target` (a copy) takes the meeting's properties and times from `source`."""
    moved = (target.start, target.end, target.recurrence) != (source.start, source.end,
                                                              source.recurrence)
    listed = set(target.exception_ids.values())
    if moved and target.type == "seriesMaster":  # before the copy takes the new times
        keep_within_range(target, source.start, source.end, source.recurrence)
    for key in SHARED:
        target.props[key] = copying.deepcopy(source.props[key])
    target.start, target.end = source.start, source.end
    target.start_zone, target.end_zone = source.start_zone, source.end_zone
    target.is_all_day = source.is_all_day
    if target.type != "exception":
        target.recurrence = copying.deepcopy(source.recurrence)
    if moved:
        # A new time needs a new answer; a series that moves loses its exceptions (one whose
        # range only ends earlier keeps those still inside it: keep_within_range).
        target.props["responseStatus"] = {"response": "notResponded", "time": NO_TIME}
        target.props["showAs"] = "tentative"
        if target.type == "seriesMaster":
            for exception_id in listed - set(target.exception_ids.values()):
                mailbox.events.pop(exception_id, None)
    target.props["isCancelled"] = bool(source.props.get("isCancelled"))
    _touch(emu, target)


def _sync_exception(emu: Emulator, exception: EventRecord) -> None:
    master = _master_of(emu, exception)
    if master is None or exception.original_start is None:
        return
    for user_id, copy_id in master.copies.items():
        copy_master = _copy(emu, user_id, copy_id)
        if copy_master is None:
            continue
        mailbox = emu.state.mailboxes[user_id]
        target = _exception_of(emu, copy_master, exception.original_start, mailbox)
        _follow(emu, target, exception, mailbox)


def _exception_of(emu: Emulator, master: EventRecord, original: datetime,
                  mailbox: Mailbox) -> EventRecord:
    """The copy's exception for one occurrence, made from the occurrence when there is none."""
    existing = mailbox.events.get(master.exception_ids.get(original, ""))
    if existing is not None:
        return existing
    now = emu.now()
    exception = EventRecord(
        id=occurrence_id(master.id, original), mailbox_id=master.mailbox_id,
        props=copying.deepcopy(master.props), start=original,
        end=original + (master.end - master.start), start_zone=master.start_zone,
        end_zone=master.end_zone, is_all_day=master.is_all_day, type="exception", created=now,
        modified=now, change_key=master.change_key, series_master_id=master.id,
        original_start=original, meeting_of=master.meeting_of)
    exception.props["transactionId"] = None
    master.exception_ids[original] = exception.id
    mailbox.events[exception.id] = exception
    return exception


def _mark_cancelled(emu: Emulator, record: EventRecord, mailbox: Mailbox) -> None:
    records = [record] + [mailbox.events[e] for e in record.exception_ids.values()
                          if e in mailbox.events]
    for item in records:
        if item.props.get("isCancelled"):
            continue
        item.props["isCancelled"] = True
        subject = str(item.props.get("subject") or "")
        if not subject.startswith(CANCELED):
            item.props["subject"] = CANCELED + subject
        _touch(emu, item)


def _touch(emu: Emulator, record: EventRecord) -> None:
    record.modified = emu.now()
    record.change_key = emu.state.new_change_key()
    _changed(emu, record, "updated")


def _changed(emu: Emulator, record: EventRecord, change: str) -> None:
    emu.notifier.event_changed(record.mailbox_id, record.id, record.change_key, change, emu.now())
