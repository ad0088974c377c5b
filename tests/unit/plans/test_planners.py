"""Who may plan for whom (DESIGN.md section 7), from facts gathered about the planner."""

from __future__ import annotations

from teams_app.domain.planners import (
    MembersNotAllowed,
    PlannerFacts,
    PlanningRights,
    may_plan_for,
    refused_members,
)

MANAGER = PlannerFacts(
    "manager",
    direct_reports=frozenset({"report"}),
    indirect_reports=frozenset({"reports-report"}),
    owned_group_members=frozenset({"group-member"}),
)
STRICT = PlanningRights()


def test_a_manager_plans_for_themself_reports_and_owned_groups_only() -> None:
    for member in ("manager", "report", "group-member"):
        assert may_plan_for(MANAGER, member, STRICT)
    assert refused_members(MANAGER, ["report", "ceo", "colleague", "ceo"], STRICT) == (
        "ceo", "colleague",
    )


def test_reports_reports_only_when_the_admin_allows_it() -> None:
    assert not may_plan_for(MANAGER, "reports-report", STRICT)
    assert may_plan_for(MANAGER, "reports-report", PlanningRights(indirect_reports=True))


def test_a_learning_lead_plans_for_anyone_and_nobody_else_does() -> None:
    lead = PlannerFacts("lead", learning_lead=True)
    assert refused_members(lead, ["ceo", "anyone"], PlanningRights("leads")) == ()
    individual = PlannerFacts("individual")
    assert refused_members(individual, ["individual", "ceo"], STRICT) == ("ceo",)


def test_the_refusal_carries_ids_not_names() -> None:
    error = MembersNotAllowed(["ceo", "colleague"])
    assert error.member_ids == ("ceo", "colleague")
    assert error.code == "plan_members_not_allowed" and error.field == "members"
