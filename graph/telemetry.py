"""A span and metrics for every request sent to Microsoft Graph, without the ids in its address.

The middleware sits innermost in the SDK's chain (graph/client.py), so it sees each try the
retry handler makes: a 429 is counted where it happened, and `learning_loop.graph.retry` says
which try it was (the retry handler's `Retry-Attempt` header). The endpoint is the path with
every segment that is not one of Graph's own names replaced by `{id}`: a segment is kept only
when it is in the fixed vocabulary below, so a UPN, an object id, a site path or a list name
never becomes a label. The query string is never read.

kiota emits its own spans too, about 17 per request with each request's full URL on them:
teams_app/telemetry/setup.py switches its tracer off, and the privacy processor would take the
URL off them anyway (teams_app/telemetry/privacy.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache
from typing import Any

import httpx
from kiota_http.middleware import BaseMiddleware
from opentelemetry import metrics, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from teams_app.telemetry.setup import recording

SCOPE = "learning_loop.graph"
REQUESTS = "learning_loop.graph.requests"
DURATION = "learning_loop.graph.duration"

METHOD = "http.request.method"
STATUS = "http.response.status_code"
ENDPOINT = "learning_loop.graph.endpoint"
RETRY = "learning_loop.graph.retry"
THROTTLED = "learning_loop.graph.throttled"
BATCHED = "learning_loop.graph.in_batch"  # an inner request of a $batch, answered inside it
ERROR_TYPE = "error.type"

ID = "{id}"
_NAMES = (
    "v1.0", "beta", "$batch", "$ref", "$value", "$count", "users", "groups", "members",
    "owners", "transitiveMembers", "memberOf", "transitiveMemberOf", "ownedObjects",
    "directReports", "manager", "checkMemberGroups", "microsoft.graph.group",
    "microsoft.graph.user", "calendar", "calendars", "calendarView", "events", "instances",
    "delta", "getSchedule", "mailboxSettings", "workingHours", "timeZone", "language",
    "automaticRepliesSetting", "onlineMeetings", "sites", "root", "lists", "items", "fields",
    "columns", "contentTypes", "permissions", "drive", "drives", "subscriptions", "teamwork",
    "installedApps", "teamsApp", "teamsAppDefinition", "chat", "chats", "appCatalogs",
    "teamsApps", "organization", "servicePrincipals", "me",
)
_VOCABULARY = {name.lower(): name for name in _NAMES}


def endpoint_template(path: str) -> str:
    """"/v1.0/users/2b1c.../mailboxSettings" -> "/v1.0/users/{id}/mailboxSettings"."""
    segments = [segment for segment in path.split("/") if segment]
    return "/" + "/".join(_VOCABULARY.get(segment.lower(), ID) for segment in segments)


@dataclass(frozen=True)
class _Instruments:
    tracer: trace.Tracer
    requests: Any
    duration: Any


@cache
def _instruments() -> _Instruments:
    meter = metrics.get_meter(SCOPE)
    return _Instruments(
        tracer=trace.get_tracer(SCOPE),
        requests=meter.create_counter(
            REQUESTS, unit="{request}", description="Requests sent to Microsoft Graph, each try"
        ),
        duration=meter.create_histogram(DURATION, unit="ms"),
    )


class GraphRequestTelemetry(BaseMiddleware):
    async def send(
        self, request: httpx.Request, transport: httpx.AsyncBaseTransport
    ) -> httpx.Response:
        if not recording():
            return await super().send(request, transport)
        tools = _instruments()
        method = request.method.upper()
        endpoint = endpoint_template(request.url.path)
        retry = _retry_attempt(request.headers.get("Retry-Attempt"))
        labels: dict[str, Any] = {METHOD: method, ENDPOINT: endpoint, BATCHED: False}
        started = time.perf_counter()
        with tools.tracer.start_as_current_span(
            f"{method} {endpoint}", kind=SpanKind.CLIENT, record_exception=False,
            set_status_on_exception=False,
        ) as span:
            try:
                response = await super().send(request, transport)
            except Exception as error:
                labels[STATUS], labels[ERROR_TYPE] = 0, type(error).__name__
                raise
            else:
                labels[STATUS] = response.status_code
            finally:
                labels[THROTTLED] = labels.get(STATUS) == 429
                if span.is_recording():
                    # The address with the template for its path: App Insights names an HTTP
                    # dependency "<method> <path of url.full>" and shows the address as its data.
                    span.set_attributes({
                        **labels, RETRY: retry,
                        "url.full": f"{request.url.scheme}://{request.url.netloc.decode()}"
                                    f"{endpoint}",
                    })
                    if labels[STATUS] == 0 or labels[STATUS] >= 400:
                        span.set_status(Status(StatusCode.ERROR))
                tools.requests.add(1, labels)
                tools.duration.record((time.perf_counter() - started) * 1000, labels)
        return response


def record_inner_request(method: str, path: str, status: int) -> None:
    """An inner request of a `$batch` (graph/batch.py): Graph answers and throttles each one
    on its own inside the batch's 200, so it is counted like a request of its own."""
    if not recording():
        return
    labels = {
        METHOD: method.upper(),
        ENDPOINT: endpoint_template(path.split("?", 1)[0]),
        BATCHED: True,
        STATUS: status,
        THROTTLED: status == 429,
    }
    _instruments().requests.add(1, labels)


def _retry_attempt(header: str | None) -> int:
    try:
        return max(0, int(header or 0))
    except ValueError:
        return 0
