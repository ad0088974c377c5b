"""What `learning-loop doctor` probes beyond the Graph ports: the database's schema, the bot's
credentials and the public endpoint. Each probe changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from teams_app.ports import (
    Calendar,
    Clock,
    Directory,
    Lists,
    TeamsAppInstaller,
    UnitOfWorkFactory,
)


class DatabaseUnreachable(Exception):
    """The database did not answer; the message says how (no secrets: the URL is not in it)."""


class CredentialsRefused(Exception):
    """Microsoft Entra ID gave the bot no token (wrong secret, tenant, or no answer in time)."""


class EndpointUnreachable(Exception):
    """The public address did not answer (DNS, TLS, connection, timeout)."""


@dataclass(frozen=True)
class Readiness:
    status: int  # the HTTP status /readyz answered with
    ready: bool  # its body said "ready": true


class SchemaVersion(Protocol):
    async def current(self) -> str | None: ...  # None: never migrated; DatabaseUnreachable
    def head(self) -> str | None: ...  # the newest revision this release ships


class BotCredentials(Protocol):
    async def obtain_token(self) -> None: ...  # raises CredentialsRefused


class PublicEndpoint(Protocol):
    async def readiness(self, base_url: str) -> Readiness: ...  # raises EndpointUnreachable


@dataclass(frozen=True)
class DoctorPorts:
    schema: SchemaVersion
    uow: UnitOfWorkFactory  # read-only use: where the results lists were provisioned
    clock: Clock
    endpoint: PublicEndpoint
    credentials: BotCredentials | None = None  # None: local anonymous mode, no app id
    # Microsoft Graph, when configured; None otherwise.
    calendar: Calendar | None = None
    directory: Directory | None = None
    lists: Lists | None = None
    installer: TeamsAppInstaller | None = None  # GRAPH_TEAMS_APP_ID set
