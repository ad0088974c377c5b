"""Graph's error body and the codes each workload uses.

Microsoft Graph answers every failure with `{"error": {"code", "message", "innerError": {...}}}`
(https://learn.microsoft.com/graph/errors). The code differs per backing service: Outlook says
`ErrorItemNotFound`, the directory says `Request_ResourceNotFound`, SharePoint says `itemNotFound`.
Handlers raise `GraphError`; the dispatcher turns it into the body with request ids filled in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class GraphError(Exception):
    status: int
    code: str
    message: str
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:  # pragma: no cover - debugging aid
        return f"{self.status} {self.code}: {self.message}"


def error_body(code: str, message: str, *, request_id: str, client_request_id: str,
               at: datetime) -> dict[str, object]:
    return {
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": at.strftime("%Y-%m-%dT%H:%M:%S"),
                "request-id": request_id,
                "client-request-id": client_request_id,
            },
        }
    }


# --- Outlook (mail, calendar, mailbox settings) ------------------------------------------------

def invalid_user(user: str) -> GraphError:
    return GraphError(404, "ErrorInvalidUser", f"The requested user '{user}' is invalid.")


def mailbox_not_enabled() -> GraphError:
    return GraphError(404, "MailboxNotEnabledForRESTAPI",
                      "The mailbox is either inactive, soft-deleted, or is hosted on-premise.")


def outlook_item_not_found() -> GraphError:
    return GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.")


def outlook_invalid(message: str, code: str = "ErrorInvalidRequest") -> GraphError:
    return GraphError(400, code, message)


# --- directory (users, groups) -----------------------------------------------------------------

def directory_not_found(key: str) -> GraphError:
    return GraphError(404, "Request_ResourceNotFound",
                      f"Resource '{key}' does not exist or one of its queried "
                      "reference-property objects are not present.")


def directory_bad_request(message: str) -> GraphError:
    return GraphError(400, "Request_BadRequest", message)


def unsupported_query(prop: str, resource: str = "User") -> GraphError:
    return GraphError(400, "Request_UnsupportedQuery",
                      f"Unsupported or invalid query filter clause specified for property "
                      f"'{prop}' of resource '{resource}'.")


# --- SharePoint ----------------------------------------------------------------------------------

def sp_not_found(message: str = "The requested resource does not exist.") -> GraphError:
    return GraphError(404, "itemNotFound", message)


def sp_invalid(message: str) -> GraphError:
    return GraphError(400, "invalidRequest", message)


def sp_conflict(message: str) -> GraphError:
    return GraphError(409, "nameAlreadyExists", message)


# --- Graph-wide ----------------------------------------------------------------------------

def bad_request(message: str) -> GraphError:
    return GraphError(400, "BadRequest", message)


def unknown_segment(segment: str) -> GraphError:
    return GraphError(400, "BadRequest", f"Resource not found for the segment '{segment}'.")


def method_not_allowed() -> GraphError:
    return GraphError(405, "Request_BadRequest",
                      "Specified HTTP method is not allowed for the request target.")


def unauthenticated(message: str = "Access token is empty.") -> GraphError:
    return GraphError(401, "InvalidAuthenticationToken", message)
