"""A member leaves a plan (DESIGN.md section 7: a person can leave a plan).

Only the member themself may leave, from their booked card or the members' view; the owner
cancels instead. The member is recorded LEFT first, in the transaction that closes their
slots and queues the owner's card and a later sweep: from then on no reconcile, rebook or Book
finds a slot for them, though they are still in the group or the owner's reports. Their series
are deleted after that commit; what Graph does not let us delete now (throttled, down), or a
create that was still in flight, the queued sweep removes (`sweep_member_series` sweeps a
member who left a live plan).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from teams_app.domain.bookings import OUT_OF_PLAN, MemberState, SlotState
from teams_app.domain.learning_plans import LearningPlan, PlanMode, PlanStatus
from teams_app.domain.messages import OutboundMessage
from teams_app.domain.occurrence_records import SlotRef
from teams_app.domain.plan_errors import (
    MemberAlreadyLeft,
    NotTheMember,
    OwnerCannotLeave,
    PlanAlreadyCancelled,
)
from teams_app.ports import (
    Calendar,
    Clock,
    Directory,
    GraphError,
    GraphNotFound,
    UnitOfWork,
)
from teams_app.use_cases.member_cards import CardOutcome, deliver_member_card
from teams_app.use_cases.plans.booking import sweep_member_series
from teams_app.use_cases.plans.changes import PlanBookingInProgress
from teams_app.use_cases.plans.planning import SWEEP_AFTER, SWEEP_MEMBER_SERIES, UnknownPlan
from teams_app.use_cases.plans.reads import known_person
from teams_app.use_cases.plans.team_sessions import update_attendees
from teams_app.use_cases.reach import PersonalChats

MEMBER_LEFT_CARD = "plans.member_left_card"  # job kind; payload: plan_id, member_id


@dataclass(frozen=True)
class LeavePlan:
    plan_id: str
    member_id: str  # whose learning time the card is about
    by: str  # who pressed Leave: only the member themself may
    revision: int | None  # the revision the card was made from; None: the current


@dataclass(frozen=True)
class LeftPlan:
    plan: LearningPlan
    removed: int  # series deleted from the member's calendar by this call


@dataclass(frozen=True)
class MemberLeftFacts:
    """What the owner's card says, before language."""

    plan: LearningPlan
    member_name: str | None = field(default=None, repr=False)


class MemberLeftRenderer(Protocol):
    def member_left(self, facts: MemberLeftFacts, locale: str | None) -> OutboundMessage: ...


def member_left_key(plan_id: str, member_id: str) -> str:
    return f"member-left:{plan_id}:{member_id}"


async def leave_plan(
    cmd: LeavePlan,
    *,
    uow: Callable[[], UnitOfWork],
    calendar: Calendar,
    clock: Clock,
    directory: Directory,
) -> LeftPlan:
    """NotTheMember (someone else, or a person not in the plan), OwnerCannotLeave,
    PlanAlreadyCancelled, MemberAlreadyLeft (a second press), PlanChanged (an older card),
    PlanBookingInProgress (their series is being made): each changes nothing. Leaving a team
    session takes the person off the meeting's invitation (Exchange removes their copy); a
    Graph error there changes nothing either, so Leave can be pressed again."""
    async with uow() as tx:
        plan = await tx.plans.get(cmd.plan_id)
        member = next(
            (m for m in await tx.plans.members(cmd.plan_id) if m.member_id == cmd.member_id),
            None,
        )
    if plan is None:
        raise UnknownPlan(cmd.plan_id)
    if cmd.by != cmd.member_id:
        raise NotTheMember()
    if plan.owner_id == cmd.member_id:
        raise OwnerCannotLeave()
    if plan.status is PlanStatus.CANCELLED:
        raise PlanAlreadyCancelled()
    if member is None:
        raise NotTheMember()
    if member.state in OUT_OF_PLAN:
        raise MemberAlreadyLeft()
    plan.require_revision(cmd.revision)
    if member.state is MemberState.PENDING:
        # Its booking job would create the series after our delete; leaving can wait a minute.
        raise PlanBookingInProgress(plan.id)
    if plan.spec.mode is PlanMode.TEAM_SESSION:
        await _uninvite(plan, cmd.member_id, uow=uow, calendar=calendar, directory=directory)
    at = clock.now()
    async with uow() as tx:
        if not await tx.plans.move_member(
            plan.id, cmd.member_id, from_state=member.state, to_state=MemberState.LEFT, at=at
        ):
            raise MemberAlreadyLeft()  # a second press that raced the first
        booked = member.state is MemberState.BOOKED
        await tx.plans.count_progress(
            plan.id, plan.revision, total=-1, done=-int(booked), failed=-int(not booked), at=at
        )
        slots = [
            s for s in await tx.plans.slots(plan.id)
            if s.member_id == cmd.member_id and s.state is not SlotState.CANCELLED
        ]
        for slot in slots:
            await tx.plans.mark_slot(slot, SlotState.CANCELLED, at=at)
        ids = {"plan_id": plan.id, "member_id": cmd.member_id}
        await tx.jobs.enqueue(
            SWEEP_MEMBER_SERIES, ids, run_at=at + SWEEP_AFTER,
            idempotency_key=f"sweep-left:{plan.id}:{cmd.member_id}",
        )
        await tx.jobs.enqueue(
            MEMBER_LEFT_CARD, ids, idempotency_key=member_left_key(plan.id, cmd.member_id)
        )
        await tx.commit()
    removed = 0
    try:
        for slot in slots:
            if slot.state is SlotState.BOOKED and slot.event_id:
                removed += await _delete(calendar, cmd.member_id, slot.event_id)
        # Recorded or not (a create whose answer was lost): every series with the plan's mark.
        removed += await sweep_member_series(
            plan.id, cmd.member_id, uow=uow, calendar=calendar
        )
    except GraphError:
        pass  # the member has left; the sweep queued above removes what is still there
    return LeftPlan(plan, removed)


async def send_member_left_card(
    plan_id: str,
    member_id: str,
    *,
    uow: Callable[[], UnitOfWork],
    chats: PersonalChats,
    renderer: MemberLeftRenderer,
    directory: Directory | None,
    clock: Clock,
) -> CardOutcome:
    """The owner's card "<name> left <goal>", in the owner's personal chat; no chat is
    recorded as a card miss of the plan."""
    async with uow() as tx:
        plan = await tx.plans.get(plan_id)
        member = next(
            (m for m in await tx.plans.members(plan_id) if m.member_id == member_id), None
        )
    if plan is None or member is None or member.state is not MemberState.LEFT:
        return CardOutcome.STALE
    name = None
    if directory is not None:
        try:
            name = (await directory.user(member_id)).display_name
        except GraphError:
            name = None  # the card says "A member" instead
    facts = MemberLeftFacts(plan, name)
    return await deliver_member_card(
        SlotRef(plan_id, member_id, plan.revision), member_left_key(plan_id, member_id),
        lambda locale: renderer.member_left(facts, locale),
        chats=chats, recipient=plan.owner_id,
    )


async def _uninvite(
    plan: LearningPlan,
    leaving: str,
    *,
    uow: Callable[[], UnitOfWork],
    calendar: Calendar,
    directory: Directory,
) -> None:
    """The meeting invites everyone still booked but `leaving`."""
    async with uow() as tx:
        meeting = next(
            (s for s in await tx.plans.slots(plan.id)
             if s.member_id == plan.owner_id and s.revision == plan.revision
             and s.state is SlotState.BOOKED and s.event_id),
            None,
        )
        staying = [m.member_id for m in await tx.plans.members(plan.id)
                   if m.state is MemberState.BOOKED and m.member_id != leaving]
    if meeting is None or meeting.event_id is None:
        raise PlanBookingInProgress(plan.id)  # its booking job invites from the members
    people = [p for p in await asyncio.gather(*(known_person(directory, m) for m in staying))
              if p is not None and p.mail]
    await update_attendees(calendar, plan.owner_id, meeting.event_id, people)


async def _delete(calendar: Calendar, mailbox: str, event_id: str) -> int:
    try:
        await calendar.delete_event(mailbox, event_id)
    except GraphNotFound:
        return 0  # deleted already (by the member, or by the sweep)
    return 1
