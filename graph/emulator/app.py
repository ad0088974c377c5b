"""The aiohttp application: Graph v1.0 under /v1.0, the control API under /_emulator/.

    app = create_emulator_app("demo")                  # for web.run_app or a test server
    runner, base_url = await start_emulator(seed="demo")   # base_url ends in /v1.0
"""

from __future__ import annotations

import json
from datetime import datetime

from aiohttp import web
from multidict import CIMultiDict

from graph import demo_org
from graph.emulator import (
    batch,
    calendar,
    control,
    delta,
    directory,
    listitems,
    schedule,
    seeds,
    sharepoint,
    subscriptions,
    teamwork,
)
from graph.emulator.core import EMULATOR, JSON_TYPE, Emulator, new_request_id
from graph.emulator.errors import GraphError, unauthenticated
from graph.emulator.faults import Faults, Stats
from graph.emulator.notify import Notifier
from graph.emulator.routing import Call, Reply, Router
from graph.emulator.store import EmulatorState

MAX_BODY = 16 * 1024 * 1024


def build_router() -> Router:
    router = Router()
    for module in (batch, calendar, delta, schedule, directory, teamwork, sharepoint, listitems,
                   subscriptions):
        module.register(router)
    return router


def create_emulator_app(seed: str = "empty", *, rng_seed: int = 0, now: datetime | None = None,
                        token: str | None = None,
                        tenant_id: str = demo_org.TENANT_ID) -> web.Application:
    """A fresh emulator. `now` pins the clock (and the demo calendars) for tests; `token`, when
    given, is the only bearer token accepted (otherwise any non-empty one is)."""
    state = EmulatorState(rng_seed=rng_seed)
    if now is not None:
        state.clock.set(now)
    seeds.load(state, seed, now=state.clock.now(), rng_seed=rng_seed)
    stats = Stats()
    emulator = Emulator(state=state, stats=stats, faults=Faults(stats, rng_seed=rng_seed),
                        router=build_router(), notifier=Notifier(state, tenant_id),
                        tenant_id=tenant_id, token=token, seed=seed)
    app = web.Application(client_max_size=MAX_BODY)
    app[EMULATOR] = emulator
    app.router.add_route("*", "/v1.0/{tail:.*}", graph_entry)
    control.register(app)
    app.on_cleanup.append(_close)
    return app


async def _close(app: web.Application) -> None:
    await app[EMULATOR].notifier.close()


def _bearer_error(emulator: Emulator, header: str) -> GraphError | None:
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return unauthenticated()
    if emulator.token is not None and token.strip() != emulator.token:
        return unauthenticated("Access token validation failure. Invalid audience.")
    return None


async def _body(request: web.Request) -> object:
    raw = await request.read()
    if not raw.strip():
        return None
    if "json" in request.content_type or raw.lstrip()[:1] in (b"{", b"["):
        try:
            return json.loads(raw)
        except ValueError:
            raise GraphError(400, "BadRequest",
                             "Unable to read JSON request payload. Please ensure Content-Type "
                             "header is set and payload is of valid JSON format.") from None
    return raw.decode(errors="replace")


def to_response(reply: Reply, call: Call) -> web.Response:
    headers = {"request-id": call.request_id, "client-request-id": call.client_request_id,
               "Cache-Control": "no-cache", **reply.headers}
    if reply.body is None:
        return web.Response(status=reply.status, headers=headers)
    if isinstance(reply.body, str):
        return web.Response(status=reply.status, text=reply.body, headers=headers)
    headers["Content-Type"] = JSON_TYPE
    headers["OData-Version"] = "4.0"
    body = json.dumps(reply.body, ensure_ascii=False).encode()
    return web.Response(status=reply.status, body=body, headers=headers)


async def graph_entry(request: web.Request) -> web.StreamResponse:
    emulator = request.app[EMULATOR]
    call = Call(
        method=request.method.upper(), path=request.path[len("/v1.0"):] or "/",
        query=dict(request.query), headers=CIMultiDict(request.headers), body=None,
        base_url=f"{request.scheme}://{request.host}/v1.0", request_id=new_request_id(),
        client_request_id=request.headers.get("client-request-id") or new_request_id())
    problem = _bearer_error(emulator, request.headers.get("Authorization", ""))
    if problem is not None:
        return to_response(emulator.error_reply(call, problem), call)
    try:
        call.body = await _body(request)
    except GraphError as error:
        return to_response(emulator.error_reply(call, error), call)
    reply = await emulator.dispatch(call)
    if reply.status == 0:  # an injected dropped connection: close without answering
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=500)
    return to_response(reply, call)


async def start_emulator(port: int = 0, seed: str = "empty", *, rng_seed: int = 0,
                         now: datetime | None = None,
                         token: str | None = None) -> tuple[web.AppRunner, str]:
    """Serve an emulator on 127.0.0.1; returns the runner (call `cleanup()`) and the base URL
    ending in /v1.0."""
    app = create_emulator_app(seed, rng_seed=rng_seed, now=now, token=token)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    host, bound = runner.addresses[0][:2]
    return runner, f"http://{host}:{bound}/v1.0"
