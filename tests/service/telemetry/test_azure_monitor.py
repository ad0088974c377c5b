"""The export to Application Insights, offline: the connection string points at a local sink
standing in for the ingestion endpoint, and a process configured the way `bootstrap` does it
sends its turn, job, send and Graph request there. The envelopes land in the tables the admin
guide's queries read (requests, dependencies, customMetrics), with nothing personal in them."""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import sys
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.service.conftest import start_site
from tests.service.telemetry.export_once import PERSON

ROOT = Path(__file__).resolve().parents[3]
KEY = "00000000-0000-4000-8000-000000000001"


async def exported(env: dict[str, str]) -> tuple[str, list[dict[str, Any]], str]:
    """The mode the process chose, what reached the sink, and what it printed."""
    envelopes: list[dict[str, Any]] = []

    async def track(request: web.Request) -> web.Response:
        body = await request.read()
        if request.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        items = json.loads(body)
        envelopes.extend(items if isinstance(items, list) else [items])
        return web.json_response({"itemsReceived": len(envelopes), "itemsAccepted": len(envelopes),
                                  "errors": []})

    app = web.Application()
    app.router.add_post("/v2.1/track", track)
    app.router.add_post("/v2/track", track)
    runner, url = await start_site(app)
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.service.telemetry.export_once",
            cwd=ROOT, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT), **{
                key: value.replace("{sink}", url) for key, value in env.items()}},
        )
        out, err = await asyncio.wait_for(process.communicate(), timeout=120)
        assert process.returncode == 0, err.decode()[-3000:]
    finally:
        await runner.cleanup()
    printed = out.decode()
    mode = next(line for line in printed.splitlines() if line.startswith("telemetry mode="))
    return mode.removeprefix("telemetry mode="), envelopes, printed


def base_data(envelopes: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e["data"]["baseData"] for e in envelopes if e["name"].endswith(f".{kind}")]


async def test_with_the_connection_string_set_everything_reaches_application_insights() -> None:
    mode, envelopes, _ = await exported({
        "APPLICATIONINSIGHTS_CONNECTION_STRING":
            f"InstrumentationKey={KEY};IngestionEndpoint={{sink}}",
        # No calls to Microsoft from a test: the SDK's own usage statistics and its
        # configuration service stay off.
        "APPLICATIONINSIGHTS_STATSBEAT_DISABLED_ALL": "true",
        "APPLICATIONINSIGHTS_CONTROLPLANE_DISABLED": "true",
        # The distro samples 5 traces a second by default; four spans at once must all go.
        "OTEL_TRACES_SAMPLER": "always_on",
    })
    assert mode == "azure_monitor"
    requests = {r["name"]: r for r in base_data(envelopes, "Request")}
    assert requests["turn form.submit"]["responseCode"] == "200"
    assert requests["job campaign.prompt"]["success"] is False
    assert requests["job campaign.prompt"]["properties"]["learning_loop.outcome"] == "retry"
    dependencies = {d["name"]: d for d in base_data(envelopes, "RemoteDependency")}
    graph = dependencies["GET /v1.0/users/{id}/mailboxSettings"]
    assert graph["resultCode"] == "429" and graph["type"] == "HTTP"
    assert graph["data"] == "https://graph.microsoft.com/v1.0/users/{id}/mailboxSettings"
    assert graph["properties"]["learning_loop.graph.throttled"] == "True"
    assert "teams send" in dependencies
    metrics = {m["metrics"][0]["name"]: m for m in base_data(envelopes, "Metric")
               if m["properties"].get("learning_loop.send.reason") != "none"}
    assert {"learning_loop.turns", "learning_loop.jobs", "learning_loop.job.queue_lag",
            "learning_loop.sends", "learning_loop.graph.requests"} <= set(metrics)
    assert metrics["learning_loop.sends"]["properties"] == {
        "learning_loop.send.operation": "reach", "learning_loop.outcome": "unreachable",
        "learning_loop.send.reason": "install_blocked"}
    everything = json.dumps(envelopes)
    assert "zq7marker" not in everything and PERSON not in everything
    ours = [e for e in envelopes if not e["name"].endswith(".Metric")
            or e["data"]["baseData"]["metrics"][0]["name"].startswith("learning_loop.")]
    assert {e["tags"]["ai.cloud.role"] for e in ours} == {"learning-loop"}


async def test_without_it_nothing_is_sent_and_the_console_only_when_asked() -> None:
    mode, envelopes, printed = await exported({"APPLICATIONINSIGHTS_CONNECTION_STRING": ""})
    assert (mode, envelopes) == ("off", []) and "turn form.submit" not in printed
    with_key = f"InstrumentationKey={KEY};IngestionEndpoint={{sink}}"
    mode, envelopes, _ = await exported({
        "APPLICATIONINSIGHTS_CONNECTION_STRING": with_key, "LEARNING_LOOP_TELEMETRY": "off"})
    assert (mode, envelopes) == ("off", [])
    mode, envelopes, printed = await exported({
        "APPLICATIONINSIGHTS_CONNECTION_STRING": with_key, "LEARNING_LOOP_TELEMETRY": "console"})
    assert (mode, envelopes) == ("console", [])
    assert '"name": "turn form.submit"' in printed and "learning_loop.graph.requests" in printed
    assert "zq7marker" not in printed
