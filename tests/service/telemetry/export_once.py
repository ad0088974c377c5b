"""Run by test_azure_monitor.py in a process of its own (OpenTelemetry's providers are installed
once per process): configures telemetry from the environment as `bootstrap` does, records one
turn, job, send and Graph request through the real signal code, and flushes."""

from __future__ import annotations

import asyncio
import sys

import httpx
from opentelemetry import metrics, trace

from graph.telemetry import GraphRequestTelemetry
from teams_app import telemetry
from teams_app.settings import Settings

PERSON = "vera.zq7marker@contoso-learning.example"


async def main() -> str:
    mode = telemetry.configure_telemetry(Settings(anonymous=True))
    with telemetry.turn() as record:
        record.activity_type, record.route, record.status = "invoke", "form.submit", 200
    with telemetry.job_run("campaign.prompt", attempt=2, queue_lag_ms=1500) as job:
        job.outcome, job.error = "retry", "GraphThrottled"
    with telemetry.send("send"):
        pass
    telemetry.unreachable("install_blocked")
    throttled = httpx.MockTransport(lambda request: httpx.Response(429, headers={
        "Retry-After": "1"}))
    await GraphRequestTelemetry().send(
        httpx.Request("GET", f"https://graph.microsoft.com/v1.0/users/{PERSON}/mailboxSettings"
                      "?$select=timeZone"),
        throttled,
    )
    for provider in (trace.get_tracer_provider(), metrics.get_meter_provider()):
        if hasattr(provider, "force_flush"):  # none is installed when telemetry is off
            provider.force_flush()
    return mode


if __name__ == "__main__":
    sys.stdout.write(f"\ntelemetry mode={asyncio.run(main())}\n")
