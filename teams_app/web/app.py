"""The aiohttp web app: the bot endpoint, health and readiness, and local-mode controls."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import Any, Protocol
from urllib.parse import urlsplit
from uuid import uuid4

import orjson
import structlog
from aiohttp import web
from microsoft_agents.activity import Activity, ActivityTypes, DeliveryModes
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import AgentApplication, TurnState
from microsoft_agents.hosting.core.authorization import ClaimsIdentity
from pydantic import ValidationError

from teams_app import telemetry
from teams_app.bot.connections import TokenUnavailable
from teams_app.bot.turns import tenant_of
from teams_app.domain.durations import parse_duration
from teams_app.web.auth import ConnectorAuthenticator, Unauthorized

log = structlog.get_logger()

MAX_ACTIVITY_BYTES = 1024 * 1024  # Teams caps messages near 100 KB; leave room for invokes
MAX_CLOCK_ADVANCE = timedelta(days=3653)

Readiness = Callable[[], Awaitable[dict[str, Any]]]


class MovableTime(Protocol):
    """What the local clock control needs: read "now" and move it forward."""

    async def advance(self, by: timedelta) -> datetime: ...
    def now(self) -> datetime: ...


async def read_body(request: web.Request, seconds: float) -> bytes | None:
    """The body, or None when it did not arrive within `seconds` (a declared length never
    sent would otherwise hold the connection for as long as the client likes)."""
    try:
        async with asyncio.timeout(seconds):
            return await request.read()
    except TimeoutError:
        return None


def read_json(raw: bytes) -> Any:
    """The parsed body, or None when it is not JSON (nesting deeper than 1,024, invalid UTF-8,
    lone surrogates and NaN included). orjson parses an activity in a fifth of the standard
    library's time."""
    try:
        return orjson.loads(raw)
    except ValueError:  # orjson.JSONDecodeError
        return None


def is_service_url(value: str | None) -> bool:
    """Where the bot answers: an absolute http(s) address with a host (Teams' is https; the
    local Playground's is http on loopback)."""
    if not value or len(value) > 2048:
        return False
    try:
        url = urlsplit(value)
        host = url.hostname
    except ValueError:  # e.g. "http://[::1"
        return False
    return url.scheme in ("http", "https") and bool(host)


async def run_turn(
    adapter: CloudAdapter,
    agent_app: AgentApplication[TurnState],
    identity: ClaimsIdentity,
    activity: Activity,
) -> web.Response:
    """What the SDK's `CloudAdapter.process` does once it has the activity: the same turn, the
    same answers (202; an invoke's or expectReplies' body and status, 501 when no route gave
    one; 401 on the SDK's service URL check). It would read the body again, parse and validate
    the activity a second time and wrap it all in one more span, about a tenth of a first
    message's CPU; `messages` has done all of that already, more strictly."""
    activity.request_id = str(uuid4())
    if not adapter._validate_service_url(identity, activity):
        return web.json_response(
            {"error": "Service URL is not allowed by the host validator."}, status=401
        )
    try:
        answer = await adapter.process_activity(identity, activity, agent_app.on_turn)
    except PermissionError:
        return web.json_response({"error": "Unauthorized"}, status=401)
    if activity.type == ActivityTypes.invoke or (
        activity.delivery_mode == DeliveryModes.expect_replies
    ):
        return web.json_response(
            answer.body if answer else None,
            status=(answer.status if answer else None) or HTTPStatus.NOT_IMPLEMENTED,
        )
    return web.Response(status=HTTPStatus.ACCEPTED)


def error_response(status: int, code: str, message: str) -> web.Response:
    # The Bot Framework and Graph both answer errors as {"error": {"code", "message"}}.
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


async def _plain_server_header(_request: web.Request, response: web.StreamResponse) -> None:
    # aiohttp names Python's and its own versions otherwise: a free map of what to attack.
    response.headers["Server"] = "learning-loop"


def create_web_app(
    *,
    agent_app: AgentApplication[TurnState],
    adapter: CloudAdapter,
    authenticator: ConnectorAuthenticator | None,
    allowed_tenants: list[str],
    readiness: Readiness,
    clock_control: MovableTime | None = None,
    body_read_seconds: float = 10.0,
) -> web.Application:
    app = web.Application(client_max_size=MAX_ACTIVITY_BYTES)
    app.on_response_prepare.append(_plain_server_header)

    async def messages(request: web.Request) -> web.StreamResponse:
        with telemetry.turn() as record:
            response = await answer(request, record)
            record.status = response.status
            if response.status >= 400 and record.outcome == "ok":
                record.outcome = "refused" if response.status < 500 else "failed"
            return response

    async def answer(request: web.Request, record: telemetry.TurnRecord) -> web.StreamResponse:
        if request.content_type not in ("application/json", ""):
            return error_response(415, "UnsupportedMediaType", "Send the activity as JSON.")
        raw = await read_body(request, body_read_seconds)
        if raw is None:
            return error_response(408, "RequestTimeout", "The body did not arrive in time.")
        body = read_json(raw)
        if body is None:
            return error_response(400, "BadRequest", "The body is not valid JSON.")
        if not isinstance(body, dict):
            return error_response(400, "BadRequest", "The body must be an activity object.")
        try:
            activity = Activity.model_validate(body)
        except ValidationError as error:
            fields = sorted({".".join(map(str, e["loc"]))[:40] for e in error.errors()})[:10]
            return error_response(
                400, "BadRequest", f"The activity is malformed (fields: {', '.join(fields)})."
            )
        except (ValueError, TypeError):  # the SDK's own checks, e.g. an empty channelId
            return error_response(400, "BadRequest", "The activity is malformed.")
        record.activity_type = telemetry.activity_type_label(activity.type)
        record.route = telemetry.turn_route(activity)
        if not activity.type or activity.conversation is None or not activity.conversation.id:
            return error_response(400, "BadRequest", "An activity needs type and conversation.id.")
        if not is_service_url(activity.service_url):
            return error_response(
                400, "BadRequest", "An activity needs a serviceUrl: an http(s) address to answer."
            )

        if authenticator is not None:
            try:
                verified = await authenticator.verify(
                    request.headers.get("Authorization"),
                    channel_id=str(activity.channel_id) if activity.channel_id else None,
                    service_url=activity.service_url,
                )
            except Unauthorized as error:
                log.warning("request_unauthorized", reason=str(error))
                return error_response(401, "Unauthorized", "The request is not authenticated.")
            request["claims_identity"] = ClaimsIdentity(
                verified.claims, authentication_type="Bearer", security_token=verified.token
            )
        else:
            request["claims_identity"] = ClaimsIdentity()  # anonymous: no claims

        tenant = tenant_of(activity)
        if allowed_tenants and tenant not in allowed_tenants:
            log.warning("tenant_refused", has_tenant=tenant is not None)
            return error_response(403, "Forbidden", "This tenant is not allowed to use this app.")

        try:
            return await run_turn(adapter, agent_app, request["claims_identity"], activity)
        except TokenUnavailable:
            # No token to answer with (Entra ID slow or down): the connector may try again.
            log.error("turn_without_token")
            record.outcome = "no_token"
            return error_response(
                503, "ServiceUnavailable", "The bot cannot get a token to answer right now."
            )

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def readyz(_request: web.Request) -> web.Response:
        report = await readiness()
        return web.json_response(report, status=200 if report.get("ready") else 503)

    app.router.add_post("/api/messages", messages)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)

    if clock_control is not None:
        control = clock_control

        async def clock_get(_request: web.Request) -> web.Response:
            return web.json_response({"now": control.now().isoformat()})

        async def clock_advance(request: web.Request) -> web.Response:
            data = read_json(await read_body(request, body_read_seconds) or b"")
            try:
                if not isinstance(data, dict):
                    raise TypeError
                by = parse_duration(str(data["advance"]))
                if by > MAX_CLOCK_ADVANCE:
                    raise ValueError
                now = await control.advance(by)
            except (ValueError, KeyError, TypeError, OverflowError):
                return error_response(
                    400, "BadRequest",
                    'Send {"advance": "14d"}: a positive amount in s, m, h, d or w, '
                    "at most 10 years.",
                )
            log.info("clock_advanced", seconds=by.total_seconds())
            return web.json_response({"now": now.isoformat()})

        app.router.add_get("/_local/clock", clock_get)
        app.router.add_post("/_local/clock", clock_advance)
    return app
