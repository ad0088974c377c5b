"""Drafting a plan from the plan card: check it against the calendars before it is stored.

The slot finder runs on the unsaved plan first, so a window that lies outside everyone's
working hours is answered on the card and leaves no plan behind that nobody can book.
"""

from __future__ import annotations

from collections.abc import Callable

from teams_app.domain.bookings import MemberFailure
from teams_app.domain.learning_plans import CreatePlan, EditPlan, LearningPlan
from teams_app.domain.plan_errors import PlanError
from teams_app.domain.planners import MembersNotAllowed, PlanningRights
from teams_app.ports import Calendar, Clock, Directory, UnitOfWork
from teams_app.use_cases.plans.changes import EditReceipt, edit_plan
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
    """The preview of an edit, when the owner may plan for every member: the slots the edited
    plan would get. Stores nothing and books nothing; the edit is applied by `save_edit` when
    the manager presses Save."""
    async with uow() as tx:
        plan = await tx.plans.get(cmd.plan_id)
    if plan is None:
        raise UnknownPlan(cmd.plan_id)
    # PlanNotOwned, PlanAlreadyCancelled, PlanChanged (the card's revision is old), PlanError
    edited, _ = plan.edit(cmd, at=clock.now())
    preview = await find_slots(edited, calendar=calendar, directory=directory, rights=rights)
    require_allowed(preview)
    require_working_hours(preview)
    return preview


async def save_edit(
    cmd: EditPlan,
    *,
    uow: Callable[[], UnitOfWork],
    calendar: Calendar,
    directory: Directory,
    clock: Clock,
    rights: PlanningRights,
) -> EditReceipt:
    """Applies an edit made from `cmd.base_revision`: texts are updated in place, a new time
    rebooks (see `plan_changes.edit_plan`). A new window is checked against the calendars
    first, as a preview would."""
    async with uow() as tx:
        plan = await tx.plans.get(cmd.plan_id)
    if plan is None:
        raise UnknownPlan(cmd.plan_id)
    edited, event = plan.edit(cmd, at=clock.now())  # as in redraft_plan
    if event.rebook:  # new members or times: the owner must still be allowed for everyone
        preview = await find_slots(edited, calendar=calendar, directory=directory, rights=rights)
        require_allowed(preview)
        require_working_hours(preview)
    # edit_plan checks the revision again inside its transaction: an edit saved meanwhile
    # makes this one PlanChanged rather than silently replacing it.
    return await edit_plan(cmd, uow=uow(), clock=clock)  # PlanBookingInProgress while jobs run


async def plan_to_edit(
    plan_id: str, by: str, *, uow: UnitOfWork, revision: int | None = None
) -> LearningPlan:
    """The plan as its owner may change it (PlanNotOwned for anyone else; PlanChanged when
    `revision` is older than the plan's)."""
    async with uow:
        plan = await uow.plans.get(plan_id)
    if plan is None:
        raise UnknownPlan(plan_id)
    plan.require_action_by(by, revision)
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

