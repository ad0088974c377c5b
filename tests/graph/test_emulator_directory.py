"""Directory and Teams: users with $select/$filter/paging, manager and direct reports, group
members, mailbox settings, and installing the app for a user (201 no body, 409 the second time,
filter by app id, the 1:1 chat)."""

from __future__ import annotations

from typing import Any

from tests.graph.conftest import GraphEmulator

LEAD = "e9209bd9-1572-4bb3-83ad-18fd46453f8d"  # demo_org.INGRID_LINDQVIST
CHIEF = "a6981a08-020f-4467-96ab-ed4e00f03b67"  # demo_org.CHARLOTTE_EVANS
PILOT_GROUP = "3b20b805-2757-4b2f-888c-526c572e3063"  # everyone in the demo
LEARNING_CIRCLE = "c443f57b-b38a-4e27-9560-b0ef39a92724"  # owned by the lead, as the pilot is
APP_ID = "1fa4c7b3-8a53-4d5e-b5f4-5a8b0a3e1c11"


async def _demo(graph_emulator: GraphEmulator) -> None:
    await graph_emulator.control.reset("demo", now="2025-03-24T06:00:00Z")


async def _all(graph_emulator: GraphEmulator, url: str, **headers: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    while url:
        page = await graph_emulator.request("GET", url, headers=headers)
        assert page.status == 200, page.body
        items += page.body["value"]
        url = page.body.get("@odata.nextLink", "")
    return items


async def test_users_default_properties_select_and_paging(graph_emulator: GraphEmulator) -> None:
    await _demo(graph_emulator)

    first = await graph_emulator.request("GET", "/users?$top=5")
    assert first.body["@odata.context"].endswith("/$metadata#users")
    assert set(first.body["value"][0]) == {
        "businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
        "officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id"}
    everyone = await _all(graph_emulator, "/users?$select=id,accountEnabled&$top=5")
    assert len(everyone) == 16 and set(everyone[0]) == {"id", "accountEnabled"}
    assert len({u["id"] for u in everyone}) == 16


async def test_user_filters(graph_emulator: GraphEmulator) -> None:
    await _demo(graph_emulator)

    async def ids(query: str) -> list[str]:
        response = await graph_emulator.request("GET", f"/users?$filter={query}&$select=id")
        assert response.status == 200, response.body
        return [u["id"] for u in response.body["value"]]

    assert await ids("mail eq 'INGRID.LINDQVIST@contoso-learning.example'") == [LEAD]
    assert await ids(f"id eq '{LEAD}' or id eq '{CHIEF}'") == [CHIEF, LEAD]
    assert len(await ids("startswith(displayName,'L')")) == 2  # Lena, Lotte
    assert len(await ids("accountEnabled eq true")) == 16
    assert await ids("userPrincipalName eq 'nobody@contoso-learning.example'") == []
    bad = await graph_emulator.request("GET", "/users?$filter=faxNumber eq '1'")
    assert (bad.status, bad.body["error"]["code"]) == (400, "Request_UnsupportedQuery")
    broken = await graph_emulator.request("GET", "/users?$filter=mail eq")
    assert broken.status == 400


async def test_user_by_upn_manager_and_reports(graph_emulator: GraphEmulator) -> None:
    await _demo(graph_emulator)

    by_upn = await graph_emulator.request("GET", "/users/ingrid.lindqvist@contoso-learning.example")
    manager = await graph_emulator.request("GET", f"/users/{LEAD}/manager")
    reports = await _all(graph_emulator, f"/users/{LEAD}/directReports?$top=3")
    no_manager = await graph_emulator.request("GET", f"/users/{CHIEF}/manager")
    nobody = await graph_emulator.request("GET", "/users/00000000-0000-0000-0000-000000000000")

    assert by_upn.body["id"] == LEAD
    assert manager.body["id"] == CHIEF
    assert manager.body["@odata.type"] == "#microsoft.graph.user"
    assert manager.body["@odata.context"].endswith("/$metadata#directoryObjects/$entity")
    assert len(reports) == 7 and {r["@odata.type"] for r in reports} == {"#microsoft.graph.user"}
    assert (no_manager.status, no_manager.body["error"]["code"]) == \
        (404, "Request_ResourceNotFound")
    assert nobody.status == 404


async def test_group_transitive_members_page(graph_emulator: GraphEmulator) -> None:
    await _demo(graph_emulator)
    nested = await graph_emulator.control.add_group("Pilot and friends", [PILOT_GROUP])

    direct = await _all(graph_emulator, f"/groups/{nested['id']}/members")
    members = await _all(graph_emulator, f"/groups/{nested['id']}/transitiveMembers?$top=4")

    assert [m["@odata.type"] for m in direct] == ["#microsoft.graph.group"]
    assert len([m for m in members if m["@odata.type"] == "#microsoft.graph.user"]) == 15


async def test_owned_groups_cast_select_and_paging(graph_emulator: GraphEmulator) -> None:
    await _demo(graph_emulator)
    url = f"/users/{LEAD}/ownedObjects/microsoft.graph.group"

    first = await graph_emulator.request("GET", f"{url}?$select=id,displayName&$top=1")
    owned = await _all(graph_emulator, f"{url}?$select=id,displayName&$top=1")
    short = await _all(graph_emulator, f"/users/{LEAD}/ownedObjects/graph.group")
    untyped = await _all(graph_emulator, f"/users/{LEAD}/ownedObjects")
    chief = await _all(graph_emulator, f"/users/{CHIEF}/ownedObjects/microsoft.graph.group")
    nobody = await graph_emulator.request(
        "GET", "/users/00000000-0000-0000-0000-000000000000/ownedObjects/microsoft.graph.group")

    assert first.body["@odata.context"].endswith("/$metadata#groups(id,displayName)")
    assert "@odata.nextLink" in first.body
    assert owned == [
        {"@odata.type": "#microsoft.graph.group", "id": LEARNING_CIRCLE,
         "displayName": "Learning Circle"},
        {"@odata.type": "#microsoft.graph.group", "id": PILOT_GROUP,
         "displayName": "Learning Loop pilot"},
    ]
    assert [g["id"] for g in short] == [g["id"] for g in untyped] == [LEARNING_CIRCLE, PILOT_GROUP]
    assert chief == []  # owns nothing
    assert (nobody.status, nobody.body["error"]["code"]) == (404, "Request_ResourceNotFound")


async def test_mailbox_settings_parts(graph_emulator: GraphEmulator) -> None:
    await _demo(graph_emulator)
    jonas = "4eea92a7-84f9-40c3-af5d-147ceb18f449"  # works Monday to Thursday, 08:30-16:30

    hours = await graph_emulator.request("GET", f"/users/{jonas}/mailboxSettings/workingHours")
    zone = await graph_emulator.request("GET", f"/users/{jonas}/mailboxSettings/timeZone")

    assert hours.body["daysOfWeek"] == ["monday", "tuesday", "wednesday", "thursday"]
    assert (hours.body["startTime"], hours.body["endTime"]) == \
        ("08:30:00.0000000", "16:30:00.0000000")
    assert hours.body["timeZone"] == {"name": "W. Europe Standard Time"}
    assert zone.body["value"] == "W. Europe Standard Time"


async def test_install_app_for_user_and_find_the_chat(graph_emulator: GraphEmulator) -> None:
    await _demo(graph_emulator)
    url = f"/users/{LEAD}/teamwork/installedApps"
    bind = {"teamsApp@odata.bind": f"https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/{APP_ID}"}

    installed = await graph_emulator.request("POST", url, json=bind)
    again = await graph_emulator.request("POST", url, json=bind)
    found = await graph_emulator.request(
        "GET", f"{url}?$expand=teamsAppDefinition&$filter=teamsApp/id eq '{APP_ID}'")
    other = await graph_emulator.request("GET", f"{url}?$filter=teamsApp/id eq 'another-app'")

    assert (installed.status, installed.body) == (201, None)
    assert (again.status, again.body["error"]["code"]) == (409, "Conflict")
    [installation] = found.body["value"]
    assert installation["teamsAppDefinition"]["teamsAppId"] == APP_ID
    assert other.body["value"] == []
    chat = await graph_emulator.request("GET", f"{url}/{installation['id']}/chat")
    assert chat.status == 200
    assert chat.body["id"] == f"19:{APP_ID}_{LEAD}@unq.gbl.spaces"
    assert chat.body["@odata.context"].endswith("/$metadata#chats/$entity")


async def test_owners_check_member_groups_and_a_new_manager(
    graph_emulator: GraphEmulator,
) -> None:
    await _demo(graph_emulator)
    engineer = "e55b38bd-9d91-4673-a834-8acdc7b138ba"  # demo_org.PIETER_BAKKER
    nested = await graph_emulator.control.add_group("Pilot and friends", [PILOT_GROUP])

    owners = await graph_emulator.request("GET", f"/groups/{LEARNING_CIRCLE}/owners")
    checked = await graph_emulator.request(
        "POST", f"/users/{engineer}/checkMemberGroups",
        json={"groupIds": [LEARNING_CIRCLE, nested["id"], PILOT_GROUP]},
    )
    too_many = await graph_emulator.request(
        "POST", f"/users/{engineer}/checkMemberGroups", json={"groupIds": [PILOT_GROUP] * 21}
    )
    moved = await graph_emulator.request(
        "PUT", f"/users/{engineer}/manager/$ref",
        json={"@odata.id": f"https://graph.microsoft.com/v1.0/users/{LEAD}"},
    )
    manager = await graph_emulator.request("GET", f"/users/{engineer}/manager")

    assert [o["id"] for o in owners.body["value"]] == [LEAD]
    assert owners.body["value"][0]["@odata.type"] == "#microsoft.graph.user"
    # Transitive: the engineer is in the pilot, and so in the group that nests it.
    assert checked.status == 200 and checked.body["value"] == [nested["id"], PILOT_GROUP]
    assert checked.body["@odata.context"].endswith("$metadata#Collection(Edm.String)")
    assert (too_many.status, too_many.body["error"]["code"]) == (400, "Request_BadRequest")
    assert moved.status == 204 and manager.body["id"] == LEAD
