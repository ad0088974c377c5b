"""Drafting a plan from the plan card: check it against the calendars before it is stored.

The slot finder runs on the unsaved plan first, so a window that lies outside everyone's
working hours is answered on the card and leaves no plan behind that nobody can book.
"""

from __future__ import annotations

from collections.abc import Callable

from teams_app.domain.bookings import MemberFailure
from teams_app.domain.learning_plans import (
    CreatePlan,
    EditPlan,
    LearningPlan,
    PlanAlreadyCancelled,
    PlanError,
    PlanNotOwned,
    PlanStatus,
)
from teams_app.domain.planners import MembersNotAllowed, PlanningRights
from teams_app.ports import Calendar, Clock, Directory, UnitOfWork
from teams_app.use_cases.plans.changes import edit_plan
from teams_app.use_cases.plans.planning import PlanPreview, UnknownPlan, create_plan, find_slots

# Problems that say nothing about the window: the person has no calendar to compare it with.
_NOT_ABOUT_HOURS = frozenset({MemberFailure.NO_MAILBOX, MemberFailure.OUTSIDE_TENANT})


class WindowOutsideWorkingHours(PlanError):
    code = "plan_window_outside_working_hours"
    field = "window"


async def draft_plan(
    cmd: CreatePlan,
    *,
    uow: Callable[[], UnitOfWork],
    calendar: Calendar,
    directory: Directory,
    clock: Clock,
    new_id: Callable[[], str],
    rights: PlanningRights,
) -> PlanPreview:
    """Creates the plan when the owner may plan for every member and someone can be booked
    in its window; returns its preview."""
    plan_id = new_id()
    plan, _ = LearningPlan.create(cmd, plan_id=plan_id, at=clock.now())  # PlanError
    preview = await find_slots(plan, calendar=calendar, directory=directory, rights=rights)
    require_allowed(preview)
    require_working_hours(preview)
    await create_plan(cmd, uow=uow(), clock=clock, new_id=lambda: plan_id)
    return preview


async def redraft_plan(
    cmd: EditPlan,
    *,
    uow: Callable[[], UnitOfWork],
    calendar: Calendar,
    directory: Directory,
    clock: Clock,
    rights: PlanningRights,
) -> PlanPreview:
    """Edits the plan when the owner may plan for every member and someone can be booked in
    its new window; returns the preview of the new revision. Booked series follow the edit
    (see `plan_changes.edit_plan`)."""
    async with uow() as tx:
        plan = await tx.plans.get(cmd.plan_id)
    if plan is None:
        raise UnknownPlan(cmd.plan_id)
    edited, _ = plan.edit(cmd, at=clock.now())  # PlanNotOwned, PlanAlreadyCancelled, PlanError
    preview = await find_slots(edited, calendar=calendar, directory=directory, rights=rights)
    require_allowed(preview)
    require_working_hours(preview)
    await edit_plan(cmd, uow=uow(), clock=clock)  # PlanBookingInProgress while jobs run
    return preview


async def plan_to_edit(plan_id: str, by: str, *, uow: UnitOfWork) -> LearningPlan:
    """The plan as its owner may change it (PlanNotOwned for anyone else)."""
    async with uow:
        plan = await uow.plans.get(plan_id)
    if plan is None:
        raise UnknownPlan(plan_id)
    if plan.owner_id != by:
        raise PlanNotOwned()
    if plan.status is PlanStatus.CANCELLED:
        raise PlanAlreadyCancelled()
    return plan


def require_allowed(preview: PlanPreview) -> None:
    """MembersNotAllowed naming everyone the owner may not plan for: a draft is all or
    nothing, so the manager changes the members rather than books some of them."""
    refused = [m.member_id for m in preview.members if m.problem is MemberFailure.NOT_ALLOWED]
    if refused:
        raise MembersNotAllowed(refused)


def require_working_hours(preview: PlanPreview) -> None:
    """WindowOutsideWorkingHours when nobody with a calendar has working hours in the window."""
    if preview.bookable:  # in team mode too: members who can attend have the slot
        return
    problems = [m.problem for m in preview.members if m.problem not in _NOT_ABOUT_HOURS]
    if problems and all(p is MemberFailure.OUTSIDE_WORKING_HOURS for p in problems):
        raise WindowOutsideWorkingHours()

