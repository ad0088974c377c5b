"""What the manager reads when a plan action fails for a reason that belongs to no input:
catalog keys for plan errors, Graph faults and a missing Graph configuration."""

from __future__ import annotations

from teams_app.domain.errors import DomainError
from teams_app.domain.plan_errors import (
    MemberAlreadyLeft,
    NotTheMember,
    OwnerCannotLeave,
    PlanAlreadyBooked,
    PlanAlreadyCancelled,
    PlanChanged,
    PlanError,
    PlanNotOwned,
    RevisionInvalid,
)
from teams_app.ports import GraphError, GraphForbidden, GraphNotFound, GraphThrottled
from teams_app.use_cases.plans.planning import UnknownPlan

# Domain codes from other plan use cases with a message of their own.
CODE_MESSAGES = {
    "plan_organiser_no_mailbox": "plan.error.organiser_no_mailbox",
    "plan_booking_in_progress": "plan.error.booking_in_progress",
}


class GraphNotConfigured(Exception):
    """Microsoft Graph is not configured: plans cannot be checked against calendars."""


def notice_key(error: PlanError) -> str | None:
    if isinstance(error, PlanNotOwned):
        return "plan.error.not_owner"
    if isinstance(error, PlanAlreadyCancelled):
        return "plan.error.cancelled"
    if isinstance(error, PlanChanged):
        return "plan.error.stale"
    if isinstance(error, PlanAlreadyBooked):
        return "plan.error.already_booked"
    if isinstance(error, RevisionInvalid):
        return "plan.error.bad_card"
    if isinstance(error, OwnerCannotLeave):
        return "plan.error.owner_leaves"
    if isinstance(error, NotTheMember):
        return "plan.error.not_member"
    if isinstance(error, MemberAlreadyLeft):
        return "plans.left.already"
    return None


def failure_key(error: Exception) -> str:
    """The message for a failure that belongs to no input."""
    if isinstance(error, GraphNotConfigured):
        return "plan.error.graph_not_configured"
    if isinstance(error, GraphForbidden):
        return "plan.error.graph_forbidden"
    if isinstance(error, GraphNotFound):
        return "plan.error.graph_not_found"
    if isinstance(error, GraphThrottled):
        return "plan.error.graph_throttled"
    if isinstance(error, GraphError):
        return "plan.error.graph_unavailable"
    if isinstance(error, UnknownPlan):
        return "plan.error.unknown_plan"
    if isinstance(error, PlanError):
        return notice_key(error) or "plan.error.cannot"
    if isinstance(error, DomainError):
        return CODE_MESSAGES.get(error.code, "plan.error.cannot")
    return "plan.error.cannot"
