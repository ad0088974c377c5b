"""Bot Connector clients shared across turns.

The SDK's factory builds a new connector client (a new HTTP session, so a new TCP connection)
for every inbound turn and closes it when the turn ends. Sharing one client per service URL and
token keeps connections alive between turns; the adapter's per-turn `close()` is absorbed, and
the shared clients are closed when they expire or the service stops."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import orjson
from microsoft_agents.activity import RoleTypes
from microsoft_agents.hosting.core import RestChannelServiceClientFactory, TurnContext
from microsoft_agents.hosting.core.authorization import ClaimsIdentity, Connections
from microsoft_agents.hosting.core.connector import ConnectorClientBase
from microsoft_agents.hosting.core.connector.client import UserTokenClient
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient

_TTL_SECONDS = 20 * 60  # well inside a connector token's lifetime of about an hour
# An idle connection is dropped before the other side drops it: Node's servers (the Agents
# Playground) close idle keep-alive connections after 5 s, and a request sent on one just
# closed fails with a reset; aiohttp would keep it for 15 s.
_KEEPALIVE_SECONDS = 4.0


def _json(value: object) -> str:
    # The same JSON as json.dumps gives (non-ASCII as is rather than escaped), in a fraction of
    # its time: every reply's activity, cards included, is serialised here.
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _session(service_url: str) -> aiohttp.ClientSession:
    base = service_url if service_url.endswith("/") else f"{service_url}/"
    return aiohttp.ClientSession(
        base_url=base, connector=aiohttp.TCPConnector(keepalive_timeout=_KEEPALIVE_SECONDS),
        json_serialize=_json,
    )


class _Shared:
    """A pooled client as one turn sees it: everything but `close`, which the pool owns."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    @property
    def base_uri(self) -> str:
        return str(self._inner.base_uri)

    @property
    def conversations(self) -> Any:
        return self._inner.conversations

    @property
    def attachments(self) -> Any:
        return self._inner.attachments

    async def close(self) -> None:
        return None


class PooledClientFactory(RestChannelServiceClientFactory):
    def __init__(
        self, connections: Connections, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(connections)
        self._connections = connections
        self._monotonic = monotonic
        self._clients: dict[tuple[str, ...], tuple[Any, float]] = {}
        self._lock = asyncio.Lock()

    async def create_connector_client(
        self,
        context: TurnContext | None,
        claims_identity: ClaimsIdentity,
        service_url: str,
        audience: str,
        scopes: list[str] | None = None,
        use_anonymous: bool = False,
    ) -> ConnectorClientBase:
        special = context is not None and (
            context.activity.is_agentic_request()
            or (context.activity.recipient is not None
                and context.activity.recipient.role == RoleTypes.connector_user)
        )
        if special or not service_url or not audience:
            return await super().create_connector_client(
                context, claims_identity, service_url, audience, scopes, use_anonymous
            )
        provider = (
            self._ANONYMOUS_TOKEN_PROVIDER
            if use_anonymous
            else self._connections.get_token_provider(claims_identity, service_url)
        )
        token = await provider.get_access_token(
            audience, scopes or claims_identity.get_token_scope()
        )
        client = await self._shared(
            ("connector", service_url, token),
            lambda: TeamsConnectorClient(
                endpoint=service_url, token=token, session=_session(service_url)
            ),
        )
        return _Shared(client)  # type: ignore[return-value]

    async def create_user_token_client(
        self, context: TurnContext, claims_identity: ClaimsIdentity, use_anonymous: bool = False
    ) -> UserTokenClient:
        if not use_anonymous:
            return await super().create_user_token_client(context, claims_identity, use_anonymous)
        app_id = claims_identity.get_app_id() or ""
        client = await self._shared(
            ("user-token", app_id),
            lambda: UserTokenClient(app_id=app_id, endpoint=self._token_service_endpoint, token=""),
        )
        return _Shared(client)  # type: ignore[return-value]

    async def _shared(self, key: tuple[str, ...], build: Callable[[], Any]) -> Any:
        now = self._monotonic()
        expired: list[Any] = []
        async with self._lock:
            cached = self._clients.get(key)
            if cached is not None and now - cached[1] < _TTL_SECONDS:
                return cached[0]
            for other, (client, created) in list(self._clients.items()):
                if now - created >= _TTL_SECONDS:
                    expired.append(client)
                    del self._clients[other]
            client = build()
            self._clients[key] = (client, now)
        # Turns that still hold an expired client finish first; closing it later is harmless.
        for old in expired:
            asyncio.get_running_loop().call_later(60, _close_soon, old)
        return client

    async def close(self) -> None:
        clients, self._clients = self._clients, {}
        for client, _ in clients.values():
            await client.close()


def _close_soon(client: Any) -> None:
    asyncio.ensure_future(client.close())
