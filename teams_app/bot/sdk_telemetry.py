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


def _not_started(self: BaseSpanWrapper) -> BaseSpanWrapper:
    return self  # `otel_span` stays None and `active` False, as the SDK allows


def _nothing_to_end(self: BaseSpanWrapper, *_exc: Any) -> None:
    return None


def skip_unrecorded_sdk_spans() -> bool:
    """Skips the SDK's spans when no provider is set now; True when it did."""
    if telemetry_configured():
        return False
    BaseSpanWrapper.__enter__ = _not_started  # type: ignore[method-assign]
    BaseSpanWrapper.__exit__ = _nothing_to_end  # type: ignore[method-assign]
    return True
