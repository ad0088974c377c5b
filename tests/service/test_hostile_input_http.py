"""Hostile input against the real aiohttp app: every malformed request gets a 400 or 401 with a
reason and never a 500, tokens follow the Bot Connector's own rules, every card action gets a
card, and nothing a person wrote (nor a forged log line) reaches the logs."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import jwt
import pytest
from aiohttp import web
from microsoft_agents.hosting.core.authorization import AnonymousTokenProvider

from teams_app.settings import Settings
from tests.builders import TENANT, an_activity
from tests.connector import ISSUER, FakeConnector, LocalEntraConnections
from tests.service.conftest import RunningService, ServiceFactory, start_site

APP_ID = "00000000-1111-4222-8333-444444444444"
DEEP = "[" * 5000 + "]" * 5000  # past Python's recursion limit in json.loads


async def post_raw(service: RunningService, path: str, body: bytes,
                   headers: dict[str, str] | None = None) -> tuple[int, str]:
    async with service.http.post(f"{service.url}{path}", data=body, headers={
        "Content-Type": "application/json", **(headers or {})}) as response:
        return response.status, await response.text()


@pytest.fixture
async def secured(start_service: ServiceFactory, connector: FakeConnector) -> RunningService:
    return await start_service(
        app_id=APP_ID, app_password="not-used-here", app_tenant_id=TENANT,
        openid_metadata_url=connector.metadata_url, connections=LocalEntraConnections(),
    )


def signed(connector: FakeConnector, **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": ISSUER, "aud": APP_ID, "nbf": now - 10, "iat": now - 10, "exp": now + 600,
            **claims}
    return jwt.encode({k: v for k, v in body.items() if v is not ...}, connector.key,
                      algorithm="RS256", headers={"kid": connector.kid})


async def test_json_nested_too_deep_is_400_on_both_endpoints(
    start_service: ServiceFactory,
) -> None:
    service = await start_service(graph_notification_url="https://bot.example/api/graph/n",
                                  graph_notification_secret="s" * 32,
                                  graph_auth="static", graph_static_token="t",
                                  graph_base_url="http://127.0.0.1:9/v1.0")
    status, text = await post_raw(service, "/api/messages", DEEP.encode())
    assert status == 400 and "not valid JSON" in text
    status, _ = await post_raw(service, "/api/graph/notifications", DEEP.encode())
    assert status == 400


@pytest.mark.parametrize("service_url", [None, "", "not a url", "http://[::1", "file:///etc/x",
                                         "javascript:alert(1)", "https://"])
async def test_an_activity_without_a_usable_service_url_is_400(
    start_service: ServiceFactory, service_url: str | None
) -> None:
    service = await start_service()
    activity = an_activity("https://placeholder.example/", text="help")
    if service_url is None:
        del activity["serviceUrl"]
    else:
        activity["serviceUrl"] = service_url
    status, body = await service.post(activity)
    assert status == 400 and "serviceUrl" in body["error"]["message"]


async def test_an_empty_channel_id_is_400(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service()
    status, body = await service.post({**an_activity(connector.service_url), "channelId": ""})
    assert status == 400 and body["error"]["code"] == "BadRequest"


@pytest.mark.parametrize("claim", [..., "", ["https://a.example/"], 42])
async def test_a_token_without_a_single_service_url_claim_is_401(
    secured: RunningService, connector: FakeConnector, claim: Any
) -> None:
    # Without the claim the bot would send its own token wherever the activity points.
    token = signed(connector, serviceurl=claim)
    status, _ = await secured.post(an_activity(connector.service_url, text="help"), token=token)
    assert status == 401
    assert connector.activities == []


async def test_a_token_for_this_bot_and_another_audience_is_401(
    secured: RunningService, connector: FakeConnector
) -> None:
    token = signed(connector, aud=[APP_ID, "api://someone-else"],
                   serviceurl=connector.service_url)
    status, _ = await secured.post(an_activity(connector.service_url, text="help"), token=token)
    assert status == 401


@pytest.mark.parametrize("metadata, keys", [
    (["not", "an", "object"], None),
    ({"jwks_uri": 42}, None),
    ({"jwks_uri": "KEYS"}, {"keys": "abc"}),
    ({"jwks_uri": "KEYS"}, ["a", "list"]),
    ({"jwks_uri": "KEYS"}, {"keys": [{"kid": "test-key-1", "kty": "RSA"}]}),  # no n, no e
    ({"jwks_uri": "KEYS"}, {"keys": [["nested"], "text", 7]}),
])
async def test_openid_metadata_or_keys_of_the_wrong_shape_is_401(
    start_service: ServiceFactory, connector: FakeConnector, metadata: Any, keys: Any
) -> None:
    app = web.Application()
    address: dict[str, str] = {}

    async def serve_metadata(_request: web.Request) -> web.Response:
        text = json.dumps(metadata).replace('"KEYS"', json.dumps(address["keys"]))
        return web.Response(text=text, content_type="application/json")

    async def serve_keys(_request: web.Request) -> web.Response:
        return web.json_response(keys)

    app.router.add_get("/metadata", serve_metadata)
    app.router.add_get("/keys", serve_keys)
    runner, url = await start_site(app)
    address["keys"] = f"{url}/keys"
    try:
        service = await start_service(
            app_id=APP_ID, app_password="x", app_tenant_id=TENANT,
            openid_metadata_url=f"{url}/metadata", connections=LocalEntraConnections())
        token = connector.token(audience=APP_ID)
        status, body = await service.post(an_activity(connector.service_url, text="help"),
                                          token=token)
        assert status == 401 and body["error"]["code"] == "Unauthorized"
    finally:
        await runner.cleanup()


@pytest.mark.parametrize("value", [
    {"action": {"type": "Action.Execute", "verb": "plan.book", "data": "not an object"}},
    {"action": {"type": "Action.Execute", "verb": None, "data": {}}},
    {"action": {"type": "Action.Execute", "verb": 42, "data": {"verb": 42}}},
    {"action": {"type": "Action.OpenUrl", "url": "https://example.com"}},
    {"action": "text"},
    "text",
    None,
])
async def test_every_card_action_is_answered_with_a_card(
    start_service: ServiceFactory, connector: FakeConnector, value: Any
) -> None:
    service = await start_service()
    activity = an_activity(connector.service_url, type="invoke", name="adaptiveCard/action")
    activity["value"] = value
    status, body = await service.post(activity)
    assert status == 200, body
    assert body["statusCode"] == 200
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert body["value"]["type"] == "AdaptiveCard"


async def test_no_text_of_a_person_and_no_forged_line_reaches_the_logs(
    start_service: ServiceFactory, connector: FakeConnector,
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
) -> None:
    service = await start_service()
    caplog.set_level(logging.INFO)
    secret = "my salary is 4711 and I plan to leave"
    for kind in ("typing", "messageReaction", 'x\n{"event": "forged", "level": "critical"}'):
        status, _ = await service.post(an_activity(connector.service_url, type=kind, text=secret))
        assert status < 500
    await asyncio.sleep(0.1)
    logged = capsys.readouterr().err + caplog.text
    assert secret not in logged
    assert '\n{"event": "forged"' not in logged


async def test_the_local_clock_refuses_what_it_cannot_do_without_echoing_errors(
    start_service: ServiceFactory,
) -> None:
    service = await start_service(local_mode=True)
    for body in ({"advance": "99999999999d"}, {"advance": "-3d"}, {"advance": "soon"}, [1],
                 {"other": 1}):
        status, text = await post_raw(service, "/_local/clock", json.dumps(body).encode())
        assert status == 400, body
        assert "Error" not in text and "overflow" not in text.lower()
    status, _ = await post_raw(service, "/_local/clock", DEEP.encode())
    assert status == 400
    with pytest.raises(ValueError, match="Local mode"):
        Settings(app_id=APP_ID, local_mode=True, host="127.0.0.1")


async def test_headers_name_no_versions_and_the_validation_echo_is_not_sniffed(
    start_service: ServiceFactory,
) -> None:
    service = await start_service(graph_notification_url="https://bot.example/api/graph/n",
                                  graph_notification_secret="s" * 32,
                                  graph_auth="static", graph_static_token="t",
                                  graph_base_url="http://127.0.0.1:9/v1.0")
    async with service.http.get(f"{service.url}/healthz") as response:
        assert "Python" not in response.headers["Server"]
        assert "aiohttp" not in response.headers["Server"]
    async with service.http.post(
        f"{service.url}/api/graph/notifications?validationToken=%3Cscript%3E"
    ) as response:
        assert response.status == 200 and await response.text() == "<script>"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.content_type == "text/plain"


async def test_a_body_that_never_arrives_is_answered_and_the_connection_freed(
    start_service: ServiceFactory,
) -> None:
    service = await start_service(body_read_seconds=0.5)
    host, port = service.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"POST /api/messages HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b'Content-Length: 500000\r\n\r\n{"type":')
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 5)
    assert b" 408 " in status_line
    writer.close()


class _StallingEntra(AnonymousTokenProvider):
    """Entra ID unreachable: MSAL blocks its caller while it tries (synchronous HTTP)."""

    async def get_access_token(
        self, resource_url: str, scopes: list[str], force_refresh: bool = False
    ) -> str:
        time.sleep(3)  # noqa: ASYNC251 - the point: MSAL blocks like this
        raise TimeoutError("login.microsoftonline.com did not answer")


class _StallingConnections(LocalEntraConnections):
    def __init__(self) -> None:
        super().__init__()
        self._provider = _StallingEntra()


async def test_an_unreachable_entra_id_freezes_nothing_and_the_turn_ends(
    start_service: ServiceFactory, connector: FakeConnector,
) -> None:
    service = await start_service(
        app_id=APP_ID, app_password="x", app_tenant_id=TENANT, token_seconds=1.0,
        openid_metadata_url=connector.metadata_url, connections=_StallingConnections())
    token = connector.token(audience=APP_ID)
    turn = asyncio.create_task(
        service.post(an_activity(connector.service_url, text="help"), token=token))
    await asyncio.sleep(0.2)  # the turn is now waiting for its outbound token
    started = time.monotonic()
    async with service.http.get(f"{service.url}/healthz") as response:
        assert response.status == 200
    assert time.monotonic() - started < 0.5  # the event loop was never blocked
    status, body = await asyncio.wait_for(turn, 15)
    assert status == 503 and body["error"]["code"] == "ServiceUnavailable"  # clear, not hung
    assert connector.activities == []
