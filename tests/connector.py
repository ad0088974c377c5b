"""A local stand-in for the Bot Connector service (the edge we cannot run here): it receives the
bot's outgoing activities over real HTTP, serves OpenID metadata and signing keys, and mints
tokens the way the connector does, so the service's own validation code runs for real."""

from __future__ import annotations

import asyncio
import base64
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from microsoft_agents.hosting.core.authorization import AnonymousTokenProvider

from teams_app.bot.connections import LocalConnections

ISSUER = "https://api.botframework.com"


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


OUTBOUND_TOKEN = "outbound-token-from-local-entra"


class _FixedTokenProvider(AnonymousTokenProvider):
    async def get_access_token(
        self, resource_url: str, scopes: list[str], force_refresh: bool = False
    ) -> str:
        return OUTBOUND_TOKEN


class LocalEntraConnections(LocalConnections):
    """Outbound tokens as Entra ID would issue them; Entra itself is unreachable from here."""

    def __init__(self) -> None:
        super().__init__()
        self._provider = _FixedTokenProvider()


@dataclass
class Fault:
    status: int
    retry_after: float | None = None
    body: str = '{"error": {"code": "Throttled", "message": "slow down"}}'


@dataclass
class FakeConnector:
    activities: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    # Message updates (PUT .../activities/{id}): (conversation id, activity id, activity).
    updates: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    authorizations: list[str | None] = field(default_factory=list)
    client_ports: set[int] = field(default_factory=set)  # one per TCP connection the bot opened
    faults: deque[Fault] = field(default_factory=deque)
    # createConversation (POST /v3/conversations): the bodies asked for, and its own faults.
    created: list[dict[str, Any]] = field(default_factory=list)
    create_faults: deque[Fault] = field(default_factory=deque)
    requests: int = 0
    # The people of group chats and channels (GET .../members), by conversation id, and
    # conversations the bot was removed from (every call to them answers 403).
    members: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    url: str = ""
    kid: str = "test-key-1"
    endorsements: list[str] = field(default_factory=lambda: ["msteams"])

    def __post_init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.arrived = asyncio.Event()

    @property
    def service_url(self) -> str:
        return f"{self.url}/"

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/v1/.well-known/openidconfiguration"

    def token(self, *, audience: str, issuer: str = ISSUER, expires_in: float = 3600,
              key: rsa.RSAPrivateKey | None = None, kid: str | None = None,
              service_url: str | None = None) -> str:
        now = int(time.time())
        claims = {"iss": issuer, "aud": audience, "nbf": now - 10, "iat": now - 10,
                  "exp": now + int(expires_in), "serviceurl": service_url or self.service_url}
        return jwt.encode(claims, key or self.key, algorithm="RS256",
                          headers={"kid": kid or self.kid})

    def sent_to(self, conversation_id: str) -> list[dict[str, Any]]:
        return [activity for conv, activity in self.activities if conv == conversation_id]

    async def wait_for(
        self, count: int, within_seconds: float = 10.0
    ) -> list[tuple[str, dict[str, Any]]]:
        deadline = asyncio.get_running_loop().time() + within_seconds
        while len(self.activities) < count:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"expected {count} activities, got {len(self.activities)}")
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), remaining)
            except TimeoutError:
                pass
        return self.activities

    async def wait_for_updates(
        self, count: int, within_seconds: float = 10.0
    ) -> list[tuple[str, str, dict[str, Any]]]:
        deadline = asyncio.get_running_loop().time() + within_seconds
        while len(self.updates) < count:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"expected {count} updates, got {len(self.updates)}")
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), remaining)
            except TimeoutError:
                pass
        return self.updates

    def app(self) -> web.Application:
        app = web.Application()

        async def receive(request: web.Request) -> web.Response:
            self.requests += 1
            if request.match_info["conversation_id"] in self.gone:
                return _forbidden()
            peer = request.transport.get_extra_info("peername") if request.transport else None
            if peer:
                self.client_ports.add(peer[1])
            if self.faults:
                fault = self.faults.popleft()
                headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
                return web.Response(status=fault.status, text=fault.body, headers=headers,
                                    content_type="application/json")
            body = await request.json()
            if "id" in body and body["id"] is None:
                # The real connector and the Agents Playground refuse a null id.
                return web.json_response(
                    {"error": {"code": "BadArgument", "message": "id is null"}}, status=400)
            self.activities.append((request.match_info["conversation_id"], body))
            self.authorizations.append(request.headers.get("Authorization"))
            self.arrived.set()
            return web.json_response({"id": uuid.uuid4().hex})

        async def update(request: web.Request) -> web.Response:
            self.requests += 1
            if self.faults:
                fault = self.faults.popleft()
                headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
                return web.Response(status=fault.status, text=fault.body, headers=headers,
                                    content_type="application/json")
            body = await request.json()
            activity_id = request.match_info["activity_id"]
            if body.get("type") != "message":
                # The Playground (and Teams) only update messages; a typing update is refused.
                return web.json_response(
                    {"error": {"code": "BadArgument", "message": "not a message"}}, status=400)
            self.updates.append((request.match_info["conversation_id"], activity_id, body))
            self.authorizations.append(request.headers.get("Authorization"))
            self.arrived.set()
            return web.json_response({"id": activity_id})

        async def create(request: web.Request) -> web.Response:
            self.requests += 1
            if self.create_faults:
                fault = self.create_faults.popleft()
                return web.Response(status=fault.status, text=fault.body,
                                    content_type="application/json")
            body = await request.json()
            members = body.get("members") or []
            if body.get("isGroup") or len(members) != 1 or not members[0].get("id"):
                return web.json_response(
                    {"error": {"code": "BadArgument", "message": "one member"}}, status=400)
            self.created.append(body)
            self.authorizations.append(request.headers.get("Authorization"))
            # Teams answers the same chat for the same person, however often it is asked.
            return web.json_response({"id": f"a:created-{members[0]['id']}"}, status=201)

        async def members(request: web.Request) -> web.Response:
            self.requests += 1
            conversation_id = request.match_info["conversation_id"]
            if conversation_id in self.gone:
                return _forbidden()
            if conversation_id not in self.members:
                return web.json_response(
                    {"error": {"code": "NotFound", "message": "no such conversation"}},
                    status=404)
            return web.json_response(self.members[conversation_id])

        async def metadata(_request: web.Request) -> web.Response:
            return web.json_response({"issuer": ISSUER, "jwks_uri": f"{self.url}/v1/keys",
                                      "id_token_signing_alg_values_supported": ["RS256"]})

        async def keys(_request: web.Request) -> web.Response:
            public = self.key.public_key().public_numbers()
            return web.json_response({"keys": [{
                "kty": "RSA", "use": "sig", "kid": self.kid, "alg": "RS256",
                "n": _b64(public.n), "e": _b64(public.e), "endorsements": self.endorsements,
            }]})

        app.router.add_post("/v3/conversations", create)
        app.router.add_post("/v3/conversations/{conversation_id}/activities", receive)
        app.router.add_post(
            "/v3/conversations/{conversation_id}/activities/{activity_id}", receive)
        app.router.add_put(
            "/v3/conversations/{conversation_id}/activities/{activity_id}", update)
        app.router.add_get("/v3/conversations/{conversation_id}/members", members)
        app.router.add_get("/v1/.well-known/openidconfiguration", metadata)
        app.router.add_get("/v1/keys", keys)
        return app


def _forbidden() -> web.Response:
    # What Teams answers when the bot is no longer in the conversation.
    return web.json_response(
        {"error": {"code": "BotNotInConversationRoster", "message": "not in the roster"}},
        status=403)
