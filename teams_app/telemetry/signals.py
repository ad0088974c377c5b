"""Our spans and metrics: turns, jobs and proactive sends (Graph calls: graph/telemetry.py).

Every attribute is a kind, a code, a count or a duration. No text a person wrote, no name, no
email, no token, and no id either: an admin counts failures by kind and reads the job's or the
turn's own log line (same time, same kind) for the ids. Values that come from a request are
only ever used as labels when they are one of our own fixed names (a card verb we registered),
so nobody can put words into a metric by sending them.

The tracer and the instruments come from OpenTelemetry's global API, which the Agents SDK and
kiota use too. Without installed providers (teams_app/telemetry/setup.py) nothing is recorded
and these functions return at once.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import Any

from opentelemetry import metrics, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

import cards.verbs
from teams_app.telemetry.setup import recording

SCOPE = "learning_loop"

TURNS = "learning_loop.turns"
TURN_DURATION = "learning_loop.turn.duration"
JOBS = "learning_loop.jobs"
JOB_DURATION = "learning_loop.job.duration"
JOB_QUEUE_LAG = "learning_loop.job.queue_lag"
SENDS = "learning_loop.sends"
SEND_DURATION = "learning_loop.send.duration"

ACTIVITY_TYPE = "learning_loop.activity.type"
ROUTE = "learning_loop.turn.route"
OUTCOME = "learning_loop.outcome"
JOB_KIND = "learning_loop.job.kind"
ATTEMPT = "learning_loop.job.attempt"
QUEUE_LAG_MS = "learning_loop.job.queue_lag_ms"
ERROR_TYPE = "error.type"
SEND_OPERATION = "learning_loop.send.operation"
SEND_REASON = "learning_loop.send.reason"

OTHER = "other"
# Activity types and invoke names Teams sends; anything else is counted as "other".
_ACTIVITY_TYPES = frozenset({
    "message", "invoke", "conversationUpdate", "installationUpdate", "messageReaction",
    "messageUpdate", "messageDelete", "typing", "event", "endOfConversation",
})
_INVOKE_NAMES = frozenset({
    "adaptiveCard/action", "task/fetch", "task/submit", "signin/verifyState",
    "signin/tokenExchange", "composeExtension/query", "composeExtension/submitAction",
    "config/fetch", "config/submit", "fileConsent/invoke", "application/search",
})


@cache
def known_verbs() -> frozenset[str]:
    return frozenset(
        value for name, value in vars(cards.verbs).items()
        if name.isupper() and isinstance(value, str)
    )


@dataclass(frozen=True)
class _Instruments:
    tracer: trace.Tracer
    turns: Any
    turn_duration: Any
    jobs: Any
    job_duration: Any
    job_queue_lag: Any
    sends: Any
    send_duration: Any


@cache
def _instruments() -> _Instruments:
    meter = metrics.get_meter(SCOPE)
    return _Instruments(
        tracer=trace.get_tracer(SCOPE),
        turns=meter.create_counter(TURNS, unit="{turn}", description="Activities answered"),
        turn_duration=meter.create_histogram(TURN_DURATION, unit="ms"),
        jobs=meter.create_counter(JOBS, unit="{job}", description="Job runs by outcome"),
        job_duration=meter.create_histogram(JOB_DURATION, unit="ms"),
        job_queue_lag=meter.create_histogram(
            JOB_QUEUE_LAG, unit="ms", description="From when a job was due to when it started"
        ),
        sends=meter.create_counter(SENDS, unit="{message}", description="Proactive sends"),
        send_duration=meter.create_histogram(SEND_DURATION, unit="ms"),
    )


def turn_route(activity: Any) -> str:
    """The route label of an activity: a card verb we registered, "message", the invoke's
    name, or the activity type; never a word the sender chose."""
    kind = getattr(activity, "type", None)
    value = getattr(activity, "value", None)
    if kind == "invoke":
        name = getattr(activity, "name", None)
        if name == "adaptiveCard/action":
            action = value.get("action") if isinstance(value, dict) else None
            verb = action.get("verb") if isinstance(action, dict) else None
            return verb if verb in known_verbs() else "unknown_verb"
        return name if name in _INVOKE_NAMES else OTHER
    if kind == "message":
        verb = value.get("verb") if isinstance(value, dict) else None
        if verb is not None:  # the Action.Submit fallback of a card action
            return verb if verb in known_verbs() else "unknown_verb"
        return "message"
    return activity_type_label(kind)


def activity_type_label(kind: object) -> str:
    return kind if isinstance(kind, str) and kind in _ACTIVITY_TYPES else OTHER


@dataclass
class TurnRecord:
    """Filled in by the web handler as it learns more about the request."""

    activity_type: str = "unparsed"
    route: str = "unparsed"
    status: int = 0
    outcome: str = "ok"
    error: str | None = None


_current_turn: ContextVar[TurnRecord | None] = ContextVar("learning_loop_turn", default=None)


def turn_failed(error: BaseException, *, outcome: str = "failed") -> None:
    """The bot's turn-level catch-all answered the person with an apology: the HTTP answer is
    still a success, so the turn says itself that it failed."""
    record = _current_turn.get()
    if record is not None:
        record.outcome, record.error = outcome, type(error).__name__


@contextmanager
def turn() -> Iterator[TurnRecord]:
    """One POST to /api/messages: a SERVER span (App Insights: requests) and the turn metrics."""
    record = TurnRecord()
    if not recording():
        yield record
        return
    tools = _instruments()
    token = _current_turn.set(record)
    started = time.perf_counter()
    with tools.tracer.start_as_current_span(
        "turn", kind=SpanKind.SERVER, record_exception=False, set_status_on_exception=False
    ) as span:
        try:
            yield record
        except BaseException as error:
            record.outcome, record.status, record.error = "failed", 500, type(error).__name__
            raise
        finally:
            _current_turn.reset(token)
            elapsed = (time.perf_counter() - started) * 1000
            labels = {ACTIVITY_TYPE: record.activity_type, ROUTE: record.route,
                      OUTCOME: record.outcome}
            if record.error:
                labels[ERROR_TYPE] = record.error
            if span.is_recording():
                span.update_name(f"turn {record.route}")
                # No http.route: App Insights would name every turn "POST /api/messages".
                span.set_attributes({
                    **labels,
                    "http.request.method": "POST",
                    "http.response.status_code": record.status,
                })
                if record.outcome in ("failed", "unavailable", "no_token"):
                    span.set_status(Status(StatusCode.ERROR))
            tools.turns.add(1, labels)
            tools.turn_duration.record(elapsed, labels)


@dataclass
class JobRecord:
    outcome: str = "done"
    error: str | None = None


@contextmanager
def job_run(kind: str, *, attempt: int, queue_lag_ms: float) -> Iterator[JobRecord]:
    """One run of a job: a CONSUMER span (App Insights: requests) and the job metrics. `kind`
    is one of our job kinds (the worker passes "unknown" for one it has no handler for)."""
    record = JobRecord()
    if not recording():
        yield record
        return
    tools = _instruments()
    started = time.perf_counter()
    lag = max(0.0, queue_lag_ms)
    with tools.tracer.start_as_current_span(
        f"job {kind}", kind=SpanKind.CONSUMER, record_exception=False,
        set_status_on_exception=False,
    ) as span:
        try:
            yield record
        except BaseException as error:
            record.outcome, record.error = "interrupted", type(error).__name__
            raise
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            labels = {JOB_KIND: kind, OUTCOME: record.outcome}
            if record.error:
                labels[ERROR_TYPE] = record.error
            if span.is_recording():
                span.set_attributes({**labels, ATTEMPT: attempt, QUEUE_LAG_MS: round(lag)})
                if record.outcome not in ("done", "interrupted"):
                    span.set_status(Status(StatusCode.ERROR))
            tools.jobs.add(1, labels)
            tools.job_duration.record(elapsed, labels)
            tools.job_queue_lag.record(lag, {JOB_KIND: kind})


@dataclass
class SendRecord:
    outcome: str = "delivered"
    reason: str = "none"


@contextmanager
def send(operation: str) -> Iterator[SendRecord]:
    """One proactive message to Teams (send, update, opening a chat): a CLIENT span (App
    Insights: dependencies) and the send metrics. The caller sets the outcome and reason."""
    record = SendRecord()
    if not recording():
        yield record
        return
    tools = _instruments()
    started = time.perf_counter()
    with tools.tracer.start_as_current_span(
        f"teams {operation}", kind=SpanKind.CLIENT, record_exception=False,
        set_status_on_exception=False,
    ) as span:
        try:
            yield record
        except BaseException as error:
            if record.outcome == "delivered":  # the caller did not say why
                record.outcome, record.reason = "failed", type(error).__name__
            raise
        finally:
            elapsed = (time.perf_counter() - started) * 1000
            labels = {SEND_OPERATION: operation, OUTCOME: record.outcome,
                      SEND_REASON: record.reason}
            if span.is_recording():
                span.set_attributes(labels)
                if record.outcome != "delivered":
                    span.set_status(Status(StatusCode.ERROR))
            tools.sends.add(1, labels)
            tools.send_duration.record(elapsed, labels)


def unreachable(reason: str) -> None:
    """A card that was not sent because its person cannot be reached (`reason`: a code of
    `teams_app.domain.reach.Unreachable`)."""
    if recording():
        _instruments().sends.add(
            1, {SEND_OPERATION: "reach", OUTCOME: "unreachable", SEND_REASON: reason}
        )
