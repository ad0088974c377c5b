"""The Agents SDK's spans are skipped when the service starts with nothing to record them, and
recorded as the SDK writes them when an OpenTelemetry provider is set (bot/sdk_telemetry.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from microsoft_agents.hosting.core.app.telemetry import constants

ROOT = Path(__file__).resolve().parents[2]


SKIPPING = """
import json, logging
from microsoft_agents.hosting.core.app.telemetry.spans import AppBeforeTurn
from teams_app.bot.sdk_telemetry import skip_unrecorded_sdk_spans, telemetry_configured

warnings = []
class Keep(logging.Handler):
    def emit(self, record):
        warnings.append(record.getMessage())
logging.getLogger().addHandler(Keep(level=logging.WARNING))
configured = telemetry_configured()
skipped = skip_unrecorded_sdk_spans()
with AppBeforeTurn() as span:
    started, active = span.otel_span is not None, span.active
print(json.dumps({"configured": configured, "skipped": skipped, "started": started,
                  "active": active, "warnings": warnings}))
"""


def test_without_a_provider_an_sdk_span_is_never_started_and_ends_quietly() -> None:
    # A process of its own: other tests in this one set providers (tests/service/telemetry).
    outcome = run(SKIPPING)
    assert not outcome["configured"] and outcome["skipped"]
    assert not outcome["started"] and not outcome["active"]
    assert outcome["warnings"] == []  # the SDK warns when a span it never started is ended


def run(script: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
        timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True,
    )
    outcome: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return outcome


RECORDING = """
import json
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from microsoft_agents.hosting.core.app.telemetry.spans import AppBeforeTurn
from teams_app.bot.sdk_telemetry import skip_unrecorded_sdk_spans

exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
trace.set_tracer_provider(provider)  # as an exporter configured before the service starts
skipped = skip_unrecorded_sdk_spans()
with AppBeforeTurn() as span:
    started = span.otel_span is not None
print(json.dumps({"skipped": skipped, "started": started,
                  "spans": [s.name for s in exporter.get_finished_spans()]}))
"""


def test_with_a_provider_set_the_sdk_spans_are_recorded() -> None:
    # A provider can be set once per process: this one runs in a process of its own.
    outcome = run(RECORDING)
    assert not outcome["skipped"] and outcome["started"]
    assert outcome["spans"] == [constants.SPAN_BEFORE_TURN]
