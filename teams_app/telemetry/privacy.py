"""What no span may carry out of the process, whoever made the span.

Our own spans hold kinds, codes, counts and durations only. Libraries add more: kiota (under
msgraph-sdk) puts a request's full URL on its spans (`url.full`: people's ids, UPNs, `$filter`
values), and the Agents SDK and OpenTelemetry's own context managers record an exception's
message and traceback, which quote whatever value the exception was about (a pydantic error
quotes the input a person typed). This processor removes them while the span ends, before any
exporter sees it, so the rule holds for Application Insights, the console and the tests alike.
"""

from __future__ import annotations

from opentelemetry.sdk.metrics.view import View
from opentelemetry.sdk.trace import Event, Span, SpanProcessor
from opentelemetry.trace import Status

# Attribute keys whose values are addresses with ids, people or queries in them, or ids that
# lead to a person: the Agents SDK puts the conversation's and the activity's ids on its spans
# (our logs hash such ids; telemetry has no use for them).
DROPPED_KEYS = frozenset({
    "url.full", "url.path", "url.query", "http.url", "http.target", "server.socket.address",
    "activity.conversation.id", "activity.id", "user.id", "agentic.user_id",
    "agentic.instance_id", "enduser.id", "enduser.pseudo.id",
})
# The labels the Agents SDK's metrics keep. It labels its turn metrics with the conversation's
# id too: one series per person's chat, which a metric must not be (and metric labels cannot
# be cleaned afterwards the way spans are), so a view keeps only these.
AGENTS_SDK_METRIC_LABELS = frozenset({
    "activity.type", "activity.channel_id", "activity.delivery_mode", "activity.is_agentic_request",
    "auth.method", "auth.success", "http.method", "http.status_code", "operation",
    "storage.operation", "success", "route.authorized", "route.matched", "route.is_invoke",
    "route.is_agentic",
})
AGENTS_SDK_SCOPE = "microsoft_agents"
OWN_SCOPES = frozenset({"learning_loop", "learning_loop.graph"})
EXCEPTION_EVENT = "exception"
EXCEPTION_TYPE = "exception.type"


class PrivacySpanProcessor(SpanProcessor):
    """Runs first among the span processors (exporters come after it)."""

    def _on_ending(self, span: Span) -> None:
        # OpenTelemetry's hook for changing a span while it ends, before `on_end` hands the
        # read-only copy to the exporters. The Python SDK freezes the attributes just before
        # it, so the cleaned values replace the span's own containers; the privacy tests fail
        # if an SDK release changes that (they read what an in-memory exporter received).
        attributes = span._attributes  # noqa: SLF001
        scope = span.instrumentation_scope.name if span.instrumentation_scope else ""
        # Our own spans are exempt: their attributes are made of fixed names by construction
        # (the Graph span's url.full is the endpoint template, ids replaced).
        if attributes and scope not in OWN_SCOPES and not DROPPED_KEYS.isdisjoint(attributes):
            span._attributes = {  # type: ignore[assignment]  # noqa: SLF001
                key: value for key, value in attributes.items() if key not in DROPPED_KEYS
            }
        events = tuple(span._events)  # noqa: SLF001
        if any(event.name == EXCEPTION_EVENT for event in events):
            span._events = tuple(_without_message(event) for event in events)  # type: ignore[assignment]  # noqa: SLF001,E501
        if span._status.description:  # noqa: SLF001
            span._status = Status(span._status.status_code)  # noqa: SLF001


def _without_message(event: Event) -> Event:
    if event.name != EXCEPTION_EVENT:
        return event
    kind = (event.attributes or {}).get(EXCEPTION_TYPE, "unknown")
    return Event(EXCEPTION_EVENT, {EXCEPTION_TYPE: kind}, timestamp=event.timestamp)


def metric_views() -> list[View]:
    return [View(instrument_name="*", meter_name=AGENTS_SDK_SCOPE,
                 attribute_keys=set(AGENTS_SDK_METRIC_LABELS))]
