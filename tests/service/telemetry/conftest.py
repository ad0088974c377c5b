"""Spans and metrics captured in memory, behind the same providers and privacy rules as in
production (teams_app.telemetry.install_providers). OpenTelemetry's providers are installed
once per process, so they stay for the rest of the session; the capture only records while a
test here holds it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from teams_app.telemetry import install_providers
from tests.graph.conftest import graph_emulator  # noqa: F401


class _WhileHeld(SpanProcessor):
    """Hands spans to the exporter only while a test holds the capture."""

    def __init__(self, inner: SpanProcessor) -> None:
        self.inner = inner
        self.on = False

    def on_end(self, span: ReadableSpan) -> None:
        if self.on:
            self.inner.on_end(span)

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.inner.force_flush(timeout_millis)


@dataclass
class Captured:
    spans: InMemorySpanExporter
    metrics: InMemoryMetricReader
    switch: _WhileHeld

    def finished_spans(self) -> list[ReadableSpan]:
        return list(self.spans.get_finished_spans())

    def metric_points(self) -> dict[str, list[dict[str, Any]]]:
        """Instrument name -> the attributes of each of its data points."""
        data = self.metrics.get_metrics_data()
        found: dict[str, list[dict[str, Any]]] = {}
        for resource in data.resource_metrics if data else []:
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    found.setdefault(metric.name, []).extend(
                        dict(point.attributes or {}) for point in metric.data.data_points
                    )
        return found

    def everything_exported(self) -> str:
        data = self.metrics.get_metrics_data()
        return "\n".join([span.to_json() for span in self.finished_spans()]
                         + [data.to_json() if data else ""])


_installed: Captured | None = None


@pytest.fixture
def telemetry_capture() -> Iterator[Captured]:
    global _installed
    if _installed is None:
        exporter, reader = InMemorySpanExporter(), InMemoryMetricReader()
        switch = _WhileHeld(SimpleSpanProcessor(exporter))
        install_providers(span_processors=[switch], metric_readers=[reader])
        _installed = Captured(exporter, reader, switch)
    _installed.spans.clear()
    _installed.metrics.get_metrics_data()  # cumulative: read now, compare by presence later
    _installed.switch.on = True
    try:
        yield _installed
    finally:
        _installed.switch.on = False
        _installed.spans.clear()
