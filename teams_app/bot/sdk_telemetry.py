"""The Agents SDK's OpenTelemetry spans, only when something records them.

The SDK wraps every step of a turn (the adapter, the turn, before and after it, each route,
each send: about ten per message) in span objects of its own over OpenTelemetry, and records
turn metrics when a turn's span ends. With no OpenTelemetry provider configured, every one of
them goes to OpenTelemetry's no-op tracer and meter and records nothing, yet building and
entering them cost about a tenth of a first message's CPU (benchmarks/profile_first_messages.py).
So when the service starts without a tracer or meter provider, they are skipped for the life of
the process; with one (an exporter configured before the service starts, App Service's
instrumentation) they run as the SDK wrote them. Deciding once matters: asking OpenTelemetry
for its providers reads the environment each time, 2 % of a message when done per span. Every
method the SDK calls on its spans between enter and exit allows for a span never started.
"""

from __future__ import annotations

from typing import Any

from microsoft_agents.hosting.core.telemetry.core.base_span_wrapper import BaseSpanWrapper
from opentelemetry import metrics, trace

# OpenTelemetry hands out a proxy until a provider is set (`metrics` has no public name for it).
_UNSET_METER_PROVIDER = type(metrics.get_meter_provider())


def telemetry_configured() -> bool:
    """True once an OpenTelemetry tracer or meter provider has been set in this process."""
    return not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider) or not (
        isinstance(metrics.get_meter_provider(), _UNSET_METER_PROVIDER)
    )


_SDK_ENTER, _SDK_EXIT = BaseSpanWrapper.__enter__, BaseSpanWrapper.__exit__
_skipping = False  # decided by the latest skip_unrecorded_sdk_spans(); a bool read per span


def _enter(self: BaseSpanWrapper) -> BaseSpanWrapper:
    if _skipping:
        return self  # `otel_span` stays None and `active` False, as the SDK allows
    return _SDK_ENTER(self)


def _exit(self: BaseSpanWrapper, *exc: Any) -> Any:
    if _skipping and self.otel_span is None:
        return None
    return _SDK_EXIT(self, *exc)


def skip_unrecorded_sdk_spans() -> bool:
    """Skips the SDK's spans when no provider is set now; True when it did. Called at every
    start (bootstrap): the process that starts once decides once, and a process that starts
    again with telemetry configured (a test that records spans) records them again."""
    global _skipping
    BaseSpanWrapper.__enter__ = _enter  # type: ignore[method-assign]
    BaseSpanWrapper.__exit__ = _exit  # type: ignore[method-assign]
    _skipping = not telemetry_configured()
    return _skipping
