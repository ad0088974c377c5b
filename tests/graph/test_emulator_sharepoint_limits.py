"""SharePoint's documented limits in the emulator: the root site, site search, a site by
host and path, unique values (409), at most 20 indexes, the 5,000-item list view threshold on
non-indexed filters, and resource units per app per minute (429 with Retry-After)."""

from __future__ import annotations

import asyncio

from tests.graph.conftest import GraphEmulator

HOST = "contoso-learning.sharepoint.example"
HONOR = {"Prefer": "HonorNonIndexedQueriesWarningMayFailRandomly"}


async def _site_and_list(graph_emulator: GraphEmulator) -> tuple[str, str]:
    await graph_emulator.control.reset("demo", now="2025-03-24T06:00:00Z")
    site = await graph_emulator.request("GET", f"/sites/{HOST}:/sites/LearningLoop")
    created = await graph_emulator.request("POST", f"/sites/{site.body['id']}/lists", json={
        "displayName": "Answers",
        "columns": [{"name": "Key", "text": {}, "indexed": True, "enforceUniqueValues": True},
                    {"name": "Team", "text": {}, "indexed": True},
                    {"name": "Mood", "text": {}},
                    {"name": "Ways", "choice": {"choices": ["a", "b", "c"],
                                                "displayAs": "checkBoxes"}}]})
    assert created.status == 201
    return site.body["id"], created.body["id"]


async def test_root_site_search_and_site_by_path(graph_emulator: GraphEmulator) -> None:
    await graph_emulator.control.reset("demo", now="2025-03-24T06:00:00Z")

    root = await graph_emulator.request("GET", "/sites/root")
    again = await graph_emulator.request("GET", "/sites/root?$select=id,webUrl")
    found = await graph_emulator.request("GET", "/sites?search=Loop")
    everything = await graph_emulator.request("GET", "/sites?search=*")
    nothing = await graph_emulator.request("GET", "/sites?search=payroll")
    by_path = await graph_emulator.request("GET", f"/sites/{HOST}:/sites/LearningLoop")
    missing = await graph_emulator.request("GET", f"/sites/{HOST}:/sites/Nowhere")

    assert root.status == 200 and root.body["webUrl"] == f"https://{HOST}/"
    assert root.body["@odata.context"].endswith("$metadata#sites/$entity")
    assert again.body["id"] == root.body["id"]  # the same site every time
    assert [s["displayName"] for s in found.body["value"]] == ["Learning Loop"]
    assert found.body["@odata.context"].endswith("$metadata#sites")
    assert len(everything.body["value"]) == 2
    assert nothing.body["value"] == []
    assert by_path.body["id"] == found.body["value"][0]["id"]
    assert (missing.status, missing.body["error"]["code"]) == (404, "itemNotFound")


async def test_unique_column_refuses_a_duplicate_and_needs_an_index(
    graph_emulator: GraphEmulator,
) -> None:
    site, lst = await _site_and_list(graph_emulator)
    items = f"/sites/{site}/lists/{lst}/items"

    first = await graph_emulator.request("POST", items, json={"fields": {"Key": "r-1"}})
    second = await graph_emulator.request("POST", items, json={"fields": {"Key": "r-1"}})
    unindexed = await graph_emulator.request(
        "POST", f"/sites/{site}/lists/{lst}/columns",
        json={"name": "Other", "text": {}, "enforceUniqueValues": True})

    assert first.status == 201
    assert (second.status, second.body["error"]["code"]) == (409, "nameAlreadyExists")
    assert unindexed.status == 400


async def test_multi_choice_takes_a_collection(graph_emulator: GraphEmulator) -> None:
    site, lst = await _site_and_list(graph_emulator)
    made = await graph_emulator.request("POST", f"/sites/{site}/lists/{lst}/items", json={
        "fields": {"Ways@odata.type": "Collection(Edm.String)", "Ways": ["a", "c"]}})
    refused = await graph_emulator.request("POST", f"/sites/{site}/lists/{lst}/items", json={
        "fields": {"Ways": ["a", "z"]}})
    assert made.status == 201 and made.body["fields"]["Ways"] == ["a", "c"]
    assert refused.status == 400


async def test_list_view_threshold_on_non_indexed_filters(graph_emulator: GraphEmulator) -> None:
    site, lst = await _site_and_list(graph_emulator)
    items = f"/sites/{site}/lists/{lst}/items"
    await graph_emulator.control.add_list_items(
        site, lst, [{"Team": f"t{n % 7}", "Mood": "ok"} for n in range(5000)])
    by_mood = f"{items}?expand=fields&$filter=fields/Mood eq 'ok'&$top=10"
    by_team = f"{items}?expand=fields&$filter=fields/Team eq 't3'&$top=10"

    at_threshold = await graph_emulator.request("GET", by_mood, headers=HONOR)
    await graph_emulator.control.add_list_items(site, lst, [{"Team": "t3", "Mood": "ok"}])
    past_threshold = await graph_emulator.request("GET", by_mood, headers=HONOR)
    without_header = await graph_emulator.request("GET", by_mood)
    indexed = await graph_emulator.request("GET", by_team)

    assert at_threshold.status == 200 and len(at_threshold.body["value"]) == 10
    assert past_threshold.status == 429
    assert past_threshold.body["error"]["code"] == "activityLimitReached"
    assert "exceeds the list view threshold" in past_threshold.body["error"]["message"]
    assert without_header.status == 400  # refused at any size without the Prefer header
    assert indexed.status == 200 and len(indexed.body["value"]) == 10


async def test_at_most_twenty_indexes_also_when_a_list_is_created(
    graph_emulator: GraphEmulator,
) -> None:
    await graph_emulator.control.reset("demo", now="2025-03-24T06:00:00Z")
    site = await graph_emulator.request("GET", "/sites/root")
    columns = [{"name": f"C{n}", "text": {}, "indexed": True} for n in range(21)]
    refused = await graph_emulator.request("POST", f"/sites/{site.body['id']}/lists",
                                           json={"displayName": "Wide", "columns": columns})
    accepted = await graph_emulator.request("POST", f"/sites/{site.body['id']}/lists",
                                            json={"displayName": "Wide",
                                                  "columns": columns[:20]})
    assert refused.status == 400 and "20 indexed columns" in refused.body["error"]["message"]
    assert accepted.status == 201


async def test_resource_units_per_app_per_minute(graph_emulator: GraphEmulator) -> None:
    site, lst = await _site_and_list(graph_emulator)
    items = f"/sites/{site}/lists/{lst}/items"
    made = await graph_emulator.request("POST", items, json={"fields": {"Key": "k"}})
    await graph_emulator.control.set_limits(resource_units_per_minute=10)
    await graph_emulator.control.clear_stats()

    # A single item costs 1 unit, a query 2, a create 2: 1 + 2 + 2 + 2 + 2 = 9 of 10.
    single = await graph_emulator.request("GET", f"{items}/{made.body['id']}")
    statuses = [single.status, (await graph_emulator.request("GET", items)).status]
    answers = []
    for n in range(3):
        answers.append(await graph_emulator.request("POST", items,
                                                    json={"fields": {"Key": f"{n}"}}))
        statuses.append(answers[-1].status)
    over = await graph_emulator.request("POST", items, json={"fields": {"Key": "x"}})
    elsewhere = await graph_emulator.request("GET", "/users")  # not SharePoint: not charged

    assert statuses == [200, 200, 201, 201, 201]
    # RateLimit headers from 80 % of the limit on: not at 1, 5 or 7 units of 10, at 9.
    assert not any("RateLimit-Remaining" in r.headers for r in (single, *answers[:2]))
    headers = answers[2].headers
    assert (headers["RateLimit-Limit"], headers["RateLimit-Remaining"]) == ("10", "1")
    assert 55 <= float(headers["RateLimit-Reset"]) <= 60
    assert over.status == 429 and over.body["error"]["code"] == "activityLimitReached"
    wait = float(over.headers["Retry-After"])
    assert 55 <= wait <= 60
    assert elsewhere.status == 200
    stats = await graph_emulator.control.stats()
    assert stats["resource_units"] == 11  # the throttled request counts as well


async def test_resource_units_recover_after_retry_after(graph_emulator: GraphEmulator) -> None:
    site, lst = await _site_and_list(graph_emulator)
    items = f"/sites/{site}/lists/{lst}/items"
    await graph_emulator.control.set_limits(resource_units_per_minute=4,
                                            resource_unit_window_s=0.5)
    first = [(await graph_emulator.request("POST", items, json={"fields": {"Key": f"{n}"}}))
             for n in range(3)]
    assert [r.status for r in first] == [201, 201, 429]
    await asyncio.sleep(float(first[2].headers["Retry-After"]))
    retried = await graph_emulator.request("POST", items, json={"fields": {"Key": "2"}})
    assert retried.status == 201
