"""GraphLists against the emulator: sites, idempotent schema, keyed upserts, safe filters."""

from __future__ import annotations

from typing import Any

import pytest

from graph.client import GraphConnection
from graph.lists import GraphLists
from teams_app.domain.directory import ColumnKind, ListColumn, ListRef, ListSchema
from teams_app.ports import GraphConflict, GraphForbidden, GraphNotFound
from tests.graph.adapter_fixtures import graph_fixture, graph_settings_fixture  # noqa: F401
from tests.graph.conftest import GraphEmulator

HOST = "contoso.sharepoint.com"
KEY = ListColumn("LoopKey", indexed=True, unique=True)
PERSON = ListColumn("Person", indexed=True)
TEAM = ListColumn("Team", indexed=True)
ANSWER = ListColumn("Answer", ColumnKind.NOTE)
SCORE = ListColumn("Score", ColumnKind.NUMBER)
V1 = ListSchema("Reflections", (KEY, ListColumn("Person"), ANSWER))
V2 = ListSchema("Reflections", (KEY, PERSON, ANSWER, TEAM, SCORE))


async def site_id(emulator: GraphEmulator) -> str:
    site = await emulator.control.add_site("sites/learning", hostname=HOST,
                                           display_name="Learning")
    return str(site["id"])


async def stored_list(emulator: GraphEmulator, name: str) -> dict[str, Any]:
    found = [x for x in await emulator.control.objects("lists") if x["displayName"] == name]
    assert len(found) == 1
    return found[0]


async def test_site_by_url_and_by_id(graph_emulator: GraphEmulator, graph: GraphConnection) -> None:
    sid = await site_id(graph_emulator)
    lists = GraphLists(graph)
    by_url = await lists.site_by_url(f"https://{HOST}/sites/learning/")
    assert by_url.id == sid
    assert (await lists.site_by_id(sid)).web_url == by_url.web_url
    with pytest.raises(GraphNotFound):
        await lists.site_by_url(f"https://{HOST}/sites/elsewhere")


async def test_ensure_list_creates_then_only_adds(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    sid = await site_id(graph_emulator)
    lists = GraphLists(graph)
    first = await lists.ensure_list(sid, V1)
    await lists.upsert_item(first, "r-1", {"Person": "Ann", "Answer": "Pairing helped"})
    # The organisation adds its own column; we must leave it alone.
    await graph_emulator.request("POST", f"/sites/{sid}/lists/{first.list_id}/columns",
                                 json={"name": "OrgNotes", "text": {}})
    await graph_emulator.control.clear_stats()

    again = await lists.ensure_list(sid, V1)
    assert again.list_id == first.list_id
    stats = await graph_emulator.control.stats()
    assert not any(k.startswith(("POST", "PATCH", "DELETE")) for k in stats["requests"])

    upgraded = await lists.ensure_list(sid, V2)
    stored = await stored_list(graph_emulator, "Reflections")
    columns = {c["name"]: c for c in stored["columns"]}
    assert {"Team", "Score", "OrgNotes"} <= set(columns)
    assert columns["Person"]["indexed"] is True  # index switched on, column kept
    assert columns["LoopKey"]["enforceUniqueValues"] is True
    assert upgraded.indexed == {"LoopKey", "Person", "Team"}
    assert [i["fields"]["Answer"] for i in stored["items"]] == ["Pairing helped"]
    stats = await graph_emulator.control.stats()
    assert not any(k.startswith("DELETE") for k in stats["requests"])


async def test_upsert_by_key_never_duplicates(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    lists = GraphLists(graph)
    ref = await lists.ensure_list(await site_id(graph_emulator), V2)
    created = await lists.upsert_item(ref, "round-4:ann", {"Person": "Ann", "Score": 3})
    assert created.created
    updated = await lists.upsert_item(ref, "round-4:ann", {"Person": "Ann", "Score": 5})
    assert updated.id == created.id and not updated.created
    with pytest.raises(GraphConflict):  # the unique key holds even for a blind add
        await lists.add_item(ref, {"LoopKey": "round-4:ann", "Title": "dup"})
    items = (await stored_list(graph_emulator, "Reflections"))["items"]
    assert [(i["fields"]["LoopKey"], i["fields"]["Score"]) for i in items] == [
        ("round-4:ann", 5)
    ]


async def test_upsert_losing_a_create_race_updates_instead(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    lists = GraphLists(graph)
    ref = await lists.ensure_list(await site_id(graph_emulator), V2)
    # Another worker's create lands between our lookup and our add: the add answers 409.
    await lists.add_item(ref, {"LoopKey": "k", "Title": "k", "Score": 1})
    sneaky = ListRef(ref.site_id, ref.list_id, ref.name, ref.key_column, ref.indexed)
    lookups = 0
    original = lists.item_by_key

    async def stale_first_lookup(r: ListRef, key: str) -> Any:
        nonlocal lookups
        lookups += 1
        return None if lookups == 1 else await original(r, key)

    lists.item_by_key = stale_first_lookup  # type: ignore[method-assign]
    result = await lists.upsert_item(sneaky, "k", {"Score": 2})
    assert result.fields["Score"] == 2
    items = (await stored_list(graph_emulator, "Reflections"))["items"]
    assert len(items) == 1


async def test_filters_quote_obrien_and_keep_injection_literal(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    lists = GraphLists(graph)
    ref = await lists.ensure_list(await site_id(graph_emulator), V2)
    for n, person in enumerate(["O'Brien", "OBrien", "Ann", "x' or fields/Person ne 'y"]):
        await lists.upsert_item(ref, f"k{n}", {"Person": person, "Team": "A"})

    found = await lists.query_items(ref, {"Person": "O'Brien"})
    assert [i.fields["Person"] for i in found.items] == ["O'Brien"]
    injected = await lists.query_items(ref, {"Person": "x' or fields/Person ne 'y"})
    assert [i.fields["LoopKey"] for i in injected.items] == ["k3"]  # itself, nothing more
    both = await lists.query_items(ref, {"Team": "A", "Person": "Ann"})
    assert [i.fields["LoopKey"] for i in both.items] == ["k2"]
    with pytest.raises(ValueError, match="Score"):
        await lists.query_items(ref, {"Score": 1})  # not indexed: refused before Graph is


async def test_query_pages_through_results(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    lists = GraphLists(graph)
    ref = await lists.ensure_list(await site_id(graph_emulator), V2)
    for n in range(7):
        await lists.upsert_item(ref, f"k{n}", {"Team": "A" if n != 3 else "B"})
    seen: list[str] = []
    page = await lists.query_items(ref, {"Team": "A"}, page_size=4)
    pages = 1
    seen += [str(i.fields["LoopKey"]) for i in page.items]
    while page.cursor:
        page = await lists.query_items(ref, {}, cursor=page.cursor)
        seen += [str(i.fields["LoopKey"]) for i in page.items]
        pages += 1
    assert pages == 2
    assert seen == ["k0", "k1", "k2", "k4", "k5", "k6"]


async def test_deleted_list_and_site_are_not_found(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    lists = GraphLists(graph)
    sid = await site_id(graph_emulator)
    ref = await lists.ensure_list(sid, V2)
    response = await graph_emulator.request("DELETE", f"/sites/{sid}/lists/{ref.list_id}")
    assert response.status == 204
    with pytest.raises(GraphNotFound):
        await lists.upsert_item(ref, "k", {"Team": "A"})
    recreated = await lists.ensure_list(sid, V2)  # the caller's recovery: ensure again
    assert recreated.list_id != ref.list_id
    await graph_emulator.control.delete_site(sid)
    with pytest.raises(GraphNotFound):
        await lists.site_by_id(sid)
    with pytest.raises(GraphNotFound):
        await lists.query_items(recreated, {"Team": "A"})


async def test_forbidden_on_lists_names_the_site_permission(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    sid = await site_id(graph_emulator)
    await graph_emulator.control.set_limits(
        fail_next=[{"match": "POST /sites/\\{site\\}/lists$", "status": 403,
                    "code": "accessDenied"}]
    )
    with pytest.raises(GraphForbidden) as caught:
        await GraphLists(graph).ensure_list(sid, V1)
    assert "Sites.Selected" in caught.value.permission
    assert "Sites.Manage.All" in str(caught.value)
