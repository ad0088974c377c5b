"""Who a plan is for, against the emulator: the owner's own facts are read while the members
are (not after them), and nothing is read twice: a group the owner owns, a plan of the owner's
direct reports. Failures on either side still answer as before, with nothing left running."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any

import pytest

from graph.client import GraphConnection
from graph.directory import GraphDirectory
from teams_app.domain.cadences import Cadence
from teams_app.domain.calendar import Weekday
from teams_app.domain.directory import Person
from teams_app.domain.learning_plans import (
    Horizon,
    LearningPlan,
    LearningWindow,
    MemberSource,
    PlanSpec,
)
from teams_app.domain.planners import PlanningRights
from teams_app.ports import GraphForbidden, GraphNotFound
from teams_app.use_cases.plans.reads import members_allowed
from tests.graph.adapter_fixtures import graph_fixture, graph_settings_fixture  # noqa: F401
from tests.graph.conftest import GraphEmulator

AT = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
REPORTS = "GET /users/{user}/directReports"
MEMBERS = "GET /groups/{group}/transitiveMembers"


class Recording:
    """The real directory, with when each read started and ended (in order)."""

    def __init__(self, directory: GraphDirectory) -> None:
        self._directory = directory
        self.log: list[tuple[str, str]] = []

    def __getattr__(self, name: str) -> Any:
        read = getattr(self._directory, name)

        async def recorded(*args: Any) -> Any:
            self.log.append(("start", name))
            try:
                return await read(*args)
            finally:
                self.log.append(("end", name))
        return recorded


def a_plan(owner: str, members: MemberSource) -> LearningPlan:
    spec = PlanSpec(
        members=members,
        cadence=Cadence.weekly(days=(Weekday.TUESDAY,)),
        duration_minutes=45,
        window=LearningWindow((Weekday.TUESDAY,), time(13, 0), time(16, 30)),
        horizon=Horizon(date(2026, 3, 3), occurrences=4),
    )
    return LearningPlan("plan-1", owner, spec, created_at=AT, updated_at=AT)


async def team(graph_emulator: GraphEmulator, size: int = 3) -> tuple[str, list[str], str]:
    """A manager, their reports and a group of those reports: (manager, reports, group)."""
    control = graph_emulator.control
    manager = (await control.add_user("Manager"))["id"]
    reports = [(await control.add_user(f"Report {n}", manager_id=manager))["id"]
               for n in range(size)]
    group = (await control.add_group("Team", reports))["id"]
    return manager, reports, group


def ids(people: Sequence[Person]) -> list[str]:
    return sorted(p.object_id for p in people)


async def test_the_owners_reports_are_read_while_the_groups_members_are(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    manager, reports, group = await team(graph_emulator)
    await graph_emulator.control.set_limits(latency_ms=40)
    directory = Recording(GraphDirectory(graph))
    people, refused, unknown = await members_allowed(
        a_plan(manager, MemberSource.of_group(group)), directory=directory,  # type: ignore[arg-type]
        rights=PlanningRights())
    assert ids(people) == sorted(reports) and refused == [] and unknown == []
    log = directory.log
    assert log.index(("start", "direct_reports")) < log.index(("end", "group_members"))


async def test_a_group_the_owner_owns_is_read_once_and_a_plan_of_reports_reads_them_once(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    control = graph_emulator.control
    owner = (await control.add_user("Owner"))["id"]
    members = [(await control.add_user(f"Member {n}"))["id"] for n in range(3)]  # no reports
    group = (await control.add_group("Guild", members, owner_ids=[owner]))["id"]
    await control.clear_stats()
    people, refused, _ = await members_allowed(
        a_plan(owner, MemberSource.of_group(group)), directory=GraphDirectory(graph),
        rights=PlanningRights())
    assert ids(people) == sorted(members) and refused == []
    assert (await control.stats())["requests"].get(MEMBERS) == 1

    manager, reports, _group = await team(graph_emulator)
    await control.clear_stats()
    people, refused, _ = await members_allowed(
        a_plan(manager, MemberSource.direct_reports()), directory=GraphDirectory(graph),
        rights=PlanningRights())
    assert ids(people) == sorted(reports) and refused == []
    assert (await control.stats())["requests"].get(REPORTS) == 1


async def test_a_group_the_owner_does_not_own_still_refuses_who_is_not_theirs(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    manager, reports, _group = await team(graph_emulator, size=2)
    outsider = (await graph_emulator.control.add_user("Outsider"))["id"]
    mixed = (await graph_emulator.control.add_group("Mixed", [*reports, outsider]))["id"]
    people, refused, _ = await members_allowed(
        a_plan(manager, MemberSource.of_group(mixed)), directory=GraphDirectory(graph),
        rights=PlanningRights())
    assert ids(people) == sorted(reports) and refused == [outsider]


async def test_a_learning_lead_is_answered_without_waiting_for_reports_they_do_not_need(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    control = graph_emulator.control
    lead = (await control.add_user("Lead"))["id"]
    leads = (await control.add_group("Learning leads", [lead]))["id"]
    anyone = [(await control.add_user(f"Anyone {n}"))["id"] for n in range(3)]
    group = (await control.add_group("Anyone", anyone))["id"]
    people, refused, _ = await members_allowed(
        a_plan(lead, MemberSource.of_group(group)), directory=GraphDirectory(graph),
        rights=PlanningRights(learning_leads_group=leads))
    assert ids(people) == sorted(anyone) and refused == []


async def test_a_failed_read_on_either_side_answers_as_before_and_leaves_nothing_running(
    graph_emulator: GraphEmulator, graph: GraphConnection,
    caplog: pytest.LogCaptureFixture,
) -> None:
    manager, _reports, group = await team(graph_emulator)
    directory = GraphDirectory(graph)
    with pytest.raises(GraphNotFound):  # the group is gone; the reports read is dropped
        await members_allowed(a_plan(manager, MemberSource.of_group("no-such-group")),
                              directory=directory, rights=PlanningRights())
    await graph_emulator.control("PUT", "/access", {"denied": ["User.Read.All"]})
    with pytest.raises(GraphForbidden):  # the owner's reports cannot be read: no answer
        await members_allowed(a_plan(manager, MemberSource.of_group(group)),
                              directory=directory, rights=PlanningRights())
    await asyncio.sleep(0)
    gc.collect()  # an exception nobody retrieved is logged when its task is collected
    assert [t for t in asyncio.all_tasks() if "PlannerReads" in repr(t.get_coro())] == []
    assert "never retrieved" not in caplog.text
