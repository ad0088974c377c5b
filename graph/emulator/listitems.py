"""SharePoint list items: create, read, filter, update fields, delete.

Shapes follow https://learn.microsoft.com/graph/api/listitem-create (201, `{"fields": {...}}`
in), listitem-list (`expand=fields`, with or without `$`), listitem-update (PATCH
.../fields answers 200 with the fieldValueSet). `$filter=fields/X eq 'v'` needs X indexed, or
SharePoint refuses it unless `Prefer: HonorNonIndexedQueriesWarningMayFailRandomly` is sent,
and even then past the list view threshold: on a list of more than 5,000 items a filter on a
non-indexed column fails with "The attempted operation is prohibited because it exceeds the list
view threshold" (SharePoint's SPQueryThrottledException, which Graph answers as 429, see
msgraph-sdk-dotnet issue 827; Graph's code for a 429 is activityLimitReached). A multi-choice
column (`choice` shown as `checkBoxes`) takes a list of choices, sent with
`"<name>@odata.type": "Collection(Edm.String)"`.
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from multidict import CIMultiDict

from graph.emulator.core import Emulator
from graph.emulator.errors import GraphError, sp_conflict, sp_invalid, sp_not_found
from graph.emulator.odata import evaluate, filter_paths, link, page_size, parse_filter
from graph.emulator.routing import Call, Reply, Router
from graph.emulator.sharepoint import find_list
from graph.emulator.store import Column, ListItem, Site, SpList
from graph.emulator.timezones import parse_iso, sp_stamp

DEFAULT_PAGE = 200
MAX_PAGE = 5000
LIST_VIEW_THRESHOLD = 5000
THRESHOLD = "The attempted operation is prohibited because it exceeds the list view threshold."
ALWAYS_FILTERABLE = {"id", "ID"}
SYSTEM_FIELDS = {"id", "ID", "ContentType", "Modified", "Created", "AuthorLookupId",
                 "EditorLookupId", "_UIVersionString", "Attachments", "Edit", "LinkTitleNoMenu",
                 "LinkTitle", "ItemChildCount", "FolderChildCount", "@odata.etag"}
NOT_INDEXED = ("Field '{name}' cannot be referenced in filter or orderby as it is not indexed. "
               "Provide the 'Prefer: HonorNonIndexedQueriesWarningMayFailRandomly' header to "
               "allow this, but be warned that such queries may fail on large lists.")


def _etag(item: ListItem) -> str:
    return f'"{item.etag_id},{item.version}"'


def fields_json(sp_list: SpList, item: ListItem, only: list[str] | None = None) -> dict[str, Any]:
    title = item.fields.get("Title", "")
    fields: dict[str, Any] = {"@odata.etag": _etag(item), "id": item.id, "ContentType": "Item"}
    for column in sp_list.columns:
        if column.read_only:
            continue
        key = f"{column.name}LookupId" if column.type in {"personOrGroup", "lookup"} \
            else column.name
        if item.fields.get(key) is not None:
            fields[key] = item.fields[key]
    fields.update({
        "Modified": sp_stamp(item.modified),
        "Created": sp_stamp(item.created),
        "AuthorLookupId": "11", "EditorLookupId": "11",
        "_UIVersionString": f"{item.version}.0", "Attachments": False, "Edit": "",
        "LinkTitleNoMenu": title, "LinkTitle": title, "ItemChildCount": "0",
        "FolderChildCount": "0",
    })
    if only is not None:
        wanted = {o.lower() for o in only} | {"@odata.etag"}
        fields = {k: v for k, v in fields.items() if k.lower() in wanted}
    return fields


def item_json(call: Call, emu: Emulator, site: Site, sp_list: SpList, item: ListItem, *,
              with_fields: bool, only: list[str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "@odata.etag": _etag(item),
        "createdDateTime": sp_stamp(item.created),
        "eTag": _etag(item),
        "id": item.id,
        "lastModifiedDateTime": sp_stamp(item.modified),
        "webUrl": f"{site.web_url}/Lists/{sp_list.name}/{item.id}_.000",
        "createdBy": {"user": {"displayName": "SharePoint App"}},
        "lastModifiedBy": {"user": {"displayName": "SharePoint App"}},
        "parentReference": {"id": sp_list.id, "siteId": site.id},
        "contentType": {"id": "0x0100" + sp_list.id.replace("-", "").upper(), "name": "Item"},
    }
    if with_fields:
        body["fields@odata.context"] = emu.context(
            call, f"sites('{site.id}')/lists('{sp_list.id}')/items('{item.id}')/fields/$entity")
        body["fields"] = fields_json(sp_list, item, only)
    return body


def _expand(call: Call) -> tuple[bool, list[str] | None]:
    raw = call.option("expand") or ""
    found = re.search(r"fields(?:\((?:\$?select=)?([^)]*)\))?", raw, re.IGNORECASE)
    if found is None:
        return False, None
    only = [p.strip() for p in found.group(1).split(",")] if found.group(1) else None
    return True, only


def _coerce(column: Column, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if kind == "text":
        if not isinstance(value, str):
            raise sp_invalid(f"The value for field '{column.name}' must be a string.")
        limit = column.facet.get("maxLength", 255)
        if not column.facet.get("allowMultipleLines") and len(value) > limit:
            raise sp_invalid(f"The value for field '{column.name}' is longer than {limit} "
                             "characters.")
        return value
    if kind in {"number", "currency"}:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise sp_invalid(f"The value for field '{column.name}' must be a number.")
        try:
            number = float(value)
        except ValueError:
            raise sp_invalid(f"The value for field '{column.name}' must be a number.") from None
        return int(number) if number.is_integer() and not isinstance(value, float) else number
    if kind == "boolean":
        if not isinstance(value, bool):
            raise sp_invalid(f"The value for field '{column.name}' must be true or false.")
        return value
    if kind == "dateTime":
        return sp_stamp(parse_iso(str(value)))
    if kind == "choice":
        choices = column.facet.get("choices") or []
        if isinstance(value, list) and column.facet.get("displayAs") == "checkBoxes":
            return [_coerce(column, v) for v in value if v is not None]
        if not isinstance(value, str) or (value not in choices and
                                          not column.facet.get("allowTextEntry")):
            raise sp_invalid(f"The value '{value}' is not one of the choices of field "
                             f"'{column.name}'.")
        return value
    if kind in {"personOrGroup", "lookup"}:
        return str(value)
    return value


def _apply_fields(sp_list: SpList, item_fields: dict[str, Any], given: Any) -> dict[str, Any]:
    if not isinstance(given, dict):
        raise sp_invalid("The request needs a 'fields' object.")
    updated = dict(item_fields)
    for name, value in given.items():
        if name in SYSTEM_FIELDS or "@odata" in name:
            continue
        base = name[:-len("LookupId")] if name.endswith("LookupId") else name
        column = sp_list.column(name) or sp_list.column(base)
        if column is None or column.read_only:
            raise sp_invalid(f"Field '{name}' is not recognized")
        key = f"{column.name}LookupId" if column.type in {"personOrGroup", "lookup"} \
            else column.name
        updated[key] = _coerce(column, value)
    return updated


def _check_unique(sp_list: SpList, fields: dict[str, Any], own_id: str | None) -> None:
    for column in sp_list.columns:
        if not column.enforce_unique:
            continue
        value = fields.get(column.name)
        if value is None:
            continue
        for other in sp_list.items.values():
            theirs = other.fields.get(column.name)
            same = theirs == value or (isinstance(theirs, str) and isinstance(value, str)
                                       and theirs.lower() == value.lower())
            if other.id != own_id and same:
                raise sp_conflict("The list item could not be added or updated because "
                                  "duplicate values were found in the following field(s) in "
                                  f"the list: [{column.name}].")


def _item(sp_list: SpList, key: str) -> ListItem:
    item = sp_list.items.get(key)
    if item is None:
        raise sp_not_found("Item not found")
    return item


def _if_match(call: Call, item: ListItem) -> None:
    wanted = call.headers.get("If-Match")
    if wanted and wanted != "*" and wanted.strip() not in {_etag(item), f"W/{_etag(item)}"}:
        raise GraphError(412, "resourceModified",
                         "The resource has changed since the caller last read it; usually an "
                         "eTag mismatch")


def _touched(emu: Emulator, site: Site, sp_list: SpList) -> None:
    emu.notifier.list_changed(site.id, sp_list.id, emu.now())


def _new_item(emu: Emulator, sp_list: SpList, given: Any) -> ListItem:
    fields = _apply_fields(sp_list, {}, given)
    _check_unique(sp_list, fields, None)
    now = emu.now()
    item = ListItem(id=str(sp_list.next_item_id), etag_id=emu.state.new_guid(), fields=fields,
                    created=now, modified=now)
    sp_list.next_item_id += 1
    sp_list.items[item.id] = item
    return item


def add_items(emu: Emulator, site_key: str, list_key: str, rows: list[Any]) -> list[str]:
    """Items written straight into a list (the control API), by the same rules as a create."""
    call = Call("POST", "", {}, CIMultiDict(), None, "", "", "",
                params={"site": site_key, "list": list_key})
    site, sp_list = find_list(emu, call)
    ids = [_new_item(emu, sp_list, fields).id for fields in rows]
    _touched(emu, site, sp_list)
    return ids


async def create_item(call: Call, emu: Emulator) -> Reply:
    site, sp_list = find_list(emu, call)
    body = call.body if isinstance(call.body, dict) else {}
    item = _new_item(emu, sp_list, body.get("fields", {}))
    _touched(emu, site, sp_list)
    context = emu.context(call, f"sites('{site.id}')/lists('{sp_list.id}')/items/$entity")
    return Reply(201, {"@odata.context": context,
                       **item_json(call, emu, site, sp_list, item, with_fields=True)})


def _filtered(call: Call, emu: Emulator, sp_list: SpList, items: list[ListItem]) -> list[ListItem]:
    text = call.option("filter")
    if not text:
        return items
    node = parse_filter(text)
    honor = emu.prefer(call).honor_non_indexed
    for path in filter_paths(node):
        name = path.split("/", 1)[1] if path.lower().startswith("fields/") else path
        if name in ALWAYS_FILTERABLE:
            continue
        base = name[:-len("LookupId")] if name.endswith("LookupId") else name
        column = sp_list.column(name) or sp_list.column(base)
        if column is None:
            raise sp_invalid(f"Column '{name}' does not exist. It may have been deleted by "
                             "another user.")
        if not column.indexed and not honor:
            raise sp_invalid(NOT_INDEXED.format(name=column.name))
        if not column.indexed and len(sp_list.items) > LIST_VIEW_THRESHOLD:
            raise GraphError(429, "activityLimitReached", THRESHOLD)

    def resolve(item: ListItem, path: str) -> Any:
        name = path.split("/", 1)[1] if path.lower().startswith("fields/") else path
        if name in ALWAYS_FILTERABLE:
            return item.id
        column = sp_list.column(name)
        return item.fields.get(column.name if column else name)

    return [i for i in items if evaluate(node, lambda p, i=i: resolve(i, p))]


async def list_items(call: Call, emu: Emulator) -> Reply:
    site, sp_list = find_list(emu, call)
    items = sorted(sp_list.items.values(), key=lambda i: int(i.id))
    items = _filtered(call, emu, sp_list, items)
    token = call.option("skiptoken")
    if token:
        try:
            decoded = base64.b64decode(token + "=" * (-len(token) % 4)).decode(errors="ignore")
        except (binascii.Error, ValueError):
            decoded = ""
        found = re.search(r"p_ID=(\d+)", decoded)
        if found is None:
            raise sp_invalid("The $skiptoken is invalid.")
        items = [i for i in items if int(i.id) > int(found.group(1))]
    size = page_size(call, emu.prefer(call), default=DEFAULT_PAGE, maximum=MAX_PAGE)
    with_fields, only = _expand(call)
    page = items[:size]
    body: dict[str, Any] = {
        "@odata.context": emu.context(call, f"sites('{site.id}')/lists('{sp_list.id}')/items")}
    if len(items) > size:
        raw = f"Paged=TRUE&p_ID={page[-1].id}".encode()
        body["@odata.nextLink"] = link(call, skiptoken=base64.b64encode(raw).decode().rstrip("="))
    body["value"] = [item_json(call, emu, site, sp_list, i, with_fields=with_fields, only=only)
                     for i in page]
    return Reply(200, body)


async def get_item(call: Call, emu: Emulator) -> Reply:
    site, sp_list = find_list(emu, call)
    item = _item(sp_list, call.params["item"])
    with_fields, only = _expand(call)
    context = emu.context(call, f"sites('{site.id}')/lists('{sp_list.id}')/items/$entity")
    return Reply(200, {"@odata.context": context,
                       **item_json(call, emu, site, sp_list, item, with_fields=with_fields,
                                   only=only)})


def _update(call: Call, emu: Emulator, sp_list: SpList, item: ListItem, given: Any) -> None:
    _if_match(call, item)
    fields = _apply_fields(sp_list, item.fields, given)
    _check_unique(sp_list, fields, item.id)
    item.fields, item.modified = fields, emu.now()
    item.version += 1


async def update_fields(call: Call, emu: Emulator) -> Reply:
    site, sp_list = find_list(emu, call)
    item = _item(sp_list, call.params["item"])
    _update(call, emu, sp_list, item, call.body)
    _touched(emu, site, sp_list)
    context = emu.context(
        call, f"sites('{site.id}')/lists('{sp_list.id}')/items('{item.id}')/fields/$entity")
    return Reply(200, {"@odata.context": context, **fields_json(sp_list, item)})


async def update_item(call: Call, emu: Emulator) -> Reply:
    site, sp_list = find_list(emu, call)
    item = _item(sp_list, call.params["item"])
    body = call.body if isinstance(call.body, dict) else {}
    _update(call, emu, sp_list, item, body.get("fields", {}))
    _touched(emu, site, sp_list)
    context = emu.context(call, f"sites('{site.id}')/lists('{sp_list.id}')/items/$entity")
    return Reply(200, {"@odata.context": context,
                       **item_json(call, emu, site, sp_list, item, with_fields=True)})


async def delete_item(call: Call, emu: Emulator) -> Reply:
    site, sp_list = find_list(emu, call)
    item = _item(sp_list, call.params["item"])
    _if_match(call, item)
    del sp_list.items[item.id]
    _touched(emu, site, sp_list)
    return Reply(204)


async def get_fields(call: Call, emu: Emulator) -> Reply:
    site, sp_list = find_list(emu, call)
    item = _item(sp_list, call.params["item"])
    context = emu.context(
        call, f"sites('{site.id}')/lists('{sp_list.id}')/items('{item.id}')/fields/$entity")
    return Reply(200, {"@odata.context": context, **fields_json(sp_list, item)})


def register(router: Router) -> None:
    base = "/sites/{site}/lists/{list}/items"
    router.add("GET", base, list_items)
    router.add("POST", base, create_item)
    router.add("GET", base + "/{item}", get_item)
    router.add("PATCH", base + "/{item}", update_item)
    router.add("DELETE", base + "/{item}", delete_item)
    router.add("GET", base + "/{item}/fields", get_fields)
    router.add("PATCH", base + "/{item}/fields", update_fields)
