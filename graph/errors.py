"""Translate msgraph/kiota/httpx failures into the port errors of teams_app.ports.

By status code, never by message text: Graph's messages change and are localised, status codes
are the contract. Each adapter call names its `Operation`, so a 403 can tell the admin exactly
which application permission to grant.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

import httpx
from kiota_abstractions.api_error import APIError
from msgraph.generated.models.o_data_errors.o_data_error import ODataError

from teams_app.domain.backoff import retry_after_seconds as parse_retry_after
from teams_app.ports import (
    GraphConflict,
    GraphError,
    GraphForbidden,
    GraphNotFound,
    GraphRejected,
    GraphThrottled,
    GraphUnavailable,
)


class Operation(StrEnum):
    MAILBOX_SETTINGS = "mailbox_settings"
    FREE_BUSY = "free_busy"
    READ_EVENTS = "read_events"
    WRITE_EVENTS = "write_events"
    READ_USERS = "read_users"
    READ_GROUP_MEMBERS = "read_group_members"
    READ_MEMBER_GROUPS = "read_member_groups"
    READ_SITE = "read_site"
    MANAGE_LISTS = "manage_lists"
    READ_ITEMS = "read_items"
    WRITE_ITEMS = "write_items"
    INSTALL_APP = "install_app"
    READ_APP_CHAT = "read_app_chat"
    SUBSCRIBE_EVENTS = "subscribe_events"
    BATCH = "batch"


# The least-privileged application permission (app-only; the service has no signed-in user)
# for each operation, as the admin guide lists them. Site access prefers Sites.Selected with a
# role on the one site over tenant-wide Sites.* permissions.
PERMISSIONS: Mapping[Operation, str] = {
    Operation.MAILBOX_SETTINGS: "MailboxSettings.Read",
    Operation.FREE_BUSY: "Calendars.Read",
    Operation.READ_EVENTS: "Calendars.Read",
    Operation.WRITE_EVENTS: "Calendars.ReadWrite",
    Operation.READ_USERS: "User.Read.All",
    Operation.READ_GROUP_MEMBERS: "GroupMember.Read.All",
    # Another user's memberOf is documented app-only with Directory.Read.All only.
    Operation.READ_MEMBER_GROUPS: "Directory.Read.All",
    Operation.READ_SITE: "Sites.Selected (read role on the site)",
    Operation.MANAGE_LISTS: "Sites.Selected (manage role on the site) or Sites.Manage.All",
    Operation.READ_ITEMS: "Sites.Selected (read role on the site)",
    Operation.WRITE_ITEMS: "Sites.Selected (write role on the site)",
    Operation.INSTALL_APP: "TeamsAppInstallation.ReadWriteSelfForUser.All",
    Operation.READ_APP_CHAT: "TeamsAppInstallation.ReadWriteSelfForUser.All",
    # A subscription needs the permission of the resource it watches: user events.
    Operation.SUBSCRIBE_EVENTS: "Calendars.Read",
    Operation.BATCH: "the permission of each request in the batch",
}

_NOT_FOUND = frozenset({404, 410})
_FORBIDDEN = frozenset({401, 403})
_CONFLICT = frozenset({409, 412})
_UNAVAILABLE = frozenset({408, 500, 502, 503, 504, 507, 509})


def retry_after_seconds(headers: Mapping[str, str] | None) -> float | None:
    """Retry-After from headers of any case; None when absent."""
    if not headers:
        return None
    return parse_retry_after(
        next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    )


def error_for_status(
    status: int | None,
    operation: Operation,
    *,
    code: str = "",
    retry_after: float | None = None,
    request_id: str | None = None,
) -> GraphError:
    """The port error for one HTTP status; also used for the inner answers of a $batch."""
    if status is None:
        return GraphUnavailable(status=None, detail=code, request_id=request_id)
    if status in _NOT_FOUND:
        return GraphNotFound(status=status, detail=code, request_id=request_id)
    if status in _FORBIDDEN:
        return GraphForbidden(
            status=status, detail=code, request_id=request_id, permission=PERMISSIONS[operation]
        )
    if status == 429:
        return GraphThrottled(
            status=status, detail=code, request_id=request_id, retry_after=retry_after
        )
    if status in _CONFLICT:
        return GraphConflict(status=status, detail=code, request_id=request_id)
    if status in _UNAVAILABLE or status >= 500:
        return GraphUnavailable(status=status, detail=code, request_id=request_id)
    return GraphRejected(status=status, detail=code, request_id=request_id)


def translate(exc: BaseException, operation: Operation) -> GraphError:
    """The port error for an exception in `TRANSLATABLE`, raised by the SDK or its transport."""
    if isinstance(exc, GraphError):
        return exc
    if isinstance(exc, APIError):
        headers = dict(exc.response_headers or {})
        code, request_id = _odata_code(exc), _header(headers, "request-id")
        return error_for_status(
            exc.response_status_code,
            operation,
            code=code,
            retry_after=retry_after_seconds(headers),
            request_id=request_id,
        )
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return GraphUnavailable(status=None, detail="timeout")
    # Dropped connections, refused connects, protocol errors: transient from our side.
    return GraphUnavailable(status=None, detail=type(exc).__name__)


# What `translate` accepts; anything else is a bug of ours and surfaces as itself.
# (asyncio.TimeoutError is TimeoutError since 3.11; httpx timeouts are TransportErrors.)
TRANSLATABLE: tuple[type[BaseException], ...] = (
    GraphError,
    APIError,
    httpx.TransportError,
    TimeoutError,
    ConnectionError,
)


def _odata_code(exc: APIError) -> str:
    # The error code ("ErrorItemNotFound", "MailboxNotEnabledForRESTAPI") goes into `detail`
    # for the logs; it is never used to classify.
    if isinstance(exc, ODataError) and exc.error is not None:
        return exc.error.code or ""
    return ""


def _header(headers: Mapping[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name), None)
