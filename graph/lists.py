"""GraphLists: teams_app.ports.Lists on SharePoint lists through Microsoft Graph.

The organisation owns the data, so the adapter only ever adds: it creates a missing list, adds
missing columns and switches on missing indexes, and never drops or alters a column or an item
it did not write. Writes are idempotent through a unique, indexed key column (`LoopKey`): an
upsert looks the key up first, and a concurrent or retried create that loses the race hits the
unique constraint (409) and turns into an update instead of a duplicate.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.boolean_column import BooleanColumn
from msgraph.generated.models.choice_column import ChoiceColumn
from msgraph.generated.models.column_definition import ColumnDefinition
from msgraph.generated.models.date_time_column import DateTimeColumn
from msgraph.generated.models.field_value_set import FieldValueSet
from msgraph.generated.models.list_ import List_
from msgraph.generated.models.list_info import ListInfo
from msgraph.generated.models.list_item import ListItem as GraphListItem
from msgraph.generated.models.number_column import NumberColumn
from msgraph.generated.models.site import Site as GraphSite
from msgraph.generated.models.text_column import TextColumn
from msgraph.generated.sites.item.lists.item.items.items_request_builder import (
    ItemsRequestBuilder,
)
from msgraph.generated.sites.item.lists.item.list_item_request_builder import (
    ListItemRequestBuilder,
)
from msgraph.generated.sites.item.lists.lists_request_builder import ListsRequestBuilder

from graph.client import GraphConnection
from graph.errors import Operation
from teams_app.domain.directory import (
    ColumnKind,
    FieldValue,
    ListChange,
    ListChangeKind,
    ListColumn,
    ListItem,
    ListProvisioning,
    ListRef,
    ListSchema,
    Page,
    Site,
)
from teams_app.ports import GraphConflict, GraphNotFound, GraphRejected


def odata_string(value: str) -> str:
    """A string literal for `$filter`: quoted, with single quotes doubled (OData ABNF).

    "O'Brien" becomes 'O''Brien'; "x' or 1 eq 1" stays one literal instead of new syntax.
    URL encoding is the SDK's job (query parameters go through its URI template).
    """
    if not isinstance(value, str):
        raise TypeError(f"odata_string quotes strings, not {type(value).__name__}")
    return "'" + value.replace("'", "''") + "'"


def odata_literal(value: FieldValue) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):  # before int: bool is an int
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime):
        return odata_string(_iso(value))
    return odata_string(value)


class GraphLists:
    def __init__(self, graph: GraphConnection) -> None:
        self._graph = graph

    # --- sites -------------------------------------------------------------------------------

    async def site_by_url(self, url: str) -> Site:
        """A site from its web URL: GET /sites/{hostname}:{server-relative-path}."""
        parts = urlsplit(url)
        if not parts.hostname:
            raise ValueError(f"not a site URL: {url!r}")
        path = quote(parts.path.rstrip("/") or "/", safe="/")
        raw = f"{self._graph.base_url}/sites/{parts.hostname}:{path}"
        builder = self._graph.client.sites.by_site_id(parts.hostname).with_url(raw)
        return _site(await self._graph.call(Operation.READ_SITE, builder.get))

    async def site_by_id(self, site_id: str) -> Site:
        builder = self._graph.client.sites.by_site_id(site_id)
        return _site(await self._graph.call(Operation.READ_SITE, builder.get))

    async def root_site(self) -> Site:
        """The tenant's root site (GET /sites/root)."""
        return await self.site_by_id("root")

    async def search_sites(self, words: str) -> list[Site]:
        """Sites whose name, title or address holds the words (GET /sites?search=)."""
        info = self._graph.request_for_url(
            f"{self._graph.base_url}/sites?search={quote(words, safe='')}")
        found: list[Site] = []
        while True:
            page = await self._graph.call_json(Operation.READ_SITE, info)
            found += [Site(id=str(s["id"]), web_url=str(s.get("webUrl") or ""),
                           display_name=str(s.get("displayName") or ""))
                      for s in page.get("value") or [] if s.get("id")]
            following = page.get("@odata.nextLink")
            if not following:
                return found
            info = self._graph.request_for_url(str(following))

    # --- schema ------------------------------------------------------------------------------

    async def ensure_list(self, site_id: str, schema: ListSchema) -> ListRef:
        """The list as `schema` describes it, created or completed; never anything removed."""
        return (await self.provision_list(site_id, schema)).ref

    async def provision_list(
        self, site_id: str, schema: ListSchema, *, known_list_id: str | None = None
    ) -> ListProvisioning:
        """As `ensure_list`, saying what it changed: the list created, columns added (missing
        ones, also one somebody removed), indexes switched on, new choices added, and a
        column's display name put back when somebody renamed it (its internal name, which
        items and filters use, never changes). `known_list_id`, where provisioning put the
        list before, finds it also when the organisation gave it another title (which stays
        theirs), so a renamed list is never made a second time."""
        lists = self._graph.client.sites.by_site_id(site_id).lists
        changes: list[ListChange] = []
        list_id = await self._list_by_id(site_id, known_list_id) if known_list_id else None
        list_id = list_id or await self._find_list(site_id, schema.name)
        if list_id is None:
            body = List_(
                display_name=schema.name,
                description=schema.description or None,
                columns=[_column_definition(c) for c in schema.columns],
                list_=ListInfo(template="genericList"),
            )
            try:
                created = await self._graph.call(Operation.MANAGE_LISTS, lambda: lists.post(body))
                list_id = created.id if created else None
                changes.append(ListChange(ListChangeKind.LIST_CREATED))
            except GraphConflict:
                # Another instance created it between our look and our create.
                list_id = await self._find_list(site_id, schema.name)
            if list_id is None:
                raise GraphRejected(status=None, detail="list create answered without an id")
        if not changes:
            changes += await self._complete_columns(site_id, list_id, schema)
        ref = ListRef(
            site_id=site_id,
            list_id=list_id,
            name=schema.name,
            key_column=schema.key_column,
            indexed=frozenset(c.name for c in schema.indexed_columns),
        )
        return ListProvisioning(ref, tuple(changes))

    async def _list_by_id(self, site_id: str, list_id: str) -> str | None:
        target = self._graph.client.sites.by_site_id(site_id).lists.by_list_id(list_id)
        config = RequestConfiguration(
            query_parameters=ListItemRequestBuilder.ListItemRequestBuilderGetQueryParameters(
                select=["id"]
            )
        )
        try:
            found = await self._graph.call(Operation.MANAGE_LISTS, lambda: target.get(config))
        except GraphNotFound:
            return None
        return found.id if found else None

    async def _find_list(self, site_id: str, name: str) -> str | None:
        lists = self._graph.client.sites.by_site_id(site_id).lists
        config = RequestConfiguration(
            query_parameters=ListsRequestBuilder.ListsRequestBuilderGetQueryParameters(
                select=["id", "name", "displayName"]
            )
        )
        page = await self._graph.call(Operation.MANAGE_LISTS, lambda: lists.get(config))
        while page is not None:
            for found in page.value or []:
                if name in (found.display_name, found.name):
                    return found.id
            if not page.odata_next_link:
                return None
            following = lists.with_url(page.odata_next_link)
            page = await self._graph.call(Operation.MANAGE_LISTS, following.get)
        return None

    async def _complete_columns(
        self, site_id: str, list_id: str, schema: ListSchema
    ) -> list[ListChange]:
        columns = self._graph.client.sites.by_site_id(site_id).lists.by_list_id(list_id).columns
        answer = await self._graph.call(Operation.MANAGE_LISTS, columns.get)
        existing = {c.name: c for c in (answer.value if answer and answer.value else [])}
        changes: list[ListChange] = []
        for wanted in schema.columns:
            have = existing.get(wanted.name)
            if have is None:
                definition = _column_definition(wanted)
                try:
                    await self._graph.call(
                        Operation.MANAGE_LISTS, lambda d=definition: columns.post(d)
                    )
                    changes.append(ListChange(ListChangeKind.COLUMN_ADDED, wanted.name))
                except GraphConflict:
                    pass  # added meanwhile by another instance
                continue
            if not have.id:
                continue
            # Only what the product relies on is changed; the column's type and data stay.
            patch, found = _column_repairs(wanted, have)
            if found:
                column = columns.by_column_definition_id(have.id)
                await self._graph.call(
                    Operation.MANAGE_LISTS, lambda c=column, p=patch: c.patch(p)
                )
                changes += found
        return changes

    # --- items -------------------------------------------------------------------------------

    async def add_item(self, ref: ListRef, fields: Mapping[str, FieldValue]) -> ListItem:
        body = GraphListItem(fields=FieldValueSet(additional_data=_wire_fields(fields)))
        info = self._items(ref).to_post_request_information(body)
        created = await self._graph.call_json(Operation.WRITE_ITEMS, info)
        return _item(created, created=True)

    async def update_item(
        self, ref: ListRef, item_id: str, fields: Mapping[str, FieldValue]
    ) -> ListItem:
        target = self._items(ref).by_list_item_id(item_id).fields
        body = FieldValueSet(additional_data=_wire_fields(fields))
        info = target.to_patch_request_information(body)
        updated = await self._graph.call_json(Operation.WRITE_ITEMS, info)
        values = {k: v for k, v in updated.items() if not k.startswith("@")} or dict(fields)
        return ListItem(id=item_id, fields=values)

    async def upsert_item(
        self, ref: ListRef, key: str, fields: Mapping[str, FieldValue], *, assume_new: bool = False
    ) -> ListItem:
        """Create or update the item whose key column holds `key`: at most one ever exists.

        `assume_new` skips the look-up and creates at once (half the resource units for an
        item written the first time); the unique key still turns a create of an existing item
        into a 409, and that into an update."""
        values = {**fields, ref.key_column: key}
        values.setdefault("Title", key)  # SharePoint's built-in required column
        existing = None if assume_new else await self.item_by_key(ref, key)
        if existing is not None:
            return await self.update_item(ref, existing.id, values)
        try:
            return await self.add_item(ref, values)
        except GraphConflict:
            # A concurrent (or retried, already applied) create won: the unique key held.
            existing = await self.item_by_key(ref, key)
            if existing is None:
                raise
            return await self.update_item(ref, existing.id, values)

    async def delete_item(self, ref: ListRef, key: str) -> bool:
        existing = await self.item_by_key(ref, key)
        if existing is None:
            return False
        info = self._items(ref).by_list_item_id(existing.id).to_delete_request_information()
        try:
            await self._graph.call_json(Operation.WRITE_ITEMS, info)
        except GraphNotFound:  # deleted between the look-up and the delete: gone all the same
            return False
        return True

    async def item_by_key(self, ref: ListRef, key: str) -> ListItem | None:
        page = await self.query_items(ref, {ref.key_column: key}, page_size=2)
        return page.items[0] if page.items else None

    async def query_items(
        self,
        ref: ListRef,
        where: Mapping[str, FieldValue],
        *,
        page_size: int = 200,
        cursor: str | None = None,
    ) -> Page[ListItem]:
        """Items whose columns equal the given values. Only indexed columns: past 5,000 items
        SharePoint refuses filters on anything else."""
        if cursor:
            info = self._graph.request_for_url(cursor)
        else:
            unindexed = sorted(set(where) - set(ref.indexed))
            if unindexed:
                raise ValueError(f"filter on columns without an index: {', '.join(unindexed)}")
            clauses = [f"fields/{name} eq {odata_literal(v)}" for name, v in where.items()]
            query = ItemsRequestBuilder.ItemsRequestBuilderGetQueryParameters(
                filter=" and ".join(clauses) or None, expand=["fields"], top=page_size
            )
            info = self._items(ref).to_get_request_information(
                RequestConfiguration(query_parameters=query)
            )
        page = await self._graph.call_json(Operation.READ_ITEMS, info)
        return Page(
            items=tuple(_item(v) for v in page.get("value") or []),
            cursor=page.get("@odata.nextLink"),
        )

    def _items(self, ref: ListRef) -> ItemsRequestBuilder:
        site = self._graph.client.sites.by_site_id(ref.site_id)
        return site.lists.by_list_id(ref.list_id).items


def _site(site: GraphSite | None) -> Site:
    if site is None or not site.id:
        raise GraphRejected(status=None, detail="site answered without an id")
    return Site(id=site.id, web_url=site.web_url or "", display_name=site.display_name or "")


def _column_definition(column: ListColumn) -> ColumnDefinition:
    definition = ColumnDefinition(
        name=column.name,
        display_name=column.display_name or column.name,
        indexed=column.indexed,
        enforce_unique_values=column.unique,
        required=column.required,
    )
    match column.kind:
        case ColumnKind.TEXT:
            definition.text = TextColumn()
        case ColumnKind.NOTE:
            definition.text = TextColumn(allow_multiple_lines=True)
        case ColumnKind.NUMBER:
            definition.number = NumberColumn()
        case ColumnKind.BOOLEAN:
            definition.boolean = BooleanColumn()
        case ColumnKind.DATE_TIME:
            definition.date_time = DateTimeColumn(format="dateTime")
        case ColumnKind.CHOICE:
            definition.choice = ChoiceColumn(choices=list(column.choices))
        case ColumnKind.MULTI_CHOICE:
            definition.choice = ChoiceColumn(choices=list(column.choices), display_as="checkBoxes")
    return definition


def _column_repairs(
    wanted: ListColumn, have: ColumnDefinition
) -> tuple[ColumnDefinition, list[ListChange]]:
    patch = ColumnDefinition()
    found: list[ListChange] = []
    if wanted.indexed and not have.indexed:
        patch.indexed = True
        found.append(ListChange(ListChangeKind.COLUMN_INDEXED, wanted.name))
    display = wanted.display_name or wanted.name
    if have.display_name is not None and have.display_name != display:
        patch.display_name = display
        found.append(ListChange(ListChangeKind.COLUMN_RENAMED_BACK, wanted.name,
                                was=have.display_name))
    offered = list(have.choice.choices or []) if have.choice is not None else None
    missing = [c for c in wanted.choices if offered is not None and c not in offered]
    if offered is not None and missing and have.choice is not None:
        # The column's own choices stay (an admin may have added some); ours are appended.
        patch.choice = ChoiceColumn(choices=offered + missing,
                                    display_as=have.choice.display_as)
        found.append(ListChange(ListChangeKind.CHOICES_ADDED, wanted.name))
    return patch, found


def _wire_fields(fields: Mapping[str, FieldValue]) -> dict[str, Any]:
    wire: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, tuple):  # a multi-choice column takes a typed collection
            wire[f"{name}@odata.type"] = "Collection(Edm.String)"
            wire[name] = list(value)
        else:
            wire[name] = _iso(value) if isinstance(value, datetime) else value
    return wire


def _item(item: Mapping[str, Any], *, created: bool = False) -> ListItem:
    """An item from Graph's JSON (see GraphConnection.call_json for why not the model)."""
    if not item.get("id"):
        raise GraphRejected(status=None, detail="item answered without an id")
    fields = item.get("fields") or {}
    values = {k: v for k, v in fields.items() if not k.startswith("@")}
    return ListItem(id=str(item["id"]), fields=values, etag=item.get("eTag"), created=created)


def _iso(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("list date-times are tz-aware")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
