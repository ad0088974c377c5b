"""JSON batching: POST /$batch with up to 20 requests (https://learn.microsoft.com/graph/json-batching).

Each inner request goes through the same dispatch as a direct call, so limits and faults apply
to it on its own (an inner 429 carries its own Retry-After). `dependsOn` orders requests; a
request whose dependency failed answers 424. The batch itself answers 200 when it parses and
400 when it doesn't. Like Graph, at most four inner requests run at the same time.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from multidict import CIMultiDict

from graph.emulator.core import JSON_TYPE, Emulator, new_request_id
from graph.emulator.errors import GraphError, bad_request, error_body
from graph.emulator.routing import Call, Reply, Router

MAX_REQUESTS = 20
PARALLEL = 4
WRITES = {"POST", "PATCH", "PUT"}


def _validated(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict) or not isinstance(body.get("requests"), list):
        raise bad_request("Invalid batch payload format: a 'requests' array is required.")
    requests = body["requests"]
    if not requests:
        raise bad_request("Invalid batch payload format: the 'requests' array is empty.")
    if len(requests) > MAX_REQUESTS:
        raise bad_request(f"The batch has {len(requests)} requests; a batch can hold at most "
                          f"{MAX_REQUESTS}.")
    seen: set[str] = set()
    for request in requests:
        if not isinstance(request, dict) or not all(
                isinstance(request.get(k), str) and request[k] for k in ("id", "method", "url")):
            raise bad_request("Invalid batch payload format: every request needs an id, a "
                              "method and a url.")
        key = request["id"].lower()
        if key in seen:
            raise bad_request(f"Batch request ids must be unique; '{request['id']}' is repeated.")
        seen.add(key)
        headers = {k.lower(): v for k, v in (request.get("headers") or {}).items()}
        if request["method"].upper() in WRITES and ("body" not in request or
                                                     "content-type" not in headers):
            raise bad_request(f"Write request id : {request['id']} does not contain "
                              "Content-Type header or body.")
    for request in requests:
        for dependency in request.get("dependsOn") or []:
            if str(dependency).lower() not in seen:
                raise bad_request(f"Request '{request['id']}' depends on '{dependency}', which "
                                  "is not in the batch.")
    _check_cycles(requests)
    return requests


def _check_cycles(requests: list[dict[str, Any]]) -> None:
    edges = {r["id"].lower(): [str(d).lower() for d in r.get("dependsOn") or []] for r in requests}
    state: dict[str, int] = {}

    def visit(node: str) -> None:
        if state.get(node) == 1:
            raise bad_request("The dependsOn properties of the batch form a cycle.")
        if state.get(node) == 2:
            return
        state[node] = 1
        for child in edges[node]:
            visit(child)
        state[node] = 2

    for node in edges:
        visit(node)


def _inner_call(outer: Call, request: dict[str, Any]) -> Call:
    url = request["url"]
    parts = urlsplit(url)
    path = unquote(parts.path)
    if parts.scheme:
        for version in ("/v1.0", "/V1.0"):
            if path.startswith(version):
                path = path[len(version):]
    if not path.startswith("/"):
        path = "/" + path
    headers = CIMultiDict((str(k), str(v)) for k, v in (request.get("headers") or {}).items())
    return Call(method=request["method"].upper(), path=path,
                query=dict(parse_qsl(parts.query, keep_blank_values=True)), headers=headers,
                body=request.get("body"), base_url=outer.base_url, request_id=new_request_id(),
                client_request_id=outer.client_request_id, inner=True)


def _entry(request_id: str, reply: Reply) -> dict[str, Any]:
    headers = dict(reply.headers)
    entry: dict[str, Any] = {"id": request_id, "status": reply.status}
    if reply.body is not None:
        headers["Content-Type"] = JSON_TYPE if not isinstance(reply.body, str) else "text/plain"
        entry["headers"] = headers
        entry["body"] = reply.body
    else:
        entry["headers"] = headers
    return entry


async def batch(call: Call, emu: Emulator) -> Reply:
    if call.inner:
        raise bad_request("A batch can't contain another batch.")
    requests = _validated(call.body)
    emu.stats.batches += 1
    done = {r["id"].lower(): asyncio.Event() for r in requests}
    replies: dict[str, Reply] = {}
    finished: list[dict[str, Any]] = []
    gate = asyncio.Semaphore(PARALLEL)

    async def answer(request: dict[str, Any], inner: Call) -> Reply:
        for dependency in request.get("dependsOn") or []:
            await done[str(dependency).lower()].wait()
        failed = [d for d in request.get("dependsOn") or []
                  if not 200 <= replies[str(d).lower()].status < 300]
        if failed:
            return Reply(424, error_body(
                "FailedDependency", f"The request depends on request '{failed[0]}', which "
                "failed.", request_id=inner.request_id,
                client_request_id=inner.client_request_id, at=emu.now()))
        if inner.path.lower().startswith("/$batch"):
            return emu.error_reply(inner, bad_request("A batch can't contain another batch."))
        async with gate:
            reply = await emu.dispatch(inner)
        if reply.status == 0:  # a dropped connection inside a batch: a gateway timeout
            reply = emu.error_reply(inner, GraphError(
                504, "GatewayTimeout", "The gateway did not receive a timely response."))
        return reply

    async def run(request: dict[str, Any]) -> None:
        key = request["id"].lower()
        inner = _inner_call(call, request)
        reply = emu.error_reply(inner, GraphError(500, "generalException",
                                                  "An unspecified error has occurred."))
        try:
            reply = await answer(request, inner)
        finally:  # dependants must never wait forever, even on a handler bug
            replies[key] = reply
            finished.append(_entry(request["id"], reply))
            done[key].set()

    await asyncio.gather(*(run(r) for r in requests))
    return Reply(200, {"responses": finished})


def register(router: Router) -> None:
    router.add("POST", "/$batch", batch, regex=r"^/\$batch/?$", guarded=False)
