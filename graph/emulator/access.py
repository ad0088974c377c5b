"""What the app may do: application permissions the admin did not grant, and the Exchange
Online RBAC scope that limits which mailboxes it reaches.

Everything is granted by default. `PUT /_emulator/access` names permissions to deny and,
optionally, the mailboxes inside the scope; a denied call answers as Graph does, 403 with the
code of the workload behind the endpoint: `ErrorAccessDenied` from Outlook (calendars, mailbox
settings), `Authorization_RequestDenied` from the directory and Teams, `accessDenied` from
SharePoint (https://learn.microsoft.com/graph/errors). A mailbox outside the RBAC scope is
refused by Outlook with `ErrorAccessDenied` whatever the permission
(https://learn.microsoft.com/exchange/permissions-exo/application-rbac).

    PUT /_emulator/access  {"denied": ["Calendars.ReadWrite", ...],
                            "mailbox_scope": ["<user id or UPN>", ...] | null}
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from graph.emulator.errors import GraphError

# The application permissions the product is granted (the admin guide's list), and the
# endpoints each one opens, as "METHOD template" patterns over the router's templates. The
# first match decides; an endpoint no pattern names needs no permission here ($batch: each
# inner request is checked on its own; /me: no signed-in user exists for an app).
PERMISSIONS: tuple[tuple[str, str], ...] = (
    (r"GET /users/\{user\}/mailboxSettings.*", "MailboxSettings.Read"),
    (r"PATCH /users/\{user\}/mailboxSettings.*", "MailboxSettings.ReadWrite"),
    (r"\w+ /users/\{user\}/(calendar|calendars|events|calendarView).*", "Calendars.ReadWrite"),
    (r"\w+ /subscriptions.*", "Calendars.ReadWrite"),  # the resource watched: user events
    (r"\w+ /users/\{user\}/teamwork/.*", "TeamsAppInstallation.ReadWriteSelfForUser.All"),
    # Another user's memberOf and ownedObjects are documented app-only with Directory.Read.All.
    (r"\w+ /users/\{user\}/(memberOf|ownedObjects).*", "Directory.Read.All"),
    (r"\w+ /users/\{user\}/checkMemberGroups", "GroupMember.Read.All"),
    (r"\w+ /users.*", "User.Read.All"),
    (r"\w+ /groups.*", "GroupMember.Read.All"),
    (r"\w+ /sites.*", "Sites.Selected"),
)
_COMPILED = tuple((re.compile(pattern), name) for pattern, name in PERMISSIONS)
KNOWN = frozenset(name for _, name in PERMISSIONS)


def permission_for(endpoint: str) -> str | None:
    """The permission an endpoint ("GET /users/{user}/mailboxSettings") needs, if any."""
    for pattern, name in _COMPILED:
        if pattern.fullmatch(endpoint):
            return name
    return None


def denied(permission: str) -> GraphError:
    if permission.startswith(("Calendars.", "MailboxSettings.")):
        return outlook_access_denied()
    if permission.startswith("Sites."):
        return GraphError(403, "accessDenied", "Access denied")
    return GraphError(403, "Authorization_RequestDenied",
                      "Insufficient privileges to complete the operation.")


def outlook_access_denied() -> GraphError:
    return GraphError(403, "ErrorAccessDenied",
                      "Access is denied. Check credentials and try again.")


@dataclass
class Access:
    denied: frozenset[str] = frozenset()
    # User ids inside the Exchange RBAC management scope; None: no scope, every mailbox.
    mailbox_scope: frozenset[str] | None = None
    refused: dict[str, int] = field(default_factory=dict)  # per permission or "rbac_scope"

    def check(self, endpoint: str, mailbox_user_id: str | None) -> None:
        """Raises the GraphError Graph would answer, or returns when the call may go on."""
        permission = permission_for(endpoint)
        if permission is not None and permission in self.denied:
            self.refused[permission] = self.refused.get(permission, 0) + 1
            raise denied(permission)
        if (self.mailbox_scope is not None and mailbox_user_id is not None
                and mailbox_user_id not in self.mailbox_scope):
            self.refused["rbac_scope"] = self.refused.get("rbac_scope", 0) + 1
            raise outlook_access_denied()

    def to_json(self) -> dict[str, Any]:
        return {"denied": sorted(self.denied),
                "mailbox_scope": None if self.mailbox_scope is None else sorted(self.mailbox_scope),
                "refused": dict(self.refused)}


def access_from_json(body: dict[str, Any], resolve_user: Any) -> Access:
    """`resolve_user(key) -> user id | None` names the scope's people by id or UPN."""
    unknown = set(body) - {"denied", "mailbox_scope"}
    if unknown:
        raise ValueError(f"unknown field(s): {', '.join(sorted(unknown))}")
    names = body.get("denied") or []
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ValueError("denied must be a list of permission names")
    strangers = set(names) - KNOWN
    if strangers:
        raise ValueError(f"unknown permission(s) {', '.join(sorted(strangers))}; "
                         f"known: {', '.join(sorted(KNOWN))}")
    scope = body.get("mailbox_scope")
    if scope is None:
        return Access(denied=frozenset(names))
    if not isinstance(scope, list) or not all(isinstance(k, str) for k in scope):
        raise ValueError("mailbox_scope must be a list of user ids or UPNs, or null")
    ids = []
    for key in scope:
        user_id = resolve_user(key)
        if user_id is None:
            raise ValueError(f"mailbox_scope names no known user: {key!r}")
        ids.append(user_id)
    return Access(denied=frozenset(names), mailbox_scope=frozenset(ids))
