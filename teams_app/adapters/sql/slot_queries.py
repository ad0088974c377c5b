"""The queries for booked slots the defend scan and the members' view share: a person's own
booked series, and the team-session meetings they are booked into (the organiser's slot)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from teams_app.adapters.sql.tables import learning_plans, plan_members, plan_slots
from teams_app.domain.bookings import MemberState, SlotState
from teams_app.domain.learning_plans import PlanStatus


def booked_slots() -> Any:
    return (
        select(plan_slots)
        .join(learning_plans, learning_plans.c.id == plan_slots.c.plan_id)
        .outerjoin(
            plan_members,
            (plan_members.c.plan_id == plan_slots.c.plan_id)
            & (plan_members.c.member_id == plan_slots.c.member_id),
        )
        .where(
            learning_plans.c.state == PlanStatus.ACTIVE.value,
            plan_slots.c.revision == learning_plans.c.revision,
            plan_slots.c.state == SlotState.BOOKED.value,
            # A member's own series, or a team session's meeting, which is its organiser's
            # slot even when they are not a member themself.
            or_(
                plan_members.c.state == MemberState.BOOKED.value,
                plan_slots.c.member_id == learning_plans.c.owner_id,
            ),
        )
        .order_by(plan_slots.c.plan_id, plan_slots.c.revision)
    )


def attended_slots() -> tuple[Any, Any]:
    """The organisers' booked slots with each other member booked in the same plan: a team
    session's meeting and who attends it (personal plans whose owner is also a member match
    too; the caller checks the plan's mode). Returns the query and the attendee column."""
    membership = plan_members.alias("membership")
    query = (
        booked_slots()
        .join(membership, membership.c.plan_id == plan_slots.c.plan_id)
        .where(
            plan_slots.c.member_id == learning_plans.c.owner_id,
            membership.c.member_id != learning_plans.c.owner_id,
            membership.c.state == MemberState.BOOKED.value,
        )
    )
    return query, membership.c.member_id
