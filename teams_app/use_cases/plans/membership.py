"""Membership changes: who joined or left a plan's member source since it was booked.

A reconcile (periodic for every active plan, and on demand after an edit) re-resolves the
group or the owner's direct reports through the Directory port. Personal plans book those who
joined through `book_plan` (which also reports anyone without a mailbox, outside the tenant
or without free time as failed with a code) and queue a release per member who left. Team
plans change the meeting's attendees in one update; Exchange invites the new and cancels
for the removed.

A release waits while the member's booking job is still queued or running (the member is
pending): deleting first and letting the job create the series afterwards would leave an
orphan, so the release job fails softly and the queue retries it after a back-off.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from teams_app.domain.bookings import (
    OUT_OF_PLAN,
    MemberFailure,
    MemberState,
    SlotState,
    progress_of,
)
from teams_app.domain.learning_plans import PlanMode, PlanStatus, member_changes
from teams_app.domain.planners import PlanningRights
from teams_app.ports import Calendar, Clock, Directory, GraphNotFound, UnitOfWork
from teams_app.use_cases.planners import not_allowed
from teams_app.use_cases.plans.booking import BookPlan, book_plan
from teams_app.use_cases.plans.reads import UnknownPlan, resolve_members
from teams_app.use_cases.plans.team_sessions import update_attendees

RECONCILE_MEMBERS = "plans.reconcile_members"  # job kinds
RECONCILE_ALL = "plans.reconcile_all"  # the periodic schedule: one reconcile per active plan
RELEASE_MEMBER = "plans.release_member"
RECONCILE_EVERY_SECONDS = 6 * 3600
BOOKED = MemberState.BOOKED


class MemberStillBooking(Exception):
    """Not a domain error on purpose: the job queue retries it after a back-off."""


@dataclass(frozen=True)
class Reconciled:
    joined: tuple[str, ...]
    left: tuple[str, ...]
    queued: int  # booking and release jobs queued
    gone: tuple[str, ...] = ()  # booked people who left the tenant: failed, outside_tenant

    def __str__(self) -> str:  # the job log line: counts, never ids of people
        return (
            f"joined={len(self.joined)} left={len(self.left)} gone={len(self.gone)} "
            f"queued={self.queued}"
        )


class ReleaseOutcome(StrEnum):
    RELEASED = "released"
    ALREADY = "already_released"


async def reconcile_all(*, uow: Callable[[], UnitOfWork], run_key: str) -> int:
    async with uow() as tx:
        plan_ids = await tx.plans.active_plan_ids()
        queued = 0
        for plan_id in plan_ids:
            job_id = await tx.jobs.enqueue(
                RECONCILE_MEMBERS, {"plan_id": plan_id},
                idempotency_key=f"reconcile:{plan_id}:{run_key}",
            )
            queued += job_id is not None
        await tx.commit()
    return queued


async def reconcile_members(
    plan_id: str,
    *,
    uow: Callable[[], UnitOfWork],
    calendar: Calendar,
    directory: Directory,
    clock: Clock,
    run_key: str,
    rights: PlanningRights,
) -> Reconciled:
    async with uow() as tx:
        plan = await tx.plans.get(plan_id)
        known = await tx.plans.members(plan_id)
    if plan is None:
        raise UnknownPlan(plan_id)
    if plan.status is PlanStatus.CANCELLED or not known:
        return Reconciled((), (), 0)  # cancelled, or not booked yet: nothing to follow
    people, unknown = await resolve_members(plan, directory)
    # A member who left the plan themself stays out though still in the group (or a report):
    # neither booked again nor released a second time.
    left = {m.member_id for m in known if m.state is MemberState.LEFT}
    people = [p for p in people if p.object_id not in left]
    unknown = [u for u in unknown if u not in left]
    current = [p.object_id for p in people] + unknown
    changes = member_changes(
        [m.member_id for m in known if m.state not in OUT_OF_PLAN], current
    )
    # Named people the directory no longer knows left the tenant, mailbox and all: reported.
    gone = tuple(m.member_id for m in known if m.member_id in unknown and m.state is BOOKED)
    if not changes.to_book and not changes.to_release and not gone:
        return Reconciled((), (), 0)
    at = clock.now()
    if plan.spec.mode is PlanMode.TEAM_SESSION:
        async with uow() as tx:
            slots = await tx.plans.slots(plan_id)
        meeting = next(
            (s for s in slots if s.revision == plan.revision and s.state is SlotState.BOOKED),
            None,
        )
        if meeting is None or not meeting.event_id:
            return Reconciled((), (), 0)  # its booking job is still to run; it invites them
        # A joiner the owner may not plan for is not invited (personal plans: book_plan checks).
        refused = set(await not_allowed(
            plan.owner_id, changes.to_book, directory=directory, rights=rights,
            group_id=plan.spec.members.group_id,
        ))
        invited = [p for p in people if p.mail and p.object_id not in refused]
        await update_attendees(calendar, plan.owner_id, meeting.event_id, invited)
        with_mail = {p.object_id for p in invited}
        async with uow() as tx:
            for member_id in changes.to_book:
                if member_id in refused:
                    await tx.plans.set_member(
                        plan_id, member_id, MemberState.FAILED, at=at,
                        failure=MemberFailure.NOT_ALLOWED,
                    )
                elif member_id in with_mail:
                    await tx.plans.set_member(plan_id, member_id, MemberState.BOOKED, at=at)
                else:
                    failure = (
                        MemberFailure.OUTSIDE_TENANT
                        if member_id in unknown
                        else MemberFailure.NO_MAILBOX
                    )
                    await tx.plans.set_member(
                        plan_id, member_id, MemberState.FAILED, at=at, failure=failure
                    )
            for member_id in changes.to_release:
                await tx.plans.set_member(plan_id, member_id, MemberState.RELEASED, at=at)
            for member_id in gone:
                await tx.plans.set_member(
                    plan_id, member_id, MemberState.FAILED, at=at,
                    failure=MemberFailure.OUTSIDE_TENANT,
                )
            members = await tx.plans.members(plan_id)
            await tx.plans.save_progress(progress_of(plan_id, plan.revision, members, at=at))
            await tx.commit()
        return Reconciled(changes.to_book, changes.to_release, 0, gone)
    queued = 0
    async with uow() as tx:
        await _left_the_tenant(tx, plan.id, plan.revision, gone, at=at)
        for member_id in changes.to_release:
            job_id = await tx.jobs.enqueue(
                RELEASE_MEMBER, {"plan_id": plan_id, "member_id": member_id},
                idempotency_key=f"release:{plan_id}:{member_id}:{run_key}",
            )
            queued += job_id is not None
        await tx.commit()
    if changes.to_book:
        started = await book_plan(
            BookPlan(plan_id, plan.owner_id),
            uow=uow, calendar=calendar, directory=directory, clock=clock, rights=rights,
        )
        queued += started.queued
    return Reconciled(changes.to_book, changes.to_release, queued, gone)


async def release_member(
    plan_id: str,
    member_id: str,
    *,
    uow: Callable[[], UnitOfWork],
    calendar: Calendar,
    clock: Clock,
) -> ReleaseOutcome:
    """The job for a member who left: their series are removed and they are released."""
    async with uow() as tx:
        plan = await tx.plans.get(plan_id)
        member = next((m for m in await tx.plans.members(plan_id) if m.member_id == member_id),
                      None)
        slots = [s for s in await tx.plans.slots(plan_id) if s.member_id == member_id]
    if plan is None:
        raise UnknownPlan(plan_id)
    if member is None or member.state in OUT_OF_PLAN:
        return ReleaseOutcome.ALREADY
    if member.state is MemberState.PENDING:
        raise MemberStillBooking(plan_id)
    # In a team plan the member has no series of their own (the owner's slot is the meeting,
    # which must stay for the others); leaving the invite list is the reconcile's update.
    personal = plan.spec.mode is PlanMode.PERSONAL
    for slot in slots if personal else ():
        if slot.state is SlotState.BOOKED and slot.event_id:
            try:
                await calendar.delete_event(member_id, slot.event_id)
            except GraphNotFound:
                pass  # deleted already, or the mailbox went with the person
    at = clock.now()
    async with uow() as tx:
        for slot in slots if personal else ():
            if slot.state is not SlotState.CANCELLED:
                await tx.plans.mark_slot(slot, SlotState.CANCELLED, at=at)
        if await tx.plans.move_member(
            plan_id, member_id, from_state=member.state, to_state=MemberState.RELEASED, at=at
        ):  # relative counts: booking jobs of the same run may be counting right now
            booked = member.state is MemberState.BOOKED
            await tx.plans.count_progress(
                plan_id, plan.revision, total=-1, done=-int(booked), failed=-int(not booked),
                at=at,
            )
        await tx.commit()
    return ReleaseOutcome.RELEASED


async def _left_the_tenant(
    tx: UnitOfWork, plan_id: str, revision: int, gone: Sequence[str], *, at: datetime
) -> None:
    """Their series went with their mailbox: nothing to delete, their slots are closed and
    they count as failed instead of booked."""
    for slot in await tx.plans.slots(plan_id):
        if slot.member_id in gone and slot.state is not SlotState.CANCELLED:
            await tx.plans.mark_slot(slot, SlotState.CANCELLED, at=at)
    for member_id in gone:
        if await tx.plans.move_member(
            plan_id, member_id, from_state=BOOKED, to_state=MemberState.FAILED, at=at,
            failure=MemberFailure.OUTSIDE_TENANT,
        ):
            await tx.plans.count_progress(plan_id, revision, done=-1, failed=1, at=at)
