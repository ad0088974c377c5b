"""Token providers for outbound calls to the Bot Connector.

With an app registration the SDK's MSAL connection manager gets real tokens. Local anonymous
mode has no registration: the MSAL manager would fail every Teams API call with
"TENANT_ID is not set", so an anonymous provider stands in for it.

MSAL is synchronous: building its client discovers the authority over blocking HTTP, on the
caller's event loop. With Microsoft Entra ID slow or unreachable that froze every request,
health checks included. `OffLoopConnections` runs every token acquisition on a loop of its own
in a background thread, with a deadline; MSAL keeps its own token cache."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from microsoft_agents.activity import Activity
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.core.authorization import (
    AccessTokenProviderBase,
    AgentAuthConfiguration,
    AnonymousTokenProvider,
    ClaimsIdentity,
    Connections,
)
from microsoft_agents.hosting.core.authorization.auth_types import AuthTypes

from teams_app.ports.doctor import CredentialsRefused
from teams_app.settings import Settings


class LocalConnections(Connections):
    def __init__(self) -> None:
        self._provider = AnonymousTokenProvider()
        self._configuration = AgentAuthConfiguration(anonymous_allowed=True)

    def get_connection(self, connection_name: str) -> AccessTokenProviderBase:
        return self._provider

    def get_default_connection(self) -> AccessTokenProviderBase:
        return self._provider

    def get_token_provider(
        self, claims_identity: ClaimsIdentity, service_url: str
    ) -> AccessTokenProviderBase:
        return self._provider

    def get_token_provider_from_activity(
        self, claims_identity: ClaimsIdentity, activity: Activity
    ) -> AccessTokenProviderBase:
        return self._provider

    def get_default_connection_configuration(self) -> AgentAuthConfiguration:
        return self._configuration


def build_connections(settings: Settings) -> Connections:
    if settings.app_id is None:
        return LocalConnections()
    configuration = AgentAuthConfiguration(
        auth_type=AuthTypes.client_secret,
        client_id=settings.app_id,
        client_secret=settings.app_password,
        tenant_id=settings.app_tenant_id,
    )
    return MsalConnectionManager(
        connections_configurations={"SERVICE_CONNECTION": configuration}
    )


T = TypeVar("T")
TOKEN_SECONDS = 20.0  # MSAL's own HTTP timeouts are longer; a turn should not wait for them


class TokenUnavailable(Exception):
    """No token for the Bot Connector within the deadline: Entra ID is slow or unreachable."""


class _TokenLoop:
    """One event loop in one daemon thread per process, for everything that may block inside
    MSAL (started on first use, shared by every connection manager)."""

    _shared: _TokenLoop | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name="tokens", daemon=True).start()

    @classmethod
    def shared(cls) -> _TokenLoop:
        with cls._lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    async def run(self, make: Callable[[], Awaitable[T]], seconds: float) -> T:
        async def call() -> T:
            return await make()

        future = asyncio.run_coroutine_threadsafe(call(), self.loop)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), seconds)
        except TimeoutError:
            future.cancel()
            raise TokenUnavailable(f"no token within {seconds:g} s") from None


class _OffLoopProvider(AccessTokenProviderBase):
    def __init__(self, inner: AccessTokenProviderBase, tokens: _TokenLoop, seconds: float) -> None:
        self._inner = inner
        self._tokens = tokens
        self._seconds = seconds

    @property
    def configuration(self) -> AgentAuthConfiguration:
        return self._inner.configuration

    async def get_access_token(
        self, resource_url: str, scopes: list[str], force_refresh: bool = False
    ) -> str:
        return await self._tokens.run(
            lambda: self._inner.get_access_token(resource_url, scopes, force_refresh),
            self._seconds,
        )

    def get_token_credential(self) -> Any:  # azure's credential; not used for Teams calls
        return self._inner.get_token_credential()

    async def acquire_token_on_behalf_of(self, scopes: list[str], user_assertion: str) -> str:
        return await self._tokens.run(
            lambda: self._inner.acquire_token_on_behalf_of(scopes, user_assertion),
            self._seconds,
        )


class OffLoopConnections(Connections):
    """`inner`'s token providers, each acquisition run off the caller's loop (see above)."""

    def __init__(self, inner: Connections, *, seconds: float = TOKEN_SECONDS) -> None:
        self._inner = inner
        self._seconds = seconds
        self._tokens = _TokenLoop.shared()
        self._wrapped: dict[int, tuple[AccessTokenProviderBase, _OffLoopProvider]] = {}

    def _wrap(self, provider: AccessTokenProviderBase) -> AccessTokenProviderBase:
        known = self._wrapped.get(id(provider))
        if known is None or known[0] is not provider:
            known = (provider, _OffLoopProvider(provider, self._tokens, self._seconds))
            self._wrapped[id(provider)] = known
        return known[1]

    def get_connection(self, connection_name: str) -> AccessTokenProviderBase:
        return self._wrap(self._inner.get_connection(connection_name))

    def get_default_connection(self) -> AccessTokenProviderBase:
        return self._wrap(self._inner.get_default_connection())

    def get_token_provider(
        self, claims_identity: ClaimsIdentity, service_url: str
    ) -> AccessTokenProviderBase:
        return self._wrap(self._inner.get_token_provider(claims_identity, service_url))

    def get_token_provider_from_activity(
        self, claims_identity: ClaimsIdentity, activity: Activity
    ) -> AccessTokenProviderBase:
        return self._wrap(self._inner.get_token_provider_from_activity(claims_identity, activity))

    def get_default_connection_configuration(self) -> AgentAuthConfiguration:
        return self._inner.get_default_connection_configuration()

    def __getattr__(self, name: str) -> Any:  # what else the SDK asks of its manager
        return getattr(self._inner, name)


BOT_CONNECTOR_RESOURCE = "https://api.botframework.com"


class ConnectorCredentials:
    """`learning-loop doctor`'s probe: the token the bot's proactive sends would get, through
    the same connection manager (MSAL off the loop, with its deadline)."""

    def __init__(self, connections: Connections) -> None:
        self._connections = connections

    async def obtain_token(self) -> None:
        provider = self._connections.get_default_connection()
        try:
            token = await provider.get_access_token(
                BOT_CONNECTOR_RESOURCE, [f"{BOT_CONNECTOR_RESOURCE}/.default"])
        except TokenUnavailable as error:
            raise CredentialsRefused(str(error)) from None
        except Exception as error:  # MSAL and the SDK raise many kinds; the admin needs the text
            raise CredentialsRefused(f"{type(error).__name__}: {_first_line(error)}") from None
        if not token:
            raise CredentialsRefused("Microsoft Entra ID answered without a token")


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0][:300] if text else "no message"
