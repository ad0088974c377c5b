"""calendarView/delta: a round of pages ending in an @odata.deltaLink, then only changes.

As in https://learn.microsoft.com/graph/delta-query-events: the first round returns every
event in the window; the deltaLink's next round returns events added or changed since, and
deleted ones as `{"id", "@removed": {"reason": "deleted"}}`. Tokens encode the window, so
follow-up links carry no startDateTime/endDateTime. `Prefer: odata.maxpagesize` sets the
page size.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from graph.emulator.calendar import DEFAULT_PAGE, MAX_PAGE, instances, window
from graph.emulator.core import Emulator
from graph.emulator.errors import GraphError
from graph.emulator.events import Instance, render
from graph.emulator.routing import Call, Reply, Router

EVENT_TYPE = "#microsoft.graph.event"


def _expired() -> GraphError:
    return GraphError(410, "SyncStateNotFound",
                      "The sync state generation is not found. The delta token is expired and "
                      "data must be synchronized again.")


def _start_round(call: Call, emu: Emulator, mailbox_id: str) -> dict[str, Any]:
    state = emu.state
    token = call.option("deltatoken")
    if token:
        previous = state.delta_links.get(token)
        if previous is None or previous["mailbox"] != mailbox_id:
            raise _expired()
        start, end = previous["window"]
        before: dict[str, str] = previous["snapshot"]
    else:
        start, end = window(call)
        before = {}
    now_visible = instances(state.mailboxes[mailbox_id], start, end)
    changes: list[Instance | str] = [i for i in now_visible if before.get(i.id) != i.change_key]
    current_ids = {i.id for i in now_visible}
    changes += [event_id for event_id in before if event_id not in current_ids]
    return {"mailbox": mailbox_id, "window": (start, end), "changes": changes,
            "snapshot": {i.id: i.change_key for i in now_visible}}


def _item(change: Instance | str, zone_name: str | None) -> dict[str, Any]:
    if isinstance(change, str):
        return {"@odata.type": EVENT_TYPE, "id": change, "@removed": {"reason": "deleted"}}
    return {"@odata.type": EVENT_TYPE, **render(change, zone_name=zone_name)}


async def calendar_view_delta(call: Call, emu: Emulator) -> Reply:
    user, _mailbox = emu.mailbox(call)
    state = emu.state
    skip = call.option("skiptoken")
    if skip:
        pending = state.delta_pages.pop(skip, None)
        if pending is None or pending["mailbox"] != user.id:
            raise _expired()
    else:
        pending = _start_round(call, emu, user.id)
    prefer = emu.prefer(call)
    size = min(prefer.max_page_size or DEFAULT_PAGE, MAX_PAGE)
    zone_name, headers = emu.time_zone(call)
    page, rest = pending["changes"][:size], pending["changes"][size:]
    link = call.base_url + quote(call.path, safe="/()@:=,'")
    body: dict[str, Any] = {"@odata.context": emu.context(call, "Collection(event)")}
    token = state.new_token()
    if rest:
        state.delta_pages[token] = {**pending, "changes": rest}
        body["@odata.nextLink"] = f"{link}?$skiptoken={token}"
    else:
        state.delta_links[token] = {"mailbox": user.id, "window": pending["window"],
                                    "snapshot": pending["snapshot"]}
        body["@odata.deltaLink"] = f"{link}?$deltatoken={token}"
    body["value"] = [_item(change, zone_name) for change in page]
    return Reply(200, body, headers)


def register(router: Router) -> None:
    # Graph accepts the function with or without parentheses; msgraph-sdk sends "delta()".
    for middle in ("", "/calendar"):
        router.add("GET", f"/users/{{user}}{middle}/calendarView/delta", calendar_view_delta,
                   mailbox="user",
                   regex=rf"^/users/(?P<user>[^/]+){middle}/calendarView/delta(?:\(\))?/?$")
