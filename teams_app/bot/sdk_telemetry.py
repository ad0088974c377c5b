"""The Agents SDK's OpenTelemetry spans, only when something would record them.

The SDK wraps every step of a turn (the adapter, the turn, before and after it, each route,
each send: about ten per message) in span objects of its own over OpenTelemetry, and records
turn metrics when a turn's span ends. With no OpenTelemetry provider configured, every one of
them goes to OpenTelemetry's no-op tracer and meter and records nothing, yet building and
entering them cost about a tenth of a first message's CPU (benchmarks/profile_first_messages.py).
Then they are skipped; once a tracer or meter provider is set (an exporter configured at start,
App Service's instrumentation), they run as the SDK wrote them. Every method the SDK calls on its
spans between enter and exit already allows for a span that was never started.
"""

from __future__ import annotations

from typing import Any

from microsoft_agents.hosting.core.telemetry.core.base_span_wrapper import BaseSpanWrapper
from opentelemetry import metrics, trace

_SDK_ENTER = BaseSpanWrapper.__enter__
_SDK_EXIT = BaseSpanWrapper.__exit__
# OpenTelemetry hands out a proxy until a provider is set (`metrics` has no public name for it).
_UNSET_METER_PROVIDER = type(metrics.get_meter_provider())


def telemetry_configured() -> bool:
    """True once an OpenTelemetry tracer or meter provider has been set in this process."""
    return not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider) or not (
        isinstance(metrics.get_meter_provider(), _UNSET_METER_PROVIDER)
    )


def _enter(self: BaseSpanWrapper) -> BaseSpanWrapper:
    if telemetry_configured():
        return _SDK_ENTER(self)
    return self  # never started: `otel_span` stays None and `active` False, as the SDK allows


def _exit(self: BaseSpanWrapper, *exc: Any) -> None:
    if self.active:
        _SDK_EXIT(self, *exc)


def skip_unrecorded_sdk_spans() -> None:
    """Installs the check on the SDK's span base class (once; later calls change nothing)."""
    BaseSpanWrapper.__enter__ = _enter  # type: ignore[method-assign]
    BaseSpanWrapper.__exit__ = _exit  # type: ignore[method-assign]
