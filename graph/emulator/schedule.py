"""Free/busy and mailbox settings: calendar/getSchedule and mailboxSettings.

getSchedule follows https://learn.microsoft.com/graph/api/calendar-getschedule and the limits
in https://learn.microsoft.com/graph/outlook-get-free-busy-schedule: at most 20 schedules, a
window under 62 days (beyond: 400 ErrorTimeIntervalTooBig), availabilityViewInterval from 5 to
1440 minutes (default 30); an address it can't resolve gets a schedule item with `error`.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from typing import Any

from graph.emulator.calendar import instances
from graph.emulator.core import Emulator
from graph.emulator.errors import GraphError
from graph.emulator.routing import Call, Reply, Router
from graph.emulator.store import User, WorkingHours
from graph.emulator.timezones import from_dtz, time_of_day, to_dtz, windows_name, working_time, zone

MAX_SCHEDULES = 20
MAX_WINDOW_DAYS = 62
DIGITS = {"free": "0", "tentative": "1", "busy": "2", "oof": "3", "workingElsewhere": "4"}
RANK = {"0": 0, "4": 1, "1": 2, "2": 3, "3": 4}  # which status wins when items overlap
LANGUAGES = {"en-US": "English (United States)", "en-GB": "English (United Kingdom)",
             "sv-SE": "Swedish (Sweden)", "nl-NL": "Dutch (Netherlands)",
             "nl-BE": "Dutch (Belgium)", "de-DE": "German (Germany)",
             "de-AT": "German (Austria)", "de-CH": "German (Switzerland)",
             "fr-FR": "French (France)", "fi-FI": "Finnish (Finland)"}
LOCALE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


def _field(body: dict[str, Any], name: str) -> Any:
    for key, value in body.items():
        if key.lower() == name.lower():
            return value
    return None


def working_hours_json(user: User) -> dict[str, Any]:
    hours = user.working_hours
    return {"daysOfWeek": list(hours.days), "startTime": time_of_day(hours.start),
            "endTime": time_of_day(hours.end), "timeZone": {"name": user.time_zone}}


def _schedule(emu: Emulator, address: str, start: datetime, end: datetime, interval: int,
              zone_name: str | None) -> dict[str, Any]:
    user = emu.state.find_user(address)
    if user is None:
        return {"scheduleId": address, "error": {
            "message": f"Unable to resolve e-mail address {address} to an Active Directory "
                       "object.", "responseCode": "5009"}}
    if not user.has_mailbox:
        return {"scheduleId": address, "error": {
            "message": "The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
            "responseCode": "MailboxNotEnabledForRESTAPI"}}
    mailbox = emu.state.mailboxes[user.id]
    items, busy = [], []
    for instance in instances(mailbox, start, end):
        props = instance.record.props
        status = props["showAs"]
        if status not in DIGITS or status == "free" or props["isCancelled"]:
            continue
        private = props["sensitivity"] == "private"
        item: dict[str, Any] = {"isPrivate": private, "status": status}
        if not private:
            item["subject"] = props["subject"]
            item["location"] = props["location"].get("displayName", "")
        item["start"] = to_dtz(instance.start, zone_name)
        item["end"] = to_dtz(instance.end, zone_name)
        items.append(item)
        busy.append((instance.start, instance.end, DIGITS[status]))
    step = timedelta(minutes=interval)
    slots = math.ceil((end - start) / step)
    # Each item marks the slots it overlaps (slot i is [start + i*step, start + (i+1)*step));
    # walking every slot for every item made a 10,000-person booking wait on the emulator.
    view = ["0"] * slots
    for item_start, item_end, item_digit in busy:
        first = max(0, math.floor((item_start - start) / step))
        last = min(slots, math.ceil((item_end - start) / step))
        for index in range(first, last):
            if RANK[item_digit] > RANK[view[index]]:
                view[index] = item_digit
    return {"scheduleId": address, "availabilityView": "".join(view), "scheduleItems": items,
            "workingHours": working_hours_json(user)}


async def get_schedule(call: Call, emu: Emulator) -> Reply:
    emu.mailbox(call)
    body = call.body if isinstance(call.body, dict) else {}
    schedules = _field(body, "schedules")
    if not isinstance(schedules, list) or not schedules:
        raise GraphError(400, "ErrorInvalidParameter",
                         "The parameter 'Schedules' is required and must list at least one "
                         "SMTP address.")
    if len(schedules) > MAX_SCHEDULES:
        raise GraphError(400, "ErrorInvalidParameter",
                         f"The number of schedules ({len(schedules)}) exceeds the maximum of "
                         f"{MAX_SCHEDULES} per request.")
    start, _ = from_dtz(_field(body, "startTime"), "startTime")
    end, _ = from_dtz(_field(body, "endTime"), "endTime")
    if end <= start:
        raise GraphError(400, "ErrorInvalidParameter",
                         "The end time of the requested window must be later than its start.")
    days = (end - start) / timedelta(days=1)
    if days > MAX_WINDOW_DAYS:
        raise GraphError(400, "ErrorTimeIntervalTooBig",
                         "The requested time duration specified for FreeBusyViewOptions.TimeWindow "
                         f"is too long. The allowed limit = {MAX_WINDOW_DAYS} days; the actual "
                         f"limit = {math.ceil(days)} days.")
    raw_interval = _field(body, "availabilityViewInterval")
    try:
        interval = 30 if raw_interval in (None, "") else int(raw_interval)
    except (TypeError, ValueError):
        interval = -1
    if not 5 <= interval <= 1440:
        raise GraphError(400, "ErrorInvalidParameter",
                         "availabilityViewInterval must be between 5 and 1440 minutes.")
    zone_name, headers = emu.time_zone(call)
    value = [_schedule(emu, str(address), start, end, interval, zone_name)
             for address in schedules]
    context = emu.context(call, "Collection(microsoft.graph.scheduleInformation)")
    return Reply(200, {"@odata.context": context, "value": value}, headers)


def mailbox_settings_json(user: User) -> dict[str, Any]:
    locale = user.mailbox_language or user.preferred_language or "en-US"
    return {
        "archiveFolder": None,
        "timeZone": user.time_zone,
        "automaticRepliesSetting": {
            "status": "disabled", "externalAudience": "all",
            "internalReplyMessage": "", "externalReplyMessage": "",
            "scheduledStartDateTime": {"dateTime": "2020-01-01T00:00:00.0000000",
                                       "timeZone": "UTC"},
            "scheduledEndDateTime": {"dateTime": "2020-01-02T00:00:00.0000000",
                                     "timeZone": "UTC"}},
        "language": {"locale": locale, "displayName": LANGUAGES.get(locale, locale)},
        "workingHours": working_hours_json(user),
        "userPurpose": {"value": "user"},
        "dateFormat": "yyyy-MM-dd",
        "timeFormat": "HH:mm",
        "delegateMeetingMessageDeliveryOptions": "sendToDelegateOutOfOffice",
    }


async def get_mailbox_settings(call: Call, emu: Emulator) -> Reply:
    user, _ = emu.mailbox(call)
    part = call.params.get("part")
    settings = mailbox_settings_json(user)
    base = f"users('{call.params['user']}')/mailboxSettings"
    if part is None:
        return Reply(200, {"@odata.context": emu.context(call, base), **settings})
    key = next((k for k in settings if k.lower() == part.lower()), None)
    if key is None:
        raise GraphError(400, "BadRequest", f"Resource not found for the segment '{part}'.")
    value = settings[key]
    context = emu.context(call, f"{base}/{key}")
    if isinstance(value, dict):
        return Reply(200, {"@odata.context": context, **value})
    return Reply(200, {"@odata.context": context, "value": value})


async def update_mailbox_settings(call: Call, emu: Emulator) -> Reply:
    user, _ = emu.mailbox(call)
    body = call.body if isinstance(call.body, dict) else {}
    if "timeZone" in body:
        if zone(str(body["timeZone"])) is None:
            raise GraphError(400, "ErrorInvalidTimeZone",
                             f"The time zone '{body['timeZone']}' is not supported.")
        user.time_zone = windows_name(str(body["timeZone"]))
    language = body.get("language")
    if isinstance(language, dict) and "locale" in language:
        locale = language["locale"]
        if not isinstance(locale, str) or not LOCALE.fullmatch(locale):
            raise GraphError(400, "ErrorInvalidArgument",
                             f"The language '{locale}' is not a supported culture.")
        user.mailbox_language = locale
    hours = body.get("workingHours")
    if isinstance(hours, dict):
        current = user.working_hours
        user.working_hours = WorkingHours(
            days=tuple(str(d).lower() for d in hours.get("daysOfWeek", current.days)),
            start=working_time(hours["startTime"]) if "startTime" in hours else current.start,
            end=working_time(hours["endTime"]) if "endTime" in hours else current.end)
    settings = mailbox_settings_json(user)
    context = emu.context(call, f"users('{call.params['user']}')/mailboxSettings")
    return Reply(200, {"@odata.context": context, **settings})


def register(router: Router) -> None:
    router.add("POST", "/users/{user}/calendar/getSchedule", get_schedule, mailbox="user")
    router.add("GET", "/users/{user}/mailboxSettings", get_mailbox_settings, mailbox="user")
    router.add("PATCH", "/users/{user}/mailboxSettings", update_mailbox_settings, mailbox="user")
    router.add("GET", "/users/{user}/mailboxSettings/{part}", get_mailbox_settings,
               mailbox="user")
