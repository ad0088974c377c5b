"""What telemetry adds to a card answer, in microseconds per turn.

A card answer is one POST to /api/messages: our turn span and metrics (teams_app/telemetry)
around the Agents SDK's turn, which opens about ten spans of its own. Each mode runs in a fresh
process, since OpenTelemetry's providers are installed once per process:

- off: no providers, as without a connection string: every span is the API's no-op;
- on: the SDK providers with the privacy processor, a batch span processor and a metric reader,
  as with Application Insights, but exporting to nowhere (no network in the figure);
- sampled out: the same for a turn the sampler drops (Application Insights' default sampler
  keeps 5 traces a second, so above that most turns are these); its metrics still count.

Figures: the median of `--repeat` timings of `--number` turns, for our turn alone and for our
turn around ten spans the way the SDK opens them.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_telemetry.py
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import timeit
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
SDK_SPANS = 10
MODES = ("off", "on", "sampled out")


def measure(mode: str, number: int, repeat: int) -> dict[str, float]:
    from opentelemetry import trace
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import ReadableSpan
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
    from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON

    from teams_app import telemetry

    class Nowhere(SpanExporter):
        def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
            return SpanExportResult.SUCCESS

    if mode != "off":
        telemetry.install_providers(
            span_processors=[BatchSpanProcessor(Nowhere())],
            metric_readers=[InMemoryMetricReader()],
            sampler=ALWAYS_OFF if mode == "sampled out" else ALWAYS_ON,
        )
    sdk = trace.get_tracer("microsoft_agents")
    activity = SimpleNamespace(type="invoke", name="adaptiveCard/action",
                               value={"action": {"verb": "slot.keep", "data": {}}})

    def our_turn() -> None:
        with telemetry.turn() as record:
            record.activity_type = telemetry.activity_type_label(activity.type)
            record.route = telemetry.turn_route(activity)
            record.status = 200

    def with_sdk_spans() -> None:
        with telemetry.turn() as record:
            record.activity_type = telemetry.activity_type_label(activity.type)
            record.route = telemetry.turn_route(activity)
            for _ in range(SDK_SPANS):
                with sdk.start_as_current_span("agents.app.run") as span:
                    span.set_attribute("activity.type", "invoke")
            record.status = 200

    figures = {}
    for name, work in (("our turn", our_turn), (f"with {SDK_SPANS} SDK spans", with_sdk_spans)):
        timings = timeit.repeat(work, number=number, repeat=repeat)
        figures[name] = statistics.median(timings) / number * 1e6
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--mode", choices=MODES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        print(json.dumps(measure(args.mode, args.number, args.repeat)))
        return
    print(f"{'mode':<12}{'our turn µs':>14}{f'with {SDK_SPANS} SDK spans µs':>26}")
    for mode in MODES:
        out = subprocess.run(
            [sys.executable, __file__, "--mode", mode, "--number", str(args.number),
             "--repeat", str(args.repeat)],
            check=True, capture_output=True, text=True, cwd=ROOT,
        ).stdout.strip().splitlines()[-1]
        ours, with_sdk = json.loads(out).values()
        print(f"{mode:<12}{ours:>14.1f}{with_sdk:>26.1f}")


if __name__ == "__main__":
    main()
