"""SharePoint: the demo site by path, lists by title, indexed columns (at most 20), filters on
indexed columns only (unless the Prefer header says otherwise), OData quoting, unique values,
paging, and 404s after deletes."""

from __future__ import annotations

from typing import Any

from tests.graph.conftest import GraphEmulator

HONOR = {"Prefer": "HonorNonIndexedQueriesWarningMayFailRandomly"}


async def _list(graph_emulator: GraphEmulator, **column_options: Any) -> str:
    await graph_emulator.control.reset("demo", now="2025-03-24T06:00:00Z")
    site = await graph_emulator.request(
        "GET", "/sites/contoso-learning.sharepoint.example:/sites/LearningLoop")
    assert site.status == 200 and site.body["displayName"] == "Learning Loop"
    created = await graph_emulator.request("POST", f"/sites/{site.body['id']}/lists", json={
        "displayName": "Check-in responses",
        "columns": [{"name": "Participant", "text": {}, **column_options},
                    {"name": "Score", "number": {}},
                    {"name": "Mood", "choice": {"choices": ["good", "ok", "bad"]}}]})
    assert created.status == 201
    return f"/sites/{site.body['id']}/lists/{created.body['id']}"


async def test_list_by_title_and_columns(graph_emulator: GraphEmulator) -> None:
    lst = await _list(graph_emulator)
    site = lst.split("/lists/")[0]

    by_title = await graph_emulator.request("GET", f"{site}/lists/Check-in responses")
    expanded = await graph_emulator.request("GET", f"{lst}?$expand=columns")

    assert by_title.status == 200 and by_title.body["id"] == lst.rsplit("/", 1)[1]
    names = [c["name"] for c in expanded.body["columns"]]
    assert {"Title", "Participant", "Score", "Mood"} <= set(names)
    mood = next(c for c in expanded.body["columns"] if c["name"] == "Mood")
    assert mood["choice"]["choices"] == ["good", "ok", "bad"] and mood["indexed"] is False


async def test_filter_needs_an_indexed_column(graph_emulator: GraphEmulator) -> None:
    lst = await _list(graph_emulator)
    for name in ("Ada", "O'Brien", "Grace"):
        await graph_emulator.request("POST", f"{lst}/items", json={"fields": {"Participant": name}})
    query = f"{lst}/items?expand=fields&$filter=fields/Participant eq 'O''Brien'"

    refused = await graph_emulator.request("GET", query)
    honoured = await graph_emulator.request("GET", query, headers=HONOR)
    indexing = await graph_emulator.request("PATCH", f"{lst}/columns/Participant",
                                            json={"indexed": True})
    indexed = await graph_emulator.request("GET", query)

    assert refused.status == 400
    assert refused.body["error"]["code"] == "invalidRequest"
    assert refused.body["error"]["message"].startswith(
        "Field 'Participant' cannot be referenced in filter or orderby as it is not indexed. "
        "Provide the 'Prefer: HonorNonIndexedQueriesWarningMayFailRandomly' header")
    assert [i["fields"]["Participant"] for i in honoured.body["value"]] == ["O'Brien"]
    assert indexing.status == 200 and indexing.body["indexed"] is True
    assert [i["fields"]["Participant"] for i in indexed.body["value"]] == ["O'Brien"]


async def test_at_most_twenty_indexed_columns(graph_emulator: GraphEmulator) -> None:
    lst = await _list(graph_emulator)
    statuses = []
    for n in range(21):
        column = await graph_emulator.request("POST", f"{lst}/columns",
                                              json={"name": f"Extra{n}", "text": {}})
        patched = await graph_emulator.request("PATCH", f"{lst}/columns/{column.body['id']}",
                                               json={"indexed": True})
        statuses.append(patched.status)

    assert statuses == [200] * 20 + [400]


async def test_unique_values_and_field_validation(graph_emulator: GraphEmulator) -> None:
    lst = await _list(graph_emulator, indexed=True, enforceUniqueValues=True)

    first = await graph_emulator.request("POST", f"{lst}/items",
                                         json={"fields": {"Participant": "ada", "Score": 3}})
    duplicate = await graph_emulator.request("POST", f"{lst}/items",
                                             json={"fields": {"Participant": "ADA"}})
    unknown = await graph_emulator.request("POST", f"{lst}/items", json={"fields": {"Nope": 1}})
    not_a_choice = await graph_emulator.request("POST", f"{lst}/items",
                                                json={"fields": {"Mood": "ecstatic"}})

    assert first.status == 201 and first.body["fields"]["Score"] == 3
    assert (duplicate.status, duplicate.body["error"]["code"]) == (409, "nameAlreadyExists")
    assert (unknown.status, unknown.body["error"]["message"]) == \
        (400, "Field 'Nope' is not recognized")
    assert not_a_choice.status == 400


async def test_items_page_and_expand_without_dollar(graph_emulator: GraphEmulator) -> None:
    lst = await _list(graph_emulator)
    for n in range(5):
        await graph_emulator.request("POST", f"{lst}/items", json={"fields": {"Score": n}})

    seen, url = [], f"{lst}/items?expand=fields(select=Score)&$top=2"
    while url:
        page = await graph_emulator.request("GET", url)
        seen += [(i["id"], i["fields"]["Score"]) for i in page.body["value"]]
        url = page.body.get("@odata.nextLink")
        assert url is None or "$skiptoken=" in url
    bare = await graph_emulator.request("GET", f"{lst}/items")

    assert seen == [(str(n + 1), n) for n in range(5)]
    assert all("fields" not in i for i in bare.body["value"])


async def test_deletes_make_later_calls_404(graph_emulator: GraphEmulator) -> None:
    lst = await _list(graph_emulator)
    item = await graph_emulator.request("POST", f"{lst}/items", json={"fields": {"Title": "x"}})

    deleted_item = await graph_emulator.request("DELETE", f"{lst}/items/{item.body['id']}")
    gone_item = await graph_emulator.request("GET", f"{lst}/items/{item.body['id']}")
    deleted_list = await graph_emulator.request("DELETE", lst)
    gone_list = await graph_emulator.request("GET", f"{lst}/items")
    site_id = lst.split("/")[2]
    await graph_emulator.control.delete_site(site_id)
    gone_site = await graph_emulator.request("GET", f"/sites/{site_id}")

    assert (deleted_item.status, deleted_list.status) == (204, 204)
    for gone in (gone_item, gone_list, gone_site):
        assert (gone.status, gone.body["error"]["code"]) == (404, "itemNotFound")


async def test_a_list_can_be_retitled_but_not_onto_another(graph_emulator: GraphEmulator) -> None:
    lst = await _list(graph_emulator)
    site = lst.split("/lists/")[0]
    await graph_emulator.request("POST", f"{site}/lists", json={"displayName": "Other"})

    retitled = await graph_emulator.request("PATCH", lst, json={"displayName": "Avstämningar"})
    clash = await graph_emulator.request("PATCH", lst, json={"displayName": "other"})
    by_new_title = await graph_emulator.request("GET", f"{site}/lists/Avstämningar")

    assert retitled.status == 200 and retitled.body["name"] == "Check-inresponses"
    assert (clash.status, clash.body["error"]["code"]) == (409, "nameAlreadyExists")
    assert by_new_title.body["id"] == lst.rsplit("/", 1)[1]
