"""GraphDirectory against the emulator: people by id or UPN, filtered pages, groups, reports."""

from __future__ import annotations

import pytest

from graph.client import GraphConnection
from graph.directory import GraphDirectory
from teams_app.domain.directory import PeopleQuery
from teams_app.ports import GraphForbidden, GraphNotFound
from tests.graph.adapter_fixtures import graph_fixture, graph_settings_fixture  # noqa: F401
from tests.graph.conftest import GraphEmulator


async def test_user_by_id_and_by_upn(graph_emulator: GraphEmulator, graph: GraphConnection) -> None:
    ada = await graph_emulator.control.add_user(
        "Ada Lovelace", department="Research", job_title="Analyst", preferred_language="en-GB"
    )
    directory = GraphDirectory(graph)
    by_id = await directory.user(ada["id"])
    by_upn = await directory.user(ada["userPrincipalName"])
    assert by_id == by_upn
    assert by_id.object_id == ada["id"]
    assert by_id.department == "Research"
    assert by_id.mailbox == ada["mail"]
    assert "Ada" not in repr(by_id)  # names stay out of logs
    with pytest.raises(GraphNotFound):
        await directory.user("00000000-0000-0000-0000-000000000000")


async def test_filtered_users_quote_obrien_and_page(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    control = graph_emulator.control
    for n in range(5):
        await control.add_user(f"Member {n}", department="O'Brien's Team")
    await control.add_user("Other", department="OBrien's Team")
    await control.add_user("Left", department="O'Brien's Team", account_enabled=False)
    directory = GraphDirectory(graph)

    page = await directory.users(PeopleQuery(department="O'Brien's Team", page_size=3))
    people = list(page.items)
    while page.cursor:
        page = await directory.users(PeopleQuery(), cursor=page.cursor)
        people += page.items
    assert len(people) == 5
    assert {p.department for p in people} == {"O'Brien's Team"}
    assert all(p.account_enabled for p in people)
    sneaky = await directory.users(PeopleQuery(department="x' or department ne 'y"))
    assert sneaky.items == ()


async def test_group_members_are_transitive_users_and_reports_direct(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    control = graph_emulator.control
    lead = await control.add_user("Lead")
    ann = await control.add_user("Ann", manager_id=lead["id"])
    bob = await control.add_user("Bob", manager_id=lead["id"], department="Research",
                                 account_enabled=False)
    cy = await control.add_user("Cy")
    inner = await control.add_group("Inner", [cy["id"]])
    outer = await control.add_group("Outer", [ann["id"], bob["id"], inner["id"]])
    directory = GraphDirectory(graph, page_size=2)

    members = await directory.group_members(outer["id"])
    assert sorted(p.object_id for p in members) == sorted([ann["id"], bob["id"], cy["id"]])
    reports = await directory.direct_reports(lead["id"])
    assert sorted(p.object_id for p in reports) == sorted([ann["id"], bob["id"]])
    # Not in Graph's default set of user properties: asked for by name on both lists.
    for listed in (members, reports):
        bob_listed = next(p for p in listed if p.object_id == bob["id"])
        assert (bob_listed.department, bob_listed.account_enabled) == ("Research", False)
    with pytest.raises(GraphNotFound):
        await directory.group_members("no-such-group")


async def test_forbidden_group_read_names_group_member_read_all(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    group = await graph_emulator.control.add_group("G", [])
    await graph_emulator.control.set_limits(
        fail_next=[{"match": "transitiveMembers", "status": 403,
                    "code": "Authorization_RequestDenied"}]
    )
    with pytest.raises(GraphForbidden) as caught:
        await GraphDirectory(graph).group_members(group["id"])
    assert caught.value.permission == "GroupMember.Read.All"


async def test_groups_of_are_the_groups_a_person_is_in_over_every_page(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    control = graph_emulator.control
    lead = await control.add_user("Lead")
    other = await control.add_user("Other")
    for n in range(3):
        await control.add_group(f"Circle {n}", [lead["id"], other["id"]])
    await control.add_group("Owned, not joined", [other["id"]], owner_ids=[lead["id"]])
    directory = GraphDirectory(graph, page_size=2)  # two pages: every nextLink is followed

    groups = await directory.groups_of(lead["id"])
    assert [g.display_name for g in groups] == ["Circle 0", "Circle 1", "Circle 2"]
    assert all(g.member_count is None for g in groups)
    assert len(await directory.groups_of(other["id"])) == 4
    with pytest.raises(GraphNotFound):
        await directory.groups_of("00000000-0000-0000-0000-000000000000")
    await control.set_limits(
        fail_next=[{"match": "memberOf", "status": 403, "code": "Authorization_RequestDenied"}]
    )
    with pytest.raises(GraphForbidden) as caught:
        await directory.groups_of(lead["id"])
    # Graph documents another user's memberOf app-only with Directory.Read.All only.
    assert caught.value.permission == "Directory.Read.All"


async def test_group_owners_and_transitive_member_groups(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    control = graph_emulator.control
    lead = await control.add_user("Lead")
    ann = await control.add_user("Ann")
    inner = await control.add_group("Leads inner", [ann["id"]])
    outer = await control.add_group("Leads", [inner["id"]], owner_ids=[lead["id"]])
    others = [await control.add_group(f"Other {n}", []) for n in range(21)]
    directory = GraphDirectory(graph)

    assert await directory.group_owners(outer["id"]) == [lead["id"]]
    assert await directory.group_owners(inner["id"]) == []
    # Nested membership counts; more than Graph's 20 groups a request are asked in turns.
    asked = [*(g["id"] for g in others), outer["id"], "00000000-0000-0000-0000-000000000000"]
    assert await directory.member_groups_among(ann["id"], asked) == {outer["id"]}
    assert await directory.member_groups_among(lead["id"], asked) == set()
    with pytest.raises(GraphNotFound):
        await directory.group_owners("00000000-0000-0000-0000-000000000000")
