"""Who may plan for whom (DESIGN.md section 7), decided from facts gathered about the planner.

A manager may plan for themself, their direct reports (their reports' reports too when the
admin allows it) and the members of groups they own; a learning lead, named by the admin's
learning leads group, for anyone in the tenant. Nobody else. Pure: the use case
(`use_cases/plans/planners.py`) reads the directory and hands the facts in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from teams_app.domain.plan_errors import PlanError


@dataclass(frozen=True)
class PlanningRights:
    """What the admin decided (settings): who counts as a learning lead, and how far down the
    reporting line a manager reaches."""

    learning_leads_group: str | None = None  # Entra group id; None: nobody is a learning lead
    indirect_reports: bool = False


@dataclass(frozen=True)
class PlannerFacts:
    """What the directory says about the planner, as far as the members asked about need it."""

    planner_id: str
    learning_lead: bool = False
    direct_reports: frozenset[str] = frozenset()
    indirect_reports: frozenset[str] = frozenset()  # below the direct reports, any depth
    owned_group_members: frozenset[str] = frozenset()  # of the groups the planner owns


class MembersNotAllowed(PlanError):
    """The planner may not plan for these members; nothing is stored or booked."""

    code = "plan_members_not_allowed"
    field = "members"

    def __init__(self, member_ids: Iterable[str]) -> None:
        self.member_ids = tuple(member_ids)
        super().__init__(len(self.member_ids))  # ids only; names are the presenter's business


def may_plan_for(facts: PlannerFacts, member_id: str, rights: PlanningRights) -> bool:
    return (
        facts.learning_lead
        or member_id == facts.planner_id
        or member_id in facts.direct_reports
        or (rights.indirect_reports and member_id in facts.indirect_reports)
        or member_id in facts.owned_group_members
    )


def refused_members(
    facts: PlannerFacts, member_ids: Iterable[str], rights: PlanningRights
) -> tuple[str, ...]:
    """The members the planner may not plan for, in the order given, each once."""
    return tuple(
        m for m in dict.fromkeys(member_ids) if not may_plan_for(facts, m, rights)
    )
