"""SharePoint sites, lists and columns.

Sites by path (`/sites/{hostname}:/{server-relative-path}`), by id, the tenant's root site
(`/sites/root`, https://learn.microsoft.com/graph/api/site-get: every tenant has one, at the
root of its SharePoint host) and by keyword (`/sites?search=`, site-search: matched against the
name, title and URL; `*` finds every site); lists created with typed
columns (https://learn.microsoft.com/graph/api/list-create), addressed by id or title; columns
added, read and updated (`indexed: true`; a list holds at most 20 indexes). Deleting a list
makes later calls on it answer 404 itemNotFound. Items live in listitems.py.
"""

from __future__ import annotations

from typing import Any

from graph import demo_org
from graph.emulator.core import Emulator
from graph.emulator.errors import sp_conflict, sp_invalid, sp_not_found
from graph.emulator.odata import collection, page_size, select, selection
from graph.emulator.routing import Call, Reply, Router
from graph.emulator.store import Column, Site, SpList
from graph.emulator.timezones import sp_stamp as stamp

MAX_INDEXES = 20
FACET_DEFAULTS: dict[str, dict[str, Any]] = {
    "text": {"allowMultipleLines": False, "appendChangesToExistingText": False,
             "linesForEditing": 0, "maxLength": 255},
    "number": {"decimalPlaces": "automatic", "displayAs": "number",
               "maximum": 1.7976931348623157e308, "minimum": -1.7976931348623157e308},
    "dateTime": {"displayAs": "default", "format": "dateTime"},
    "boolean": {},
    "choice": {"allowTextEntry": False, "choices": [], "displayAs": "dropDownMenu"},
    "personOrGroup": {"allowMultipleSelection": False, "chooseFromType": "peopleAndGroups",
                      "displayAs": "account"},
    "currency": {"locale": "en-us"},
    "lookup": {"allowMultipleValues": False, "allowUnlimitedLength": False,
               "columnName": "Title", "listId": ""},
    "hyperlinkOrPicture": {"isPicture": False},
}
OTHER_FACETS = {"calculated", "geolocation", "term", "thumbnail", "contentApprovalStatus"}
# Read-only columns every generic list has (SharePoint's Author/Editor are left out: Graph's
# own list-create example adds a column named "Author").
SYSTEM_COLUMNS = (("ID", "number"), ("ContentType", "text"), ("Modified", "dateTime"),
                  ("Created", "dateTime"), ("Attachments", "boolean"))


def site_json(site: Site) -> dict[str, Any]:
    return {
        "createdDateTime": stamp(site.created),
        "description": "",
        "id": site.id,
        "lastModifiedDateTime": stamp(site.created),
        "name": site.path.rstrip("/").rsplit("/", 1)[-1],
        "webUrl": site.web_url,
        "displayName": site.display_name,
        "siteCollection": {"hostname": site.hostname},
    }


def list_json(site: Site, sp_list: SpList) -> dict[str, Any]:
    etag = f'"{sp_list.id},{sp_list.version}"'
    return {
        "@odata.etag": etag,
        "createdDateTime": stamp(sp_list.created),
        "description": sp_list.description,
        "eTag": etag,
        "id": sp_list.id,
        "lastModifiedDateTime": stamp(sp_list.modified),
        "name": sp_list.name,
        "webUrl": f"{site.web_url}/Lists/{sp_list.name}",
        "displayName": sp_list.display_name,
        "createdBy": {"user": {"displayName": "SharePoint App"}},
        "parentReference": {"siteId": site.id},
        "list": {"contentTypesEnabled": False, "hidden": False, "template": sp_list.template},
    }


def _site_by_path(emu: Emulator, hostname: str, path: str) -> Site | None:
    hostname, path = hostname.lower(), path.rstrip("/").lower()
    return next((s for s in emu.state.sites.values()
                 if s.hostname.lower() == hostname and s.path.rstrip("/").lower() == path), None)


def root_site(emu: Emulator) -> Site:
    """The tenant's root site: the one at "/" of the SharePoint host, made on first use when a
    seed did not add it (a real tenant always has it)."""
    found = next((s for s in emu.state.sites.values() if s.path.rstrip("/") == ""), None)
    if found is not None:
        return found
    hostname = next((s.hostname for s in emu.state.sites.values()),
                    demo_org.SHAREPOINT_SITE.hostname)
    site = Site(f"{hostname},{emu.state.new_guid()},{emu.state.new_guid()}", hostname, "/",
                "Communication site", created=emu.now())
    emu.state.sites[site.id] = site
    return site


def find_site(emu: Emulator, key: str) -> Site:
    """A site by id, "root", or by "{hostname}:/{path}:" as Graph allows in a path."""
    if key.lower() == "root":
        return root_site(emu)
    if ":/" in key:
        hostname, _, path = key.rstrip(":").partition(":")
        site = _site_by_path(emu, hostname, path)
        if site is None:
            raise sp_not_found("Requested site could not be found")
        return site
    site = emu.state.sites.get(key)
    if site is None:
        lowered = key.lower()
        site = next((s for s in emu.state.sites.values() if s.id.lower() == lowered), None)
    if site is None:
        raise sp_not_found("Requested site could not be found")
    return site


def find_list(emu: Emulator, call: Call) -> tuple[Site, SpList]:
    site = find_site(emu, call.params["site"])
    key = call.params["list"]
    sp_list = site.lists.get(key)
    if sp_list is None:
        lowered = key.lower()
        sp_list = next((candidate for candidate in site.lists.values()
                        if lowered in {candidate.id.lower(), candidate.display_name.lower(),
                                       candidate.name.lower()}), None)
    if sp_list is None:
        raise sp_not_found("The specified list was not found")
    return site, sp_list


def _column_from(emu: Emulator, body: Any, existing: list[Column]) -> Column:
    if not isinstance(body, dict) or not isinstance(body.get("name"), str) or not body["name"]:
        raise sp_invalid("A column needs a name.")
    name = body["name"]
    if any(c.name.lower() == name.lower() for c in existing):
        raise sp_conflict(f'A duplicate field name "{name}" was found.')
    facets = [k for k in body if k in FACET_DEFAULTS or k in OTHER_FACETS]
    if len(facets) != 1:
        raise sp_invalid(f"The column '{name}' needs exactly one type facet, e.g. "
                         '"text": {}, "number": {} or "choice": {"choices": [...]}.')
    kind = facets[0]
    given = body[kind] if isinstance(body[kind], dict) else {}
    column = Column(
        id=emu.state.new_guid(), name=name, display_name=str(body.get("displayName") or name),
        type=kind, facet=FACET_DEFAULTS.get(kind, {}) | given,
        description=str(body.get("description") or ""), indexed=bool(body.get("indexed")),
        enforce_unique=bool(body.get("enforceUniqueValues")),
        required=bool(body.get("required")), hidden=bool(body.get("hidden")))
    if column.enforce_unique and not column.indexed:
        raise sp_invalid(f"The column '{name}' must be indexed to enforce unique values.")
    return column


def _check_indexes(columns: list[Column]) -> None:
    if sum(1 for c in columns if c.indexed) > MAX_INDEXES:
        raise sp_invalid(f"A list can have at most {MAX_INDEXES} indexed columns.")


def default_columns(emu: Emulator) -> list[Column]:
    columns = [Column(emu.state.new_guid(), "Title", "Title", "text",
                      dict(FACET_DEFAULTS["text"]))]
    for name, kind in SYSTEM_COLUMNS:
        columns.append(Column(emu.state.new_guid(), name, name, kind,
                              dict(FACET_DEFAULTS[kind]), read_only=True,
                              column_group="_Hidden"))
    return columns


async def get_site_by_path(call: Call, emu: Emulator) -> Reply:
    site = _site_by_path(emu, call.params["hostname"], call.params["path"])
    if site is None:
        raise sp_not_found("Requested site could not be found")
    body = {"@odata.context": emu.context(call, "sites/$entity"), **site_json(site)}
    return Reply(200, select(body, selection(call), keep=("id",)))


async def search_sites(call: Call, emu: Emulator) -> Reply:
    words = (call.option("search") or "*").strip().strip('"').lower()
    sites = [s for s in emu.state.sites.values()
             if words in {"", "*"} or any(words in text.lower() for text in
                                          (s.display_name, s.path, s.web_url))]
    items = [select(site_json(s), selection(call), keep=("id",)) for s in sites]
    size = page_size(call, emu.prefer(call), default=200, maximum=5000)
    return collection(call, items, context=emu.context(call, "sites"), size=size)


async def get_site(call: Call, emu: Emulator) -> Reply:
    site = find_site(emu, call.params["site"])
    body = {"@odata.context": emu.context(call, "sites/$entity"), **site_json(site)}
    return Reply(200, select(body, selection(call), keep=("id",)))


def _with_columns(call: Call, emu: Emulator, site: Site, sp_list: SpList) -> dict[str, Any]:
    body = list_json(site, sp_list)
    if "columns" in (call.option("expand") or "").lower():
        body["columns@odata.context"] = emu.context(
            call, f"sites('{site.id}')/lists('{sp_list.id}')/columns")
        body["columns"] = [c.resource() for c in sp_list.columns]
    return body


async def list_lists(call: Call, emu: Emulator) -> Reply:
    site = find_site(emu, call.params["site"])
    items = [select(_with_columns(call, emu, site, lst), selection(call), keep=("id",))
             for lst in site.lists.values()]
    context = emu.context(call, f"sites('{site.id}')/lists")
    size = page_size(call, emu.prefer(call), default=200, maximum=5000)
    return collection(call, items, context=context, size=size)


async def create_list(call: Call, emu: Emulator) -> Reply:
    site = find_site(emu, call.params["site"])
    body = call.body if isinstance(call.body, dict) else {}
    title = body.get("displayName")
    if not isinstance(title, str) or not title.strip():
        raise sp_invalid("The list needs a displayName.")
    if any(lst.display_name.lower() == title.lower() for lst in site.lists.values()):
        raise sp_conflict("A list, survey, discussion board, or document library with the "
                          "specified title already exists in this Web site.  Please choose "
                          "another title.")
    template = (body.get("list") or {}).get("template") or "genericList"
    columns = default_columns(emu)
    for spec in body.get("columns") or []:
        columns.append(_column_from(emu, spec, columns))
    _check_indexes(columns)
    now = emu.now()
    sp_list = SpList(id=emu.state.new_guid(), site_id=site.id, display_name=title,
                     name=title.replace(" ", ""), description=str(body.get("description") or ""),
                     template=template, columns=columns, created=now, modified=now)
    site.lists[sp_list.id] = sp_list
    context = emu.context(call, f"sites('{site.id}')/lists/$entity")
    return Reply(201, {"@odata.context": context, **list_json(site, sp_list)})


async def get_list(call: Call, emu: Emulator) -> Reply:
    site, sp_list = find_list(emu, call)
    context = emu.context(call, f"sites('{site.id}')/lists/$entity")
    body = {"@odata.context": context, **_with_columns(call, emu, site, sp_list)}
    return Reply(200, select(body, selection(call), keep=("id",)))


async def update_list(call: Call, emu: Emulator) -> Reply:
    site, sp_list = find_list(emu, call)
    body = call.body if isinstance(call.body, dict) else {}
    title = body.get("displayName")
    if title is not None:
        if not isinstance(title, str) or not title.strip():
            raise sp_invalid("The list needs a displayName.")
        if any(lst.display_name.lower() == title.lower() and lst.id != sp_list.id
               for lst in site.lists.values()):
            raise sp_conflict("A list, survey, discussion board, or document library with the "
                              "specified title already exists in this Web site.  Please choose "
                              "another title.")
        sp_list.display_name = title  # the URL name (`name`) stays what it was made with
    if "description" in body:
        sp_list.description = str(body["description"] or "")
    sp_list.modified, sp_list.version = emu.now(), sp_list.version + 1
    context = emu.context(call, f"sites('{site.id}')/lists/$entity")
    return Reply(200, {"@odata.context": context, **list_json(site, sp_list)})


async def delete_list(call: Call, emu: Emulator) -> Reply:
    site, sp_list = find_list(emu, call)
    del site.lists[sp_list.id]
    return Reply(204)


async def list_columns(call: Call, emu: Emulator) -> Reply:
    site, sp_list = find_list(emu, call)
    items = [select(c.resource(), selection(call), keep=("id",)) for c in sp_list.columns]
    context = emu.context(call, f"sites('{site.id}')/lists('{sp_list.id}')/columns")
    size = page_size(call, emu.prefer(call), default=200, maximum=5000)
    return collection(call, items, context=context, size=size)


def _column(sp_list: SpList, key: str) -> Column:
    column = sp_list.column(key)
    if column is None:
        raise sp_not_found(f"Column '{key}' does not exist. It may have been deleted by "
                           "another user.")
    return column


async def create_column(call: Call, emu: Emulator) -> Reply:
    site, sp_list = find_list(emu, call)
    column = _column_from(emu, call.body, sp_list.columns)
    _check_indexes([*sp_list.columns, column])
    sp_list.columns.append(column)
    sp_list.version += 1
    context = emu.context(call, f"sites('{site.id}')/lists('{sp_list.id}')/columns/$entity")
    return Reply(201, {"@odata.context": context, **column.resource()})


async def get_column(call: Call, emu: Emulator) -> Reply:
    site, sp_list = find_list(emu, call)
    column = _column(sp_list, call.params["column"])
    context = emu.context(call, f"sites('{site.id}')/lists('{sp_list.id}')/columns/$entity")
    return Reply(200, {"@odata.context": context, **column.resource()})


async def update_column(call: Call, emu: Emulator) -> Reply:
    site, sp_list = find_list(emu, call)
    column = _column(sp_list, call.params["column"])
    body = call.body if isinstance(call.body, dict) else {}
    if column.read_only and body:
        raise sp_invalid(f"The column '{column.name}' is read-only.")
    indexed = bool(body.get("indexed", column.indexed))
    unique = bool(body.get("enforceUniqueValues", column.enforce_unique))
    if unique and not indexed:
        raise sp_invalid(f"The column '{column.name}' must be indexed to enforce unique values.")
    if indexed and not column.indexed:
        _check_indexes([*sp_list.columns, Column("", "", "", "text", {}, indexed=True)])
    column.indexed, column.enforce_unique = indexed, unique
    for key, attr in (("displayName", "display_name"), ("description", "description"),
                      ("required", "required"), ("hidden", "hidden")):
        if key in body:
            setattr(column, attr, body[key])
    if isinstance(body.get(column.type), dict):
        column.facet.update(body[column.type])
    sp_list.version += 1
    context = emu.context(call, f"sites('{site.id}')/lists('{sp_list.id}')/columns/$entity")
    return Reply(200, {"@odata.context": context, **column.resource()})


async def delete_column(call: Call, emu: Emulator) -> Reply:
    _site, sp_list = find_list(emu, call)
    column = _column(sp_list, call.params["column"])
    if column.read_only or column.name == "Title":
        raise sp_invalid(f"The column '{column.name}' can't be deleted.")
    sp_list.columns.remove(column)
    return Reply(204)


def register(router: Router) -> None:
    router.add("GET", "/sites/{hostname}:/{path}", get_site_by_path,
               regex=r"^/sites/(?P<hostname>[^/:]+):(?P<path>/[^:]*?):?/?$")
    router.add("GET", "/sites", search_sites)
    router.add("GET", "/sites/{site}", get_site)
    base = "/sites/{site}/lists"
    router.add("GET", base, list_lists)
    router.add("POST", base, create_list)
    router.add("GET", base + "/{list}", get_list)
    router.add("PATCH", base + "/{list}", update_list)
    router.add("DELETE", base + "/{list}", delete_list)
    router.add("GET", base + "/{list}/columns", list_columns)
    router.add("POST", base + "/{list}/columns", create_column)
    router.add("GET", base + "/{list}/columns/{column}", get_column)
    router.add("PATCH", base + "/{list}/columns/{column}", update_column)
    router.add("DELETE", base + "/{list}/columns/{column}", delete_column)
