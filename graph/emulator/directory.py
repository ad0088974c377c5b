"""Directory endpoints: users, a user's manager (read and set), direct reports and owned
groups, checkMemberGroups, groups with their members and owners.

GET /users returns Graph's v1.0 default property set unless `$select` asks for others;
`$filter` supports eq/ne/startswith/and/or on the properties Graph indexes for users;
paging is by `$top` (up to 999) or `Prefer: odata.maxpagesize` with an absolute nextLink.
"""

from __future__ import annotations

from typing import Any

from graph.emulator.core import Emulator
from graph.emulator.errors import (
    bad_request,
    directory_bad_request,
    directory_not_found,
    unsupported_query,
)
from graph.emulator.odata import (
    collection,
    evaluate,
    filter_paths,
    page_size,
    parse_filter,
    resolve_path,
    select,
    selection,
)
from graph.emulator.routing import Call, Reply, Router
from graph.emulator.store import DEFAULT_USER_PROPERTIES, Group, User

DEFAULT_PAGE = 100
MAX_PAGE = 999
FILTERABLE = {"id", "mail", "userprincipalname", "accountenabled", "displayname", "givenname",
              "surname", "department", "jobtitle", "officelocation", "mailnickname", "usertype",
              "preferredlanguage", "city", "country"}


def user_json(user: User, props: list[str] | None) -> dict[str, Any]:
    resource = user.resource()
    if props is None:
        return {k: resource[k] for k in DEFAULT_USER_PROPERTIES}
    return select(resource, props)


def _directory_object(member: User | Group, props: list[str] | None) -> dict[str, Any]:
    if isinstance(member, User):
        return {"@odata.type": "#microsoft.graph.user", **user_json(member, props)}
    return {"@odata.type": "#microsoft.graph.group", **select(member.resource(), props)}


def _context(call: Call, emu: Emulator, entity_set: str, props: list[str] | None,
             suffix: str = "") -> str:
    shape = f"{entity_set}({','.join(props)})" if props else entity_set
    return emu.context(call, shape + suffix)


def _count(call: Call) -> bool:
    wants = (call.option("count") or "").lower() == "true"
    if (wants or call.option("search")) and \
            call.headers.get("ConsistencyLevel", "").lower() != "eventual":
        raise directory_bad_request("$count and $search need the header ConsistencyLevel: "
                                    "eventual (advanced query).")
    return wants


def _matching(call: Call, members: list[Any]) -> list[Any]:
    text = call.option("filter")
    if text:
        node = parse_filter(text)
        for path in filter_paths(node):
            if path.lower() not in FILTERABLE:
                raise unsupported_query(path)
        members = [m for m in members
                   if evaluate(node, lambda p, m=m: resolve_path(m.resource(), p))]
    search = (call.option("search") or "").strip('"')
    if search:
        prop, _, term = search.partition(":")
        members = [m for m in members if term.lower() in str(
            resolve_path(m.resource(), prop) or "").lower()]
    return members


def _page(call: Call, emu: Emulator, members: list[Any], context: str) -> Reply:
    count = _count(call)
    props = selection(call)
    filtered = _matching(call, members)
    size = page_size(call, emu.prefer(call), default=DEFAULT_PAGE, maximum=MAX_PAGE)
    extra = {"@odata.count": len(filtered)} if count else None
    objects = "directoryObjects" in context
    return collection(call, filtered, context=context, size=size, extra=extra,
                      render=lambda m: _directory_object(m, props) if objects
                      else user_json(m, props))


async def list_users(call: Call, emu: Emulator) -> Reply:
    users = sorted(emu.state.users.values(), key=lambda u: (u.display_name.lower(), u.id))
    return _page(call, emu, users, _context(call, emu, "users", selection(call)))


def _user(emu: Emulator, key: str) -> User:
    user = emu.state.find_user(key)
    if user is None:
        raise directory_not_found(key)
    return user


async def get_user(call: Call, emu: Emulator) -> Reply:
    user = _user(emu, call.params["user"])
    props = selection(call)
    context = _context(call, emu, "users", props, "/$entity")
    return Reply(200, {"@odata.context": context, **user_json(user, props)})


async def direct_reports(call: Call, emu: Emulator) -> Reply:
    manager = _user(emu, call.params["user"])
    reports = [u for u in emu.state.users.values() if u.manager_id == manager.id]
    reports.sort(key=lambda u: (u.display_name.lower(), u.id))
    return _page(call, emu, reports, emu.context(call, "directoryObjects"))


async def get_manager(call: Call, emu: Emulator) -> Reply:
    user = _user(emu, call.params["user"])
    manager = emu.state.users.get(user.manager_id or "")
    if manager is None:
        raise directory_not_found("manager")
    context = emu.context(call, "directoryObjects/$entity")
    return Reply(200, {"@odata.context": context, **_directory_object(manager, selection(call))})


def _group(emu: Emulator, key: str) -> Group:
    group = emu.state.groups.get(key)
    if group is None:
        raise directory_not_found(key)
    return group


async def list_groups(call: Call, emu: Emulator) -> Reply:
    groups = sorted(emu.state.groups.values(), key=lambda g: (g.display_name.lower(), g.id))
    props = selection(call)
    items = [select(g.resource(), props) for g in groups]
    size = page_size(call, emu.prefer(call), default=DEFAULT_PAGE, maximum=MAX_PAGE)
    return collection(call, items, context=_context(call, emu, "groups", props), size=size)


async def get_group(call: Call, emu: Emulator) -> Reply:
    group = _group(emu, call.params["group"])
    props = selection(call)
    context = _context(call, emu, "groups", props, "/$entity")
    return Reply(200, {"@odata.context": context, **select(group.resource(), props)})


async def group_members(call: Call, emu: Emulator) -> Reply:
    group = _group(emu, call.params["group"])
    transitive = call.path.lower().rstrip("/").endswith("transitivemembers")
    members = emu.state.members(group, transitive=transitive)
    return _page(call, emu, members, emu.context(call, "directoryObjects"))


async def group_owners(call: Call, emu: Emulator) -> Reply:
    """The group's owners; the emulator's directory holds only users as owners."""
    group = _group(emu, call.params["group"])
    owners = [emu.state.users[o] for o in group.owner_ids if o in emu.state.users]
    owners.sort(key=lambda u: (u.display_name.lower(), u.id))
    return _page(call, emu, owners, emu.context(call, "directoryObjects"))


MAX_GROUPS_CHECKED = 20  # Graph's documented limit per checkMemberGroups request


async def check_member_groups(call: Call, emu: Emulator) -> Reply:
    """Those of `groupIds` the user is a member of, through nested groups too (Graph's
    function is transitive); unknown group ids are simply not in the answer."""
    user = _user(emu, call.params["user"])
    body = call.body if isinstance(call.body, dict) else {}
    ids = body.get("groupIds")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise directory_bad_request("Invalid request body: groupIds must be a list of ids.")
    if len(ids) > MAX_GROUPS_CHECKED:
        raise directory_bad_request(
            f"The number of groupIds cannot exceed {MAX_GROUPS_CHECKED}.")
    found = [i for i in ids if i in emu.state.groups and any(
        isinstance(m, User) and m.id == user.id
        for m in emu.state.members(emu.state.groups[i], transitive=True))]
    return Reply(200, {"@odata.context": emu.context(call, "Collection(Edm.String)"),
                       "value": found})


async def set_manager(call: Call, emu: Emulator) -> Reply:
    """`PUT /users/{id}/manager/$ref` with `{"@odata.id": ".../users/{manager id}"}`."""
    user = _user(emu, call.params["user"])
    body = call.body if isinstance(call.body, dict) else {}
    ref = str(body.get("@odata.id") or "")
    if not ref:
        raise directory_bad_request("Invalid request body: @odata.id is required.")
    manager = _user(emu, ref.rstrip("/").rsplit("/", 1)[-1])
    if manager.id == user.id:
        raise directory_bad_request("A user cannot be their own manager.")
    user.manager_id = manager.id
    return Reply(204)


async def owned_objects(call: Call, emu: Emulator) -> Reply:
    """What the user owns; the emulator's directory holds no applications or service
    principals, so only groups. The cast segment (`microsoft.graph.group`, or `graph.group` as
    the SDK writes it) answers with the `groups` entity set, each item still typed."""
    user = _user(emu, call.params["user"])
    return _user_groups(call, emu, [g for g in emu.state.groups.values()
                                    if user.id in g.owner_ids])


async def member_of(call: Call, emu: Emulator) -> Reply:
    """The groups the user is a direct member of (the emulator has no directory roles or
    administrative units), answered like ownedObjects, cast segment included."""
    user = _user(emu, call.params["user"])
    return _user_groups(call, emu, [g for g in emu.state.groups.values()
                                    if user.id in g.member_ids])


def _user_groups(call: Call, emu: Emulator, found: list[Group]) -> Reply:
    owned = sorted(found, key=lambda g: (g.display_name.lower(), g.id))
    props = selection(call)
    cast = call.path.rstrip("/").lower().endswith("graph.group")
    context = (_context(call, emu, "groups", props) if cast
               else emu.context(call, "directoryObjects"))
    items = [_directory_object(g, props) for g in owned]
    size = page_size(call, emu.prefer(call), default=DEFAULT_PAGE, maximum=MAX_PAGE)
    return collection(call, items, context=context, size=size)


async def me(call: Call, emu: Emulator) -> Reply:
    raise bad_request("/me request is only valid with delegated authentication flow.")


def register(router: Router) -> None:
    router.add("*", "/me", me, regex=r"^/me(/.*)?$")
    router.add("GET", "/users", list_users)
    router.add("GET", "/users/{user}", get_user)
    router.add("GET", "/users/{user}/directReports", direct_reports)
    router.add("GET", "/users/{user}/manager", get_manager)
    router.add("PUT", "/users/{user}/manager/$ref", set_manager,
               regex=r"^/users/(?P<user>[^/]+)/manager/\$ref/?$")
    router.add("POST", "/users/{user}/checkMemberGroups", check_member_groups)
    router.add("GET", "/users/{user}/ownedObjects", owned_objects)
    router.add("GET", "/users/{user}/ownedObjects/microsoft.graph.group", owned_objects,
               regex=r"^/users/(?P<user>[^/]+)/ownedObjects/(?:microsoft\.)?graph\.group/?$")
    router.add("GET", "/users/{user}/memberOf", member_of)
    router.add("GET", "/users/{user}/memberOf/microsoft.graph.group", member_of,
               regex=r"^/users/(?P<user>[^/]+)/memberOf/(?:microsoft\.)?graph\.group/?$")
    router.add("GET", "/groups", list_groups)
    router.add("GET", "/groups/{group}", get_group)
    router.add("GET", "/groups/{group}/members", group_members)
    router.add("GET", "/groups/{group}/owners", group_owners)
    router.add("GET", "/groups/{group}/transitiveMembers", group_members)
