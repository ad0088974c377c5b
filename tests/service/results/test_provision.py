"""`learning-loop provision`: the results lists on a fresh site, nothing changed the second
time, a renamed or removed column repaired and reported, the root site, and clear answers for
a missing site, a missing permission and an outage."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from teams_app.bootstrap import Runtime, bootstrap
from teams_app.cli.demo import provision_demo_lists
from teams_app.cli.main import app
from teams_app.domain.directory import ListChangeKind
from teams_app.ports import GraphForbidden
from teams_app.use_cases.results.provisioning import SiteNotFound
from tests.graph.conftest import GraphEmulator
from tests.service.results.support import (
    CHECKINS,
    SITE_URL,
    provision,
    results_settings,
    stored_list,
)

NAMES = {"Learning Loop check-ins", "Learning Loop surveys", "Learning Loop pulses",
         "Learning Loop feedback", "Learning Loop reflections", "Learning Loop follow-ups",
         "Learning Loop campaigns"}


async def test_fresh_site_then_nothing_to_change(
    runtime: Runtime, graph_emulator: GraphEmulator
) -> None:
    first = await provision(runtime)
    assert {r.name for r in first.lists} == NAMES
    assert all([c.kind for c in r.changes] == [ListChangeKind.LIST_CREATED] for r in first.lists)
    checkins = await stored_list(graph_emulator, CHECKINS)
    columns = {c["name"]: c for c in checkins["columns"]}
    assert columns["LoopKey"]["enforceUniqueValues"] and columns["LoopKey"]["indexed"]
    assert all(columns[n]["indexed"] for n in ("CampaignId", "SubmittedAt", "PersonId"))
    assert "choice" in columns["used_time"] and "number" in columns["FormVersion"]

    await graph_emulator.control.clear_stats()
    second = await provision(runtime)
    assert not second.changed
    stats = await graph_emulator.control.stats()
    assert not any(k.startswith(("POST", "PATCH", "DELETE")) for k in stats["requests"])


async def test_renamed_and_removed_columns_are_repaired_and_reported(
    runtime: Runtime, graph_emulator: GraphEmulator
) -> None:
    await provision(runtime)
    checkins = await stored_list(graph_emulator, CHECKINS)
    base = f"/sites/{checkins['siteId']}/lists/{checkins['id']}"
    await graph_emulator.request("POST", f"{base}/items", json={"fields": {
        "LoopKey": "kept", "Title": "kept", "used_time": "yes"}})
    await graph_emulator.request("PATCH", f"{base}/columns/used_time",
                                 json={"displayName": "Time used?"})
    await graph_emulator.request("DELETE", f"{base}/columns/worked_on")

    report = await provision(runtime)

    listed = next(r for r in report.lists if r.name == CHECKINS)
    assert {(c.kind, c.column, c.was) for c in listed.changes} == {
        (ListChangeKind.COLUMN_RENAMED_BACK, "used_time", "Time used?"),
        (ListChangeKind.COLUMN_ADDED, "worked_on", None)}
    assert listed.recreated == ("worked_on",)
    assert all(not r.changes for r in report.lists if r.name != CHECKINS)
    after = await stored_list(graph_emulator, CHECKINS)
    columns = {c["name"]: c for c in after["columns"]}
    assert columns["used_time"]["displayName"] == "Did you use your learning time?"
    assert "worked_on" in columns
    assert [i["fields"]["LoopKey"] for i in after["items"]] == ["kept"]  # no item touched


async def test_root_site(runtime: Runtime, graph_emulator: GraphEmulator) -> None:
    report = await provision(runtime, "root")
    assert report.site.web_url.endswith(".sharepoint.example/")
    lists = await graph_emulator.control.objects("lists")
    assert {x["displayName"] for x in lists if x["siteId"] == report.site.id} == NAMES


async def test_missing_site_names_candidates(runtime: Runtime) -> None:
    with pytest.raises(SiteNotFound) as missing:
        await provision(runtime, SITE_URL.replace("LearningLoop", "Nowhere"))
    assert missing.value.candidates == ()
    with pytest.raises(SiteNotFound) as by_name:
        await provision(runtime, "Loop")
    assert [s.display_name for s in by_name.value.candidates] == ["Learning Loop"]
    assert (await provision(runtime, "Learning Loop")).site.web_url == SITE_URL  # exact name


async def test_forbidden_names_the_permission(
    runtime: Runtime, graph_emulator: GraphEmulator
) -> None:
    await graph_emulator.control.set_limits(fail_next=[
        {"match": "POST /sites/\\{site\\}/lists$", "status": 403, "code": "accessDenied"}])
    with pytest.raises(GraphForbidden) as refused:
        await provision(runtime)
    assert "Sites.Selected" in refused.value.permission


def invoke(tmp_path: Path, base_url: str, *args: str) -> tuple[int, str]:
    settings = results_settings(tmp_path, base_url)
    env = {"LEARNING_LOOP_DATABASE_URL": settings.database_url, "LEARNING_LOOP_ANONYMOUS": "true",
           "LEARNING_LOOP_HOST": "127.0.0.1", "LEARNING_LOOP_GRAPH_BASE_URL": base_url,
           "LEARNING_LOOP_GRAPH_AUTH": "static",
           "LEARNING_LOOP_GRAPH_STATIC_TOKEN": settings.graph_static_token or "",
           "LEARNING_LOOP_GRAPH_MAX_RETRIES": "1",
           "LEARNING_LOOP_GRAPH_RETRY_BACKOFF_SECONDS": "0.02", "COLUMNS": "240"}
    result = CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.output


async def test_cli_reports_changes_and_faults(
    tmp_path: Path, graph_emulator: GraphEmulator
) -> None:
    await graph_emulator.control.reset("demo")
    base = graph_emulator.base_url
    code, first = await asyncio.to_thread(invoke, tmp_path, base, "provision", "--site", SITE_URL)
    assert code == 0 and "Learning Loop check-ins: created" in first
    code, second = await asyncio.to_thread(invoke, tmp_path, base, "provision", "--site",
                                           SITE_URL)
    assert code == 0 and "Nothing to change" in second

    code, missing = await asyncio.to_thread(invoke, tmp_path, base, "provision", "--site",
                                            "https://contoso-learning.sharepoint.example/x")
    assert code == 1 and "No SharePoint site answers to" in missing

    await graph_emulator.control.set_limits(fail_next=[
        {"match": "GET /sites", "status": 403, "code": "accessDenied"}])
    code, forbidden = await asyncio.to_thread(invoke, tmp_path, base, "provision", "--site",
                                              SITE_URL)
    assert code == 1 and "Sites.Selected" in forbidden and "Sites.Manage.All" in forbidden

    await graph_emulator.control.set_limits(fail_next=[
        {"match": "GET /sites", "status": 503, "retry_after": 0.01, "count": 5}])
    code, outage = await asyncio.to_thread(invoke, tmp_path, base, "provision", "--site",
                                           SITE_URL)
    assert code == 1 and "did not answer (503)" in outage

    await graph_emulator.control.set_limits(fail_next=[
        {"match": "GET /sites", "status": 429, "retry_after": 0.01, "count": 5}])
    code, throttled = await asyncio.to_thread(invoke, tmp_path, base, "provision", "--site",
                                              SITE_URL)
    assert code == 1 and "throttling this app (429)" in throttled
    await graph_emulator.control.set_limits(fail_next=[
        {"match": "GET /sites", "status": 429, "retry_after": 0.01, "count": 1}])
    code, recovered = await asyncio.to_thread(invoke, tmp_path, base, "provision", "--site",
                                              SITE_URL)
    assert code == 0 and "Nothing to change" in recovered  # waited as told, then went on

    code, status = await asyncio.to_thread(invoke, tmp_path, base, "outbox", "status")
    assert code == 0 and "pending: 0" in status


async def test_the_demo_provisions_its_site(
    runtime: Runtime, graph_emulator: GraphEmulator
) -> None:
    await provision_demo_lists(runtime, Console(file=io.StringIO()))
    lists = await graph_emulator.control.objects("lists")
    assert {x["displayName"] for x in lists} == NAMES


async def test_cli_outbox_status_retry_and_drain(
    tmp_path: Path, graph_emulator: GraphEmulator
) -> None:
    await graph_emulator.control.reset("demo")
    base = graph_emulator.base_url
    code, _ = await asyncio.to_thread(invoke, tmp_path, base, "provision", "--site", SITE_URL)
    assert code == 0
    runtime = await bootstrap(results_settings(tmp_path, base))
    try:
        async with runtime.services.uow() as tx:
            await tx.outbox.add("checkin", "r-1", {"CampaignId": "c-1"})
            await tx.outbox.add("checkin", "r-2", {"NoSuchColumn": "x"})
            await tx.commit()
    finally:
        await runtime.close()

    code, drained = await asyncio.to_thread(invoke, tmp_path, base, "outbox", "drain")
    assert code == 0 and "written: 1  set aside: 1" in drained
    code, status = await asyncio.to_thread(invoke, tmp_path, base, "outbox", "status")
    assert "pending: 0  written: 1  failed: 1" in status and "rejected:400: 1" in status
    code, retried = await asyncio.to_thread(invoke, tmp_path, base, "outbox", "retry")
    assert "1 response(s) queued again" in retried
    code, status = await asyncio.to_thread(invoke, tmp_path, base, "outbox", "status")
    assert "pending: 1" in status


async def test_a_renamed_list_is_kept_not_made_again(
    runtime: Runtime, graph_emulator: GraphEmulator
) -> None:
    await provision(runtime)
    checkins = await stored_list(graph_emulator, CHECKINS)
    renamed = await graph_emulator.request(
        "PATCH", f"/sites/{checkins['siteId']}/lists/{checkins['id']}",
        json={"displayName": "Avstämningar"})
    assert renamed.status == 200 and renamed.body["displayName"] == "Avstämningar"

    report = await provision(runtime)

    assert not report.changed
    lists = await graph_emulator.control.objects("lists")
    assert len(lists) == len(NAMES) and CHECKINS not in {x["displayName"] for x in lists}
