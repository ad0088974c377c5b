"""GraphLists for the results lists: the root site and site search, provisioning that says what
it changed (created, columns added back, renamed back, indexed, new choices), multi-choice
values, and create-first upserts that still never duplicate."""

from __future__ import annotations

import time
from typing import Any

from graph.client import GraphConnection
from graph.lists import GraphLists
from teams_app.domain.directory import ColumnKind, ListChangeKind, ListColumn, ListSchema
from tests.graph.adapter_fixtures import graph_fixture, graph_settings_fixture  # noqa: F401
from tests.graph.conftest import GraphEmulator

HOST = "contoso.sharepoint.com"
KEY = ListColumn("LoopKey", indexed=True, unique=True, display_name="Response key")
WAYS = ListColumn("ways", ColumnKind.MULTI_CHOICE, choices=("a", "b"), display_name="Ways")
MOOD = ListColumn("mood", ColumnKind.CHOICE, choices=("good", "bad"), display_name="Mood")
SCHEMA = ListSchema("Answers", (KEY, ListColumn("Team", indexed=True), WAYS, MOOD))


async def site_id(emulator: GraphEmulator) -> str:
    site = await emulator.control.add_site("sites/learning", hostname=HOST,
                                           display_name="Learning")
    return str(site["id"])


async def columns(emulator: GraphEmulator) -> dict[str, dict[str, Any]]:
    stored = [x for x in await emulator.control.objects("lists") if x["displayName"] == "Answers"]
    return {c["name"]: c for c in stored[0]["columns"]}


async def test_root_site_and_search(graph_emulator: GraphEmulator, graph: GraphConnection) -> None:
    sid = await site_id(graph_emulator)
    lists = GraphLists(graph)
    root = await lists.root_site()
    assert root.web_url == f"https://{HOST}/"
    assert [s.id for s in await lists.search_sites("learning")] == [sid]
    assert await lists.search_sites("payroll") == []


async def test_provision_reports_and_repairs(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    sid = await site_id(graph_emulator)
    lists = GraphLists(graph)
    first = await lists.provision_list(sid, SCHEMA)
    assert [c.kind for c in first.changes] == [ListChangeKind.LIST_CREATED]

    await graph_emulator.control.clear_stats()
    again = await lists.provision_list(sid, SCHEMA)
    assert again.changes == () and again.ref.list_id == first.ref.list_id
    stats = await graph_emulator.control.stats()
    assert not any(k.startswith(("POST", "PATCH", "DELETE")) for k in stats["requests"])

    base = f"/sites/{sid}/lists/{first.ref.list_id}/columns"
    await graph_emulator.request("PATCH", f"{base}/mood", json={"displayName": "Feeling"})
    await graph_emulator.request("DELETE", f"{base}/Team")
    await graph_emulator.request("PATCH", f"{base}/ways",
                                 json={"choice": {"choices": ["a", "b", "org"]}})
    wider = ListSchema("Answers", (KEY, ListColumn("Team", indexed=True),
                                   ListColumn("ways", ColumnKind.MULTI_CHOICE,
                                              choices=("a", "b", "c"), display_name="Ways"),
                                   MOOD))
    repaired = await lists.provision_list(sid, wider)

    found = {(c.kind, c.column, c.was) for c in repaired.changes}
    assert found == {(ListChangeKind.COLUMN_ADDED, "Team", None),
                     (ListChangeKind.COLUMN_RENAMED_BACK, "mood", "Feeling"),
                     (ListChangeKind.CHOICES_ADDED, "ways", None)}
    stored = await columns(graph_emulator)
    assert stored["mood"]["displayName"] == "Mood"
    assert stored["Team"]["indexed"] is True
    assert stored["ways"]["choice"]["choices"] == ["a", "b", "org", "c"]  # theirs kept
    assert stored["ways"]["choice"]["displayAs"] == "checkBoxes"


async def test_create_first_upsert_and_multi_choice(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    lists = GraphLists(graph)
    ref = await lists.ensure_list(await site_id(graph_emulator), SCHEMA)
    made = await lists.upsert_item(ref, "r-1", {"ways": ("a", "b"), "mood": "good"},
                                   assume_new=True)
    await graph_emulator.control.clear_stats()
    again = await lists.upsert_item(ref, "r-1", {"ways": ("b",), "mood": "bad"},
                                    assume_new=True)

    assert made.created and not again.created and again.id == made.id
    stored = [x for x in await graph_emulator.control.objects("lists")
              if x["displayName"] == "Answers"][0]["items"]
    assert [(i["fields"]["ways"], i["fields"]["mood"]) for i in stored] == [(["b"], "bad")]
    stats = await graph_emulator.control.stats()
    assert stats["statuses"].get("409") == 1  # the create met the unique key, then updated


async def test_writes_pace_themselves_on_ratelimit_headers(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    lists = GraphLists(graph)
    ref = await lists.ensure_list(await site_id(graph_emulator), SCHEMA)
    await graph_emulator.control.set_limits(resource_units_per_minute=20,
                                            resource_unit_window_s=0.5)
    await graph_emulator.control.clear_stats()
    started = time.monotonic()
    for n in range(30):
        await lists.upsert_item(ref, f"r-{n}", {"mood": "good"}, assume_new=True)
    elapsed = time.monotonic() - started

    stats = await graph_emulator.control.stats()
    assert stats["throttled"] == 0  # waited for the reset instead of meeting a 429
    assert elapsed >= 0.5 * (60 / 20 - 1)  # 60 units at 20 per half second: paced
