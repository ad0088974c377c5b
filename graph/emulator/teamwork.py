"""Teams apps installed for a user, and the bot's 1:1 chat with that user.

POST /users/{id}/teamwork/installedApps with `teamsApp@odata.bind` answers 201 with no body
(https://learn.microsoft.com/graph/api/userteamwork-post-installedapps); installing an app
that is already installed answers 409 Conflict. Installation ids are base64 of
"{userId}##{appId}", as Graph's are (URL-safe alphabet).
"""

from __future__ import annotations

import base64
import re
from typing import Any

from graph.emulator.core import Emulator
from graph.emulator.errors import GraphError, bad_request
from graph.emulator.odata import (
    collection,
    evaluate,
    page_size,
    parse_filter,
    resolve_path,
    select,
    selection,
)
from graph.emulator.routing import Call, Reply, Router
from graph.emulator.store import Installation, User
from graph.emulator.timezones import stamp

_BIND = re.compile(r"/appCatalogs/teamsApps/(?P<app>[^/?#]+)$", re.IGNORECASE)


def installation_id(user_id: str, app_id: str) -> str:
    # URL-safe alphabet so an id is always one path segment (Graph's may contain '/').
    return base64.urlsafe_b64encode(f"{user_id}##{app_id}".encode()).decode()


def chat_id(user_id: str, app_id: str) -> str:
    return f"19:{app_id}_{user_id}@unq.gbl.spaces"


def _user(emu: Emulator, key: str) -> User:
    user = emu.state.find_user(key)
    if user is None:
        raise GraphError(404, "NotFound", f"User '{key}' was not found.")
    return user


def _installation_json(inst: Installation, expand: str) -> dict[str, Any]:
    body: dict[str, Any] = {"id": inst.id}
    expanded = {part.strip().lower() for part in expand.split(",") if part.strip()}
    if "teamsapp" in expanded:
        body["teamsApp"] = {"id": inst.app_id, "externalId": None,
                            "displayName": "Learning Loop", "distributionMethod": "organization"}
    if "teamsappdefinition" in expanded:
        body["teamsAppDefinition"] = {
            "id": base64.b64encode(f"{inst.app_id}##1.0.0".encode()).decode(),
            "teamsAppId": inst.app_id, "displayName": "Learning Loop", "version": "1.0.0",
            "publishingState": "published", "lastModifiedDateTime": stamp(inst.installed_at)}
    return body


async def install(call: Call, emu: Emulator) -> Reply:
    user = _user(emu, call.params["user"])
    body = call.body if isinstance(call.body, dict) else {}
    bind = body.get("teamsApp@odata.bind")
    found = _BIND.search(str(bind or ""))
    if found is None:
        raise bad_request("The request body needs 'teamsApp@odata.bind' pointing at "
                          "/appCatalogs/teamsApps/{id}.")
    app_id = found.group("app")
    key = installation_id(user.id, app_id)
    if key in emu.state.installations:
        raise GraphError(409, "Conflict", "The app is already installed for this user.")
    emu.state.installations[key] = Installation(key, user.id, app_id, emu.now())
    return Reply(201)


def _installed(emu: Emulator, user: User) -> list[Installation]:
    return [i for i in emu.state.installations.values() if i.user_id == user.id]


async def list_installed(call: Call, emu: Emulator) -> Reply:
    user = _user(emu, call.params["user"])
    expand = call.option("expand") or ""
    text = call.option("filter")
    installs = _installed(emu, user)
    if text:
        node = parse_filter(text)
        full = "teamsApp,teamsAppDefinition"
        installs = [i for i in installs if evaluate(
            node, lambda p, i=i: resolve_path(_installation_json(i, full), p))]
    items = [select(_installation_json(i, expand), selection(call), keep=("id",))
             for i in installs]
    context = emu.context(call, f"users('{call.params['user']}')/teamwork/installedApps")
    size = page_size(call, emu.prefer(call), default=100, maximum=999)
    return collection(call, items, context=context, size=size)


def _installation(emu: Emulator, call: Call) -> Installation:
    user = _user(emu, call.params["user"])
    inst = emu.state.installations.get(call.params["installation"])
    if inst is None or inst.user_id != user.id:
        raise GraphError(404, "NotFound", "The app installation was not found.")
    return inst


async def get_installed(call: Call, emu: Emulator) -> Reply:
    inst = _installation(emu, call)
    context = emu.context(call, f"users('{call.params['user']}')/teamwork/installedApps/$entity")
    return Reply(200, {"@odata.context": context,
                       **_installation_json(inst, call.option("expand") or "")})


async def uninstall(call: Call, emu: Emulator) -> Reply:
    inst = _installation(emu, call)
    del emu.state.installations[inst.id]
    return Reply(204)


async def get_chat(call: Call, emu: Emulator) -> Reply:
    inst = _installation(emu, call)
    return Reply(200, {
        "@odata.context": emu.context(call, "chats/$entity"),
        "id": chat_id(inst.user_id, inst.app_id),
        "topic": None,
        "createdDateTime": stamp(inst.installed_at),
        "lastUpdatedDateTime": stamp(inst.installed_at),
        "chatType": "oneOnOne",
        "webUrl": None,
        "tenantId": emu.tenant_id,
    })


async def get_navigation(call: Call, emu: Emulator) -> Reply:
    """installedApps/{id}/teamsApp and .../teamsAppDefinition."""
    inst = _installation(emu, call)
    name = "teamsAppDefinition" if call.path.lower().endswith("definition") else "teamsApp"
    body = _installation_json(inst, name)[name]
    context = emu.context(call, f"users('{call.params['user']}')/teamwork/installedApps"
                                f"('{inst.id}')/{name}/$entity")
    return Reply(200, {"@odata.context": context, **body})


def register(router: Router) -> None:
    base = "/users/{user}/teamwork/installedApps"
    router.add("POST", base, install)
    router.add("GET", base, list_installed)
    router.add("GET", base + "/{installation}", get_installed)
    router.add("DELETE", base + "/{installation}", uninstall)
    router.add("GET", base + "/{installation}/chat", get_chat)
    router.add("GET", base + "/{installation}/teamsApp", get_navigation)
    router.add("GET", base + "/{installation}/teamsAppDefinition", get_navigation)
