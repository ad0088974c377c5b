"""JSON `$batch`: up to 20 requests per round trip, each inner answer handled on its own.

msgraph-core 1.5's BatchRequestContent writes absolute URLs and `depends_on` (Graph documents
relative URLs and `dependsOn`) and cannot read JSON bodies of inner responses, so the batch
body is built here. It is still sent through the SDK's request adapter: same auth, retry
handler (for the outer request), telemetry and error mapping as every other call. Inner
requests come from the generated request builders (`to_post_request_information`), so their
URLs and bodies are exactly what the SDK would send on its own; the bulk paths may hand them in
written out already (`prepared`, graph/event_json.py, tested against the builders' output).

Graph throttles each inner request separately. An inner 429 (or 503/504) is retried alone,
after its own Retry-After, together with whatever else is due at that time; requests that
succeeded are never sent again.

Graph answers a batch only when all its inner requests are done, running at most four of them
at a time, so one slow request holds the answers of the other 19. A batch therefore gets a
read timeout of one request's timeout per round of four (20 requests: five rounds), and a
batch that fails as a whole (that timeout, a dropped connection, 502/503/504 from Graph's
gateway) is not sent again as one: each of its requests goes again alone, so the fast ones
answer at once and only the slow ones take their own (one request's) timeout. Alone rather
than in halves: Graph counts inner requests against its limits either way, and with a fifth
of the requests slow nearly every half would hold one and wait out its timeout again. Sending
again is safe because a batch carries reads and creates with a transactionId (Graph returns
the series it made instead of a second one); an answer lost for good is what the calendar
lookup before reporting a member unavailable is for. The SDK's retry handler is off for the
`$batch` itself, since it would resend the whole batch.
"""

from __future__ import annotations

import asyncio
import base64
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from kiota_abstractions.api_error import APIError
from kiota_abstractions.headers_collection import HeadersCollection
from kiota_abstractions.method import Method
from kiota_abstractions.request_information import RequestInformation
from kiota_http.middleware.options import RetryHandlerOption
from msgraph.generated.models.o_data_errors.o_data_error import ODataError

from graph.client import GraphConnection, ReadTimeoutOption
from graph.errors import Operation, error_for_status, retry_after_seconds
from graph.telemetry import record_inner_request
from teams_app.ports import GraphError

MAX_BATCH = 20  # Graph's documented limit per $batch
BATCH_PARALLEL = 4  # inner requests Graph runs at the same time
RETRYABLE = frozenset({429, 503, 504})
# A batch failing as a whole with these (None: a timeout or a dropped connection) may be held
# by one slow request: its requests go again alone.
SPLIT_ON = frozenset({None, 502, 503, 504})
_COALESCE_SECONDS = 0.05  # retries due this close together travel in one batch
_JSON = "application/json"


@dataclass(frozen=True)
class BatchRequest:
    """One inner request. `info` may be a factory: serialising an SDK model costs about a
    millisecond, so for thousands of requests it is done when the batch is about to be sent,
    overlapping with other batches' round trips, instead of all up front."""

    id: str
    info: RequestInformation | Callable[[], RequestInformation] | None = field(repr=False)
    operation: Operation
    mailbox: str | None = None  # counts against that mailbox's concurrency limit
    # The inner request written out already (method, url, body, headers; graph/event_json.py),
    # for the bulk paths where building it through the SDK costs more CPU than Graph's time.
    prepared: Mapping[str, Any] | None = field(default=None, repr=False)


@dataclass(frozen=True)
class BatchResult:
    id: str
    status: int
    body: Any = field(default=None, repr=False)  # parsed JSON of a success, if any
    error: GraphError | None = None
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return self.error is None


# A request's result after one round trip, the delay before it goes again (None: final), and
# whether it goes again alone.
_Outcome = tuple[BatchRequest, BatchResult, float | None, bool]


class BatchSender:
    def __init__(
        self,
        connection: GraphConnection,
        *,
        max_attempts: int = 6,
        monotonic: Callable[[], float] | None = None,
    ) -> None:
        self._graph = connection
        self._max_attempts = max(1, max_attempts)
        self._clock = monotonic

    async def send(self, requests: Sequence[BatchRequest]) -> dict[str, BatchResult]:
        """Every request's final result, by id. Never raises for a request's own failure."""
        if len({r.id for r in requests}) != len(requests):
            raise ValueError("batch request ids must be unique")
        built: dict[str, dict[str, Any]] = {}  # per call: ids are only unique within it
        loop = asyncio.get_running_loop()
        now = self._clock or loop.time
        attempts = {r.id: 0 for r in requests}
        results: dict[str, BatchResult] = {}
        waiting: list[tuple[float, BatchRequest]] = [(now(), r) for r in requests]
        alone: set[str] = set()  # split out of a batch that failed as a whole
        running: set[asyncio.Task[list[_Outcome]]] = set()
        try:
            while waiting or running:
                horizon = now() + _COALESCE_SECONDS
                due = [r for at, r in waiting if at <= horizon]
                waiting = [(at, r) for at, r in waiting if at > horizon]
                chunks = [[r] for r in due if r.id in alone]
                together = [r for r in due if r.id not in alone]
                chunks += plan_batches(together, per_mailbox=self._graph.limits.per_mailbox)
                for chunk in chunks:
                    for request in chunk:
                        attempts[request.id] += 1
                    running.add(asyncio.create_task(self._send_one(chunk, built)))
                if not running:
                    await asyncio.sleep(max(0.0, min(at for at, _ in waiting) - now()))
                    continue
                timeout = max(0.0, min(at for at, _ in waiting) - now()) if waiting else None
                done, _ = await asyncio.wait(
                    running, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                )
                for task in done:
                    running.discard(task)
                    for request, result, retry_after, split in task.result():
                        n = attempts[request.id]
                        if split:
                            alone.add(request.id)
                        if retry_after is not None and n < self._max_attempts:
                            waiting.append((now() + retry_after, request))
                        else:
                            results[request.id] = _with_attempts(result, n)
        finally:
            for task in running:  # only left over when we are failing or cancelled
                task.cancel()
        return results

    async def _send_one(
        self, chunk: Sequence[BatchRequest], built: dict[str, dict[str, Any]]
    ) -> list[_Outcome]:
        """One $batch round trip: (request, result, retry delay or None if final, whether it
        goes again alone) each."""
        counts: dict[str, int] = {}
        for request in chunk:
            if request.mailbox:
                counts[request.mailbox] = counts.get(request.mailbox, 0) + 1
        timeout = batch_timeout(len(chunk), self._graph.timeout_seconds)
        hinted: list[float | None] = [None]  # the failed batch's own Retry-After

        async def post() -> dict[str, Any]:
            # Built inside the limits, so only the batches about to go out are serialised.
            body = {"requests": [self._inner(r, built) for r in chunk]}
            try:
                return await self._post(body, read_timeout=timeout)
            except APIError as exc:  # the port error keeps Retry-After only for a 429
                hinted[0] = retry_after_seconds(dict(exc.response_headers or {}))
                raise

        try:
            answer = await self._graph.call_batch(Operation.BATCH, post, mailbox_requests=counts)
        except GraphError as exc:
            return _failed_whole(chunk, exc, hinted[0])
        by_id = {str(item.get("id")): item for item in answer.get("responses", [])}
        out: list[_Outcome] = []
        for request in chunk:
            item = by_id.get(request.id)
            if item is None:  # Graph lost it: treat as transient and send it again
                error = error_for_status(None, request.operation, code="missingFromBatch")
                out.append((request, BatchResult(request.id, 0, error=error), 1.0, False))
                continue
            inner = built.get(request.id) or {}
            record_inner_request(
                str(inner.get("method", "GET")),
                urlsplit(self._graph.base_url).path + str(inner.get("url", "")),
                int(item.get("status") or 0),
            )
            out.append(_result(request, item))
        return out

    def _inner(self, request: BatchRequest, built: dict[str, dict[str, Any]]) -> dict[str, Any]:
        inner = built.get(request.id)
        if inner is None:  # a retried request is not serialised twice
            inner = built[request.id] = self._build(request)
        return inner

    def _build(self, request: BatchRequest) -> dict[str, Any]:
        if request.prepared is not None:
            return {"id": request.id, **request.prepared}
        if request.info is None:
            raise ValueError("a batch request needs `info` or `prepared`")
        info = request.info if isinstance(request.info, RequestInformation) else request.info()
        info.path_parameters["baseurl"] = self._graph.base_url
        url = str(info.url)
        if url.startswith(self._graph.base_url):
            url = url[len(self._graph.base_url) :]
        inner: dict[str, Any] = {
            "id": request.id,
            "method": info.http_method.value if info.http_method else "GET",
            "url": url,
        }
        headers = {k: v for k, v in (info.request_headers or {}).items() if k.lower() != "accept"}
        if info.content:
            inner["body"] = json.loads(info.content)
            headers.setdefault("Content-Type", _JSON)
        if headers:
            inner["headers"] = headers
        return inner

    async def _post(self, body: dict[str, Any], *, read_timeout: float) -> dict[str, Any]:
        info = RequestInformation(Method.POST, "{+baseurl}/$batch", {})
        info.headers = HeadersCollection()
        info.headers.try_add("Content-Type", _JSON)
        info.headers.try_add("Accept", _JSON)
        info.content = json.dumps(body).encode()
        # No SDK retries: they would resend the whole batch, slow request included.
        info.add_request_options(
            [
                RetryHandlerOption(delay=0.0, max_retries=0, should_retry=False),
                ReadTimeoutOption(read_timeout),
            ]
        )
        adapter = self._graph.client.request_adapter
        raw = await adapter.send_primitive_async(info, "bytes", {"XXX": ODataError})
        return json.loads(raw or b"{}")


def batch_timeout(size: int, per_request: float) -> float:
    """How long a batch of `size` requests may take before it counts as failed: Graph runs
    its requests four at a time, so one request's timeout for each round of four. A batch
    whose requests would each have answered alone in time is never given up on."""
    return per_request * max(1, math.ceil(size / BATCH_PARALLEL))


def plan_batches(
    requests: Sequence[BatchRequest], *, per_mailbox: int
) -> list[list[BatchRequest]]:
    """Chunks of at most 20, with at most `per_mailbox` requests for any one mailbox, so a
    batch never trips the mailbox concurrency limit by itself. Order is kept within a mailbox."""
    batches: list[list[BatchRequest]] = []
    loads: list[dict[str, int]] = []
    for request in requests:
        key = (request.mailbox or "").lower()
        for batch, load in zip(batches, loads, strict=True):
            if len(batch) < MAX_BATCH and (not key or load.get(key, 0) < per_mailbox):
                break
        else:
            batch, load = [], {}
            batches.append(batch)
            loads.append(load)
        batch.append(request)
        if key:
            load[key] = load.get(key, 0) + 1
    return batches


def _failed_whole(
    chunk: Sequence[BatchRequest], exc: GraphError, hint: float | None
) -> list[_Outcome]:
    """The batch failed as a whole; each request carries that error. Creates inside may or
    may not have happened: their transactionIds make sending them again safe."""
    outcomes = [(r, BatchResult(r.id, exc.status or 0, error=exc)) for r in chunk]
    if len(chunk) > 1 and exc.status in SPLIT_ON:
        # Each again alone: the ones that were not slow answer at once. Right away unless
        # Graph asked for a pause (a 503's Retry-After).
        return [(r, result, hint or 0.0, True) for r, result in outcomes]
    if exc.status in RETRYABLE:
        # Throttled as a whole, or alone and still unavailable: like an inner 429/503/504.
        delay = hint if hint is not None else 1.0
        return [(r, result, delay, len(chunk) == 1) for r, result in outcomes]
    # Anything else is final: a request alone that timed out (it has had a batch's time and
    # then its own) is unavailable and its job retries it later; a refused batch (400, 403)
    # refuses each of its requests.
    return [(r, result, None, False) for r, result in outcomes]


def _result(request: BatchRequest, item: dict[str, Any]) -> _Outcome:
    status = int(item.get("status") or 0)
    headers = {str(k): str(v) for k, v in (item.get("headers") or {}).items()}
    body = _body(item.get("body"))
    if 200 <= status < 300:
        return request, BatchResult(request.id, status, body=body), None, False
    code = ""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        code = str(body["error"].get("code") or "")
    retry_after = retry_after_seconds(headers)
    error = error_for_status(status, request.operation, code=code, retry_after=retry_after)
    result = BatchResult(request.id, status, body=body, error=error)
    if status in RETRYABLE:
        # Some services omit Retry-After; then a short pause, as the SDK would take.
        return request, result, retry_after if retry_after is not None else 1.0, False
    return request, result, None, False


def _body(value: Any) -> Any:
    # JSON bodies come back as objects; anything else base64-encoded.
    if isinstance(value, str):
        try:
            return json.loads(base64.b64decode(value, validate=True))
        except (ValueError, json.JSONDecodeError):
            return value
    return value


def _with_attempts(result: BatchResult, attempts: int) -> BatchResult:
    return BatchResult(result.id, result.status, result.body, result.error, attempts)
