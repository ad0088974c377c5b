"""The control API under /_emulator/: reset and seed, add people and busy blocks, set limits
and faults, read stats and stored objects. Not part of Graph; no bearer token needed.

    POST /_emulator/reset            {"seed"?, "now"?, "rng_seed"?}  state, limits and stats
    POST /_emulator/seed             {"seed", "now"?, "rng_seed"?}   state only
    GET|POST /_emulator/clock        {"now"} or {"advance_seconds"}
    POST /_emulator/users            a person (see add_user); 201
    POST /_emulator/groups           {"id"?, "displayName", "memberIds"}; 201
    POST /_emulator/users/{id}/events   a Graph event body (start/end may be ISO strings); 201
    POST /_emulator/sites            {"hostname", "path", "displayName", "id"?}; 201
    POST /_emulator/sites/{site}/lists/{list}/items  {"items": [fields, ...]}: written as
                                     SharePoint stores them (a person's edit, a big list); 201
    DELETE /_emulator/sites/{id}     later calls on the site answer 404
    GET|PUT /_emulator/limits        see faults.Limits; PUT replaces (with "preset": off|graph)
    GET|DELETE /_emulator/stats
    GET|PUT /_emulator/access        permissions denied and the RBAC mailbox scope (access.py)
    GET /_emulator/objects/{kind}    users groups events lists sites subscriptions
                                     installedApps notifications (events: ?mailbox=)
    POST /_emulator/subscriptions/{id}/lifecycle  {"lifecycleEvent": "reauthorizationRequired"}
    POST /_emulator/notifications/drain           wait until sent notifications were delivered
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from aiohttp import web

from graph import demo_org
from graph.emulator import seeds
from graph.emulator.access import Access, access_from_json
from graph.emulator.calendar import changed
from graph.emulator.core import EMULATOR, Emulator
from graph.emulator.errors import GraphError
from graph.emulator.events import apply, extended_properties, render, single
from graph.emulator.faults import Limits
from graph.emulator.listitems import add_items, fields_json
from graph.emulator.schedule import working_hours_json
from graph.emulator.sharepoint import list_json, site_json
from graph.emulator.store import Group, Mailbox, Site, User, WorkingHours
from graph.emulator.subscriptions import subscription_json
from graph.emulator.teamwork import chat_id
from graph.emulator.timezones import parse_iso, stamp, windows_name, working_time, zone


class ControlError(Exception):
    pass


def _emu(request: web.Request) -> Emulator:
    return request.app[EMULATOR]


async def _json(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise ControlError("the body must be JSON") from None
    if not isinstance(body, dict):
        raise ControlError("the body must be a JSON object")
    return body


def _handler(func: Any) -> Any:
    async def wrapped(request: web.Request) -> web.StreamResponse:
        try:
            return await func(request)
        except (ControlError, ValueError, KeyError) as error:
            return web.json_response({"error": str(error)}, status=400)
        except GraphError as error:
            return web.json_response({"error": error.message, "code": error.code},
                                     status=error.status)
    return wrapped


def user_extras(user: User) -> dict[str, Any]:
    return {**user.resource(), "hasMailbox": user.has_mailbox, "timeZone": user.time_zone,
            "workingHours": working_hours_json(user), "managerId": user.manager_id}


async def reset(request: web.Request) -> web.Response:
    emu, body = _emu(request), await _json(request)
    rng_seed = int(body.get("rng_seed", 0))
    if body.get("now"):
        emu.state.clock.set(parse_iso(str(body["now"])))
    else:
        emu.state.clock.offset = timedelta()
    seeds.load(emu.state, str(body.get("seed", emu.seed)), now=emu.now(), rng_seed=rng_seed)
    emu.faults.reset(rng_seed)
    emu.stats.clear()
    emu.access = Access()
    return web.json_response(_summary(emu))


async def seed(request: web.Request) -> web.Response:
    emu, body = _emu(request), await _json(request)
    if body.get("now"):
        emu.state.clock.set(parse_iso(str(body["now"])))
    seeds.load(emu.state, str(body.get("seed", "empty")), now=emu.now(),
               rng_seed=int(body.get("rng_seed", 0)))
    return web.json_response(_summary(emu))


def _summary(emu: Emulator) -> dict[str, Any]:
    return {"seed": emu.state.seed_name, "now": stamp(emu.now()),
            "users": len(emu.state.users), "groups": len(emu.state.groups),
            "events": sum(len(m.events) for m in emu.state.mailboxes.values()),
            "sites": len(emu.state.sites)}


async def clock(request: web.Request) -> web.Response:
    emu = _emu(request)
    if request.method == "POST":
        body = await _json(request)
        if body.get("now"):
            emu.state.clock.set(parse_iso(str(body["now"])))
        elif body.get("advance_seconds") is not None:
            emu.state.clock.offset += timedelta(seconds=float(body["advance_seconds"]))
        else:
            raise ControlError("give 'now' or 'advance_seconds'")
    return web.json_response({"now": stamp(emu.now())})


async def add_user(request: web.Request) -> web.Response:
    emu, body = _emu(request), await _json(request)
    name = body.get("displayName")
    if not isinstance(name, str) or not name:
        raise ControlError("displayName is required")
    nickname = str(body.get("mailNickname") or re.sub(r"[^a-z0-9]+", ".", name.lower()).strip("."))
    has_mailbox = bool(body.get("hasMailbox", True))
    mail = body.get("mail", f"{nickname}@{demo_org.DOMAIN}" if has_mailbox else None)
    time_zone = str(body.get("timeZone") or "UTC")
    if zone(time_zone) is None:
        raise ControlError(f"unknown time zone {time_zone!r}")
    hours = body.get("workingHours") or {}
    working = WorkingHours(
        days=tuple(str(d).lower() for d in hours.get("daysOfWeek", WorkingHours().days)),
        start=working_time(hours.get("startTime", "08:00")),
        end=working_time(hours.get("endTime", "17:00")))
    user = User(
        id=str(body.get("id") or emu.state.new_guid()), display_name=name,
        user_principal_name=str(body.get("userPrincipalName") or mail or
                                f"{nickname}@{demo_org.DOMAIN}"),
        mail=mail, mail_nickname=nickname, given_name=body.get("givenName"),
        surname=body.get("surname"), job_title=body.get("jobTitle"),
        department=body.get("department"), office_location=body.get("officeLocation"),
        preferred_language=body.get("preferredLanguage"),
        mailbox_language=body.get("mailboxLanguage"),
        account_enabled=bool(body.get("accountEnabled", True)),
        manager_id=body.get("managerId"), time_zone=windows_name(time_zone),
        working_hours=working, has_mailbox=has_mailbox)
    emu.state.add_user(user)
    return web.json_response(user_extras(user), status=201)


async def delete_user(request: web.Request) -> web.Response:
    """Someone leaves the tenant: Graph answers 404 for them from now on, their mailbox goes
    with them, and they leave every group."""
    emu = _emu(request)
    user = emu.state.find_user(request.match_info["user"])
    if user is None:
        raise ControlError("no such user")
    del emu.state.users[user.id]
    emu.state.mailboxes.pop(user.id, None)
    for group in emu.state.groups.values():
        group.member_ids = [m for m in group.member_ids if m != user.id]
        group.owner_ids = [o for o in group.owner_ids if o != user.id]
    return web.Response(status=204)


async def add_group(request: web.Request) -> web.Response:
    emu, body = _emu(request), await _json(request)
    name = str(body["displayName"])
    nickname = str(body.get("mailNickname") or re.sub(r"[^a-z0-9]+", "-", name.lower()))
    group = Group(str(body.get("id") or emu.state.new_guid()), name, body.get("description"),
                  nickname, body.get("mail", f"{nickname}@{demo_org.DOMAIN}"),
                  [str(m) for m in body.get("memberIds", [])],
                  [str(o) for o in body.get("ownerIds", [])])
    emu.state.groups[group.id] = group
    return web.json_response({**group.resource(), "memberIds": group.member_ids,
                              "ownerIds": group.owner_ids}, status=201)


def _time(value: Any) -> Any:
    if isinstance(value, str):  # an ISO instant: store it as UTC
        return {"dateTime": parse_iso(value).strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"}
    return value


async def add_event(request: web.Request) -> web.Response:
    emu, body = _emu(request), await _json(request)
    owner = emu.state.find_user(request.match_info["user"])
    if owner is None or not owner.has_mailbox:
        raise ControlError(f"no mailbox for {request.match_info['user']!r}")
    body = {**body, **{k: _time(body[k]) for k in ("start", "end") if k in body}}
    record = apply(emu.state, owner, body, now=emu.now(), tenant_id=emu.tenant_id)
    emu.state.mailboxes.setdefault(owner.id, Mailbox(owner.id)).events[record.id] = record
    changed(emu, record, "created")
    return web.json_response({"mailbox": owner.id, **render(single(record), zone_name=None)},
                             status=201)


async def add_site(request: web.Request) -> web.Response:
    emu, body = _emu(request), await _json(request)
    hostname = str(body.get("hostname") or demo_org.SHAREPOINT_SITE.hostname)
    path = "/" + str(body["path"]).strip("/")
    site_id = str(body.get("id") or f"{hostname},{emu.state.new_guid()},{emu.state.new_guid()}")
    site = Site(site_id, hostname, path, str(body.get("displayName") or path.rsplit("/", 1)[-1]),
                created=emu.now())
    emu.state.sites[site.id] = site
    return web.json_response(site_json(site), status=201)


async def delete_site(request: web.Request) -> web.Response:
    emu = _emu(request)
    if emu.state.sites.pop(request.match_info["site"], None) is None:
        raise ControlError("no such site")
    return web.Response(status=204)


async def add_list_items(request: web.Request) -> web.Response:
    emu, body = _emu(request), await _json(request)
    rows = body.get("items")
    if not isinstance(rows, list):
        raise ControlError("give 'items': a list of field objects")
    ids = add_items(emu, request.match_info["site"], request.match_info["list"], rows)
    return web.json_response({"ids": ids}, status=201)


async def limits(request: web.Request) -> web.Response:
    emu = _emu(request)
    if request.method == "PUT":
        body = await _json(request)
        rng_seed = body.pop("rng_seed", None)
        new = Limits.from_json(body)
        if rng_seed is not None:
            emu.faults.reset(int(rng_seed), new)
        else:
            emu.faults.limits = new
    return web.json_response(emu.faults.limits.to_json())


async def stats(request: web.Request) -> web.Response:
    emu = _emu(request)
    if request.method == "DELETE":
        emu.stats.clear()
    return web.json_response(emu.stats.to_json())


def _objects(emu: Emulator, kind: str, query: Any) -> Any:
    state = emu.state
    if kind == "users":
        return [user_extras(u) for u in state.users.values()]
    if kind == "groups":
        return [{**g.resource(), "memberIds": g.member_ids} for g in state.groups.values()]
    if kind == "events":
        wanted = query.get("mailbox")
        owner = state.find_user(wanted) if wanted else None
        return {m.user_id: [{**render(single(r), zone_name=None),
                             "cancelledOccurrences": sorted(stamp(s) for s in r.cancelled_starts),
                             "singleValueExtendedProperties": extended_properties(r)}
                            for r in m.events.values()]
                for m in state.mailboxes.values() if owner is None or m.user_id == owner.id}
    if kind == "sites":
        return [site_json(s) for s in state.sites.values()]
    if kind == "lists":
        return [{**list_json(site, lst), "siteId": site.id,
                 "columns": [c.resource() for c in lst.columns],
                 "items": [{"id": i.id, "fields": fields_json(lst, i)} for i in lst.items.values()]}
                for site in state.sites.values() for lst in site.lists.values()]
    if kind == "subscriptions":
        return [subscription_json(s) for s in state.subscriptions.values()]
    if kind == "installedApps":
        return [{"id": i.id, "userId": i.user_id, "teamsAppId": i.app_id,
                 "chatId": chat_id(i.user_id, i.app_id)} for i in state.installations.values()]
    if kind == "notifications":
        return state.notifications
    raise KeyError(f"unknown kind {kind!r}")


async def access(request: web.Request) -> web.Response:
    emu = _emu(request)
    if request.method == "PUT":
        def resolve(key: str) -> str | None:
            user = emu.state.find_user(key)
            return user.id if user else None

        emu.access = access_from_json(await _json(request), resolve)
    return web.json_response(emu.access.to_json())


async def objects(request: web.Request) -> web.Response:
    emu = _emu(request)
    return web.json_response(_objects(emu, request.match_info["kind"], request.query))


async def lifecycle(request: web.Request) -> web.Response:
    emu, body = _emu(request), await _json(request)
    sub = emu.state.subscriptions.get(request.match_info["subscription"])
    if sub is None:
        raise ControlError("no such subscription")
    event = str(body.get("lifecycleEvent") or "reauthorizationRequired")
    emu.notifier.lifecycle(sub, event)
    if event == "subscriptionRemoved":
        del emu.state.subscriptions[sub.id]
    return web.json_response({"sent": event}, status=202)


async def drain(request: web.Request) -> web.Response:
    emu = _emu(request)
    await emu.notifier.drain()
    return web.json_response({"notifications": len(emu.state.notifications)})


def register(app: web.Application) -> None:
    routes = (
        ("POST", "/_emulator/reset", reset), ("POST", "/_emulator/seed", seed),
        ("GET", "/_emulator/clock", clock), ("POST", "/_emulator/clock", clock),
        ("POST", "/_emulator/users", add_user), ("POST", "/_emulator/groups", add_group),
        ("DELETE", "/_emulator/users/{user}", delete_user),
        ("POST", "/_emulator/users/{user}/events", add_event),
        ("POST", "/_emulator/sites", add_site), ("DELETE", "/_emulator/sites/{site}", delete_site),
        ("POST", "/_emulator/sites/{site}/lists/{list}/items", add_list_items),
        ("GET", "/_emulator/limits", limits), ("PUT", "/_emulator/limits", limits),
        ("GET", "/_emulator/access", access), ("PUT", "/_emulator/access", access),
        ("GET", "/_emulator/stats", stats), ("DELETE", "/_emulator/stats", stats),
        ("GET", "/_emulator/objects/{kind}", objects),
        ("POST", "/_emulator/subscriptions/{subscription}/lifecycle", lifecycle),
        ("POST", "/_emulator/notifications/drain", drain),
    )
    for method, path, handler in routes:
        app.router.add_route(method, path, _handler(handler))
