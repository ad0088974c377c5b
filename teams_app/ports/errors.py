"""Errors that ports raise: services outside ours failing, Teams and Microsoft Graph."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ExternalServiceError(Exception):
    """A service outside ours failed; callers show a "try again later" answer."""

    service: str
    status: int | None = None
    detail: str = field(default="", repr=False)

    def __str__(self) -> str:
        return f"{self.service} failed (status {self.status})"


class MessengerUnavailable(ExternalServiceError):
    """Teams did not accept the message after the retries; the job retries later."""


class RecipientUnreachable(ExternalServiceError):
    """Teams refused the conversation for good (app removed, conversation gone)."""


@dataclass
class GraphError(ExternalServiceError):
    """Microsoft Graph failed. Subclasses say how; `request_id` helps Microsoft support."""

    service: str = "Microsoft Graph"
    request_id: str | None = None


class GraphNotFound(GraphError):
    """The user, mailbox, event, site or list does not exist (or the person has no mailbox)."""


@dataclass
class GraphForbidden(GraphError):
    """The app lacks a permission. `permission` names the application permission (or role)
    the admin must grant, so the message is actionable."""

    permission: str = ""

    def __str__(self) -> str:
        if not self.permission:
            return f"{self.service} refused access (status {self.status})"
        return (
            f"{self.service} refused access (status {self.status}): grant the application "
            f"permission {self.permission} and admin consent"
        )


@dataclass
class GraphThrottled(GraphError):
    """Still throttled after the configured retries; retry after `retry_after` seconds."""

    retry_after: float | None = None


class GraphUnavailable(GraphError):
    """Graph did not answer in time, dropped the connection or answered 5xx."""


class GraphConflict(GraphError):
    """The write clashed with the current state (409/412), e.g. a duplicate unique key."""


class GraphRejected(GraphError):
    """Graph refused the request as malformed (other 4xx): a bug on our side, not transient."""
