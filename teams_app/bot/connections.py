"""Token providers for outbound calls to the Bot Connector.

With an app registration the SDK's MSAL connection manager gets real tokens. Local anonymous
mode has no registration: the MSAL manager would fail every Teams API call with
"TENANT_ID is not set", so an anonymous provider stands in for it."""

from __future__ import annotations

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
