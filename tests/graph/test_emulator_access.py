"""The emulator refuses as Graph does when a permission is not granted or a mailbox is outside
the app's Exchange RBAC scope (graph/emulator/access.py)."""

from __future__ import annotations

import pytest

from graph import demo_org
from graph.emulator.access import PERMISSIONS, permission_for
from tests.graph.conftest import ControlError, GraphEmulator

NOW = "2025-03-24T08:00:00Z"
USER = demo_org.ERIK_JOHANSSON
OTHER = demo_org.SOFIA_BERGSTROM
SCHEDULE = {"schedules": [demo_org.person(USER).email],
            "startTime": {"dateTime": "2025-03-24T08:00:00", "timeZone": "UTC"},
            "endTime": {"dateTime": "2025-03-24T18:00:00", "timeZone": "UTC"}}

# (permission, a harmless call it opens, the code Graph answers without it)
CALLS = [
    ("MailboxSettings.Read", "GET", f"/users/{USER}/mailboxSettings", None, "ErrorAccessDenied"),
    ("Calendars.ReadWrite", "POST", f"/users/{USER}/calendar/getSchedule", SCHEDULE,
     "ErrorAccessDenied"),
    ("Calendars.ReadWrite", "GET", f"/users/{USER}/events", None, "ErrorAccessDenied"),
    ("User.Read.All", "GET", f"/users/{USER}", None, "Authorization_RequestDenied"),
    ("GroupMember.Read.All", "GET", f"/groups/{demo_org.ENGINEERING_GROUP_ID}/members", None,
     "Authorization_RequestDenied"),
    ("TeamsAppInstallation.ReadWriteSelfForUser.All", "GET",
     f"/users/{USER}/teamwork/installedApps", None, "Authorization_RequestDenied"),
    ("Sites.Selected", "GET", "/sites/root", None, "accessDenied"),
]


@pytest.mark.parametrize(("permission", "method", "path", "body", "code"), CALLS,
                         ids=[f"{c[0]}-{c[1]}" for c in CALLS])
async def test_a_denied_permission_refuses_its_endpoints_as_graph_does(
    graph_emulator: GraphEmulator, permission: str, method: str, path: str, body: object,
    code: str,
) -> None:
    await graph_emulator.control.reset("demo", now=NOW)
    allowed = await graph_emulator.request(method, path, json=body)
    assert allowed.status == 200, allowed.body

    await graph_emulator.control("PUT", "/access", {"denied": [permission]})
    refused = await graph_emulator.request(method, path, json=body)
    assert refused.status == 403
    assert refused.body["error"]["code"] == code
    assert refused.body["error"]["innerError"]["request-id"]
    access = await graph_emulator.control("GET", "/access")
    assert access["refused"] == {permission: 1}
    # Everything else still answers.
    others = [c for c in CALLS if c[0] != permission]
    for _, other_method, other_path, other_body, _ in others:
        assert (await graph_emulator.request(other_method, other_path, json=other_body)).status \
            == 200, other_path


async def test_a_batch_refuses_each_inner_request_on_its_own(
    graph_emulator: GraphEmulator,
) -> None:
    await graph_emulator.control.reset("demo", now=NOW)
    await graph_emulator.control("PUT", "/access", {"denied": ["MailboxSettings.Read"]})
    answer = await graph_emulator.request("POST", "/$batch", json={"requests": [
        {"id": "1", "method": "GET", "url": f"/users/{USER}/mailboxSettings"},
        {"id": "2", "method": "GET", "url": f"/users/{USER}"},
    ]})
    statuses = {r["id"]: r["status"] for r in answer.body["responses"]}
    assert statuses == {"1": 403, "2": 200}


async def test_mailboxes_outside_the_rbac_scope_are_refused(
    graph_emulator: GraphEmulator,
) -> None:
    await graph_emulator.control.reset("demo", now=NOW)
    upn = demo_org.person(USER).user_principal_name
    await graph_emulator.control("PUT", "/access", {"mailbox_scope": [upn]})
    inside = await graph_emulator.request("GET", f"/users/{USER}/calendarView"
                                          "?startDateTime=2025-03-24T00:00:00Z"
                                          "&endDateTime=2025-03-25T00:00:00Z")
    assert inside.status == 200
    outside = await graph_emulator.request("GET", f"/users/{OTHER}/mailboxSettings")
    assert outside.status == 403 and outside.body["error"]["code"] == "ErrorAccessDenied"
    # The directory is not Exchange: the scope does not limit it.
    assert (await graph_emulator.request("GET", f"/users/{OTHER}")).status == 200
    # A reset grants everything again.
    await graph_emulator.control.reset("demo", now=NOW)
    assert (await graph_emulator.request("GET", f"/users/{OTHER}/mailboxSettings")).status == 200


@pytest.mark.parametrize("body", [
    {"denied": ["Calendars.ReadWriteEverything"]},
    {"denied": "Calendars.ReadWrite"},
    {"mailbox_scope": ["nobody@contoso-learning.example"]},
    {"mailbox_scope": "everyone"},
    {"permissions": []},
])
async def test_bad_access_settings_are_refused(graph_emulator: GraphEmulator, body: object) -> None:
    await graph_emulator.control.reset("demo", now=NOW)
    with pytest.raises(ControlError, match="400"):
        await graph_emulator.control("PUT", "/access", body)
    assert (await graph_emulator.control("GET", "/access"))["denied"] == []


def test_every_permission_names_a_real_graph_application_permission() -> None:
    assert {name for _, name in PERMISSIONS} == {
        "MailboxSettings.Read", "MailboxSettings.ReadWrite", "Calendars.ReadWrite",
        "TeamsAppInstallation.ReadWriteSelfForUser.All", "Directory.Read.All",
        "GroupMember.Read.All", "User.Read.All", "Sites.Selected"}
    assert permission_for("POST /$batch") is None
    assert permission_for("GET /users/{user}/calendarView/delta") == "Calendars.ReadWrite"
    assert permission_for("GET /users/{user}/memberOf") == "Directory.Read.All"
