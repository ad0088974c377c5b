"""Booking a plan: calendars are read and slots found chunk by chunk, and each chunk's jobs
create its series while later calendars are still being read (pipeline.py).

`book_plan` plans each member's slot and queues one `plans.book_member_slots` job per chunk of
up to 20 members (slot_booking.py: one Graph $batch each), in the transaction that marks them
pending. Idempotent at every level: re-running it skips members that are pending or booked, and
one whose job failed for good under this revision; a job only sends slots still planned; and
each event's transactionId comes from plan, member and revision, so a job that created a series
and died before recording it makes Graph answer the re-run with the same event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from teams_app.domain.bookings import (
    BookingProgress,
    MemberFailure,
    MemberState,
    SlotState,
)
from teams_app.domain.learning_plans import PlanMode, PlanStatus
from teams_app.domain.plan_errors import PlanAlreadyCancelled, PlanNotOwned
from teams_app.domain.planners import PlanningRights
from teams_app.domain.slot_events import slot_event_draft, slot_marker
from teams_app.ports import (
    Calendar,
    Clock,
    Directory,
    GraphError,
    GraphForbidden,
    GraphNotFound,
    GraphRejected,
    GraphThrottled,
    GraphUnavailable,
    UnitOfWork,
)
from teams_app.use_cases.plans.pipeline import CHUNK, ReadFailure, Started, book_in_chunks
from teams_app.use_cases.plans.planning import (
    MemberPreview,
    UnknownPlan,
    left_members,
    plan_people,
)
from teams_app.use_cases.plans.team_sessions import book_team_session

# The job kind of one member per job. `book_plan` now queues chunks (slot_booking.py); this
# kind stays served for jobs queued before that.
BOOK_MEMBER_SLOT = "plans.book_member_slot"

_PERMANENT: dict[type[GraphError], MemberFailure] = {
    GraphNotFound: MemberFailure.NO_MAILBOX,
    GraphForbidden: MemberFailure.FORBIDDEN,
    GraphRejected: MemberFailure.REJECTED,
}


@dataclass(frozen=True)
class BookPlan:
    plan_id: str
    by: str  # only the owner books
    revision: int | None = None  # the revision Book was pressed on; None: the current
    # Reading calendars failed after the run started (pipeline.py): raise and leave the run
    # to the caller's retry, settle the rest as failed, or take them out of the run.
    on_failure: ReadFailure = ReadFailure.UNDO


@dataclass(frozen=True)
class BookingStarted:
    plan_id: str
    revision: int
    queued: int  # members queued for booking by this call (0 on a re-run with nothing new)
    problems: tuple[MemberPreview, ...]  # members that cannot be booked, with their code
    progress: BookingProgress  # the run's latest
    stopped: bool = False  # cancelled or edited while booking: later members were not queued


@dataclass(frozen=True)
class BookMemberSlot:
    plan_id: str
    member_id: str
    revision: int
    last_attempt: bool = False  # throttled on the last try: record the member as failed


class SlotOutcome(StrEnum):
    BOOKED = "booked"
    ALREADY_BOOKED = "already_booked"
    SKIPPED = "skipped"  # the plan was cancelled or edited since the job was queued
    FAILED = "failed"


async def book_plan(
    cmd: BookPlan,
    *,
    uow: Callable[[], UnitOfWork],
    calendar: Calendar,
    directory: Directory,
    clock: Clock,
    rights: PlanningRights,
    started: Started | None = None,
    chunk: int = CHUNK,
) -> BookingStarted:
    """Members the owner may no longer plan for (moved to another manager, or left the
    owner's group) are recorded as NOT_ALLOWED and nothing is booked for them. Personal plans
    are read, planned and queued `chunk` members at a time (pipeline.py); `started` runs in
    the transaction that starts the run, before any calendar is read."""
    async with uow() as tx:
        plan = await tx.plans.get(cmd.plan_id)
        leavers = await left_members(tx, cmd.plan_id)
    if plan is None:
        raise UnknownPlan(cmd.plan_id)
    if plan.owner_id != cmd.by:
        raise PlanNotOwned()
    plan.require_revision(cmd.revision)  # PlanChanged: Book on an older card books nothing
    if plan.spec.mode is PlanMode.TEAM_SESSION:  # one meeting, not a series per member
        team = await book_team_session(
            plan, uow=uow, calendar=calendar, directory=directory, clock=clock, rights=rights
        )
        return BookingStarted(plan.id, plan.revision, team.queued, team.problems, team.progress)
    if plan.status is PlanStatus.CANCELLED:
        raise PlanAlreadyCancelled()
    who = await plan_people(plan, directory=directory, rights=rights, leavers=leavers)
    run = await book_in_chunks(
        plan, who, uow=uow, calendar=calendar, clock=clock, started=started,
        on_failure=cmd.on_failure, chunk=chunk,
    )
    return BookingStarted(
        plan.id, plan.revision, run.queued, tuple(run.problems), run.progress, run.stopped
    )


async def book_member_slot(
    cmd: BookMemberSlot, *, uow: Callable[[], UnitOfWork], calendar: Calendar, clock: Clock
) -> SlotOutcome:
    """The job: create the member's series, record it, count it. GraphThrottled and
    GraphUnavailable propagate (the job retries) except on the last attempt."""
    async with uow() as tx:
        plan = await tx.plans.get(cmd.plan_id)
        slot = await tx.plans.slot(cmd.plan_id, cmd.member_id, cmd.revision)
    if plan is None:
        raise UnknownPlan(cmd.plan_id)
    if slot is None or plan.revision != cmd.revision or plan.status is PlanStatus.CANCELLED:
        return SlotOutcome.SKIPPED
    if slot.state is not SlotState.PLANNED:
        return SlotOutcome.ALREADY_BOOKED if slot.state is SlotState.BOOKED else SlotOutcome.SKIPPED
    draft = slot_event_draft(plan, cmd.member_id, slot.slot_time)
    try:
        event = await calendar.create_event(cmd.member_id, draft)
    except (GraphNotFound, GraphForbidden, GraphRejected) as error:
        await _fail(cmd, uow, _PERMANENT[type(error)], clock)
        return SlotOutcome.FAILED
    except (GraphThrottled, GraphUnavailable):
        if not cmd.last_attempt:
            raise
        await _fail(cmd, uow, MemberFailure.UNAVAILABLE, clock)
        return SlotOutcome.FAILED
    at = clock.now()
    async with uow() as tx:
        current = await tx.plans.get(cmd.plan_id)
        cancelled = current is None or current.status is PlanStatus.CANCELLED
        state = SlotState.CANCELLED if cancelled else SlotState.BOOKED
        await tx.plans.mark_slot(slot, state, at=at, event_id=event.id)
        if not cancelled and await tx.plans.move_member(
            cmd.plan_id,
            cmd.member_id,
            from_state=MemberState.PENDING,
            to_state=MemberState.BOOKED,
            at=at,
        ):
            await tx.plans.count_progress(cmd.plan_id, cmd.revision, done=1, at=at)
        await tx.commit()
    if cancelled:  # cancelled while we were creating it: take it out again
        await _delete_series(calendar, cmd.member_id, event.id)
        return SlotOutcome.SKIPPED
    return SlotOutcome.BOOKED


async def cancel_member_slot(
    plan_id: str,
    member_id: str,
    revision: int,
    *,
    uow: Callable[[], UnitOfWork],
    calendar: Calendar,
    clock: Clock,
) -> bool:
    """The job behind `cancel_plan`: removes one member's series. True when one was removed."""
    async with uow() as tx:
        slot = await tx.plans.slot(plan_id, member_id, revision)
    if slot is None or slot.state is SlotState.CANCELLED:
        return False
    removed = False
    if slot.state is SlotState.BOOKED and slot.event_id:
        # The member organises their own series and nobody is invited: deleting it is the
        # cancellation (cancelEvent is for meetings with attendees).
        removed = await _delete_series(calendar, member_id, slot.event_id)
    # A series whose create answer was lost was never recorded as booked: the calendar knows.
    removed = await sweep_member_series(plan_id, member_id, uow=uow, calendar=calendar) > 0 \
        or removed
    at = clock.now()
    async with uow() as tx:
        await tx.plans.mark_slot(slot, SlotState.CANCELLED, at=at)
        await tx.plans.move_member(
            plan_id, member_id, from_state=MemberState.BOOKED, to_state=MemberState.RELEASED, at=at
        )
        await tx.commit()
    return removed


async def sweep_member_series(
    plan_id: str, member_id: str, *, uow: Callable[[], UnitOfWork], calendar: Calendar
) -> int:
    """Deletes every series a cancelled plan made in the member's calendar, of any revision,
    recorded or not, found by the product's mark on it. Nothing while the plan is live: its
    series are the member's booked time, unless the member left the plan themself. Returns how
    many were deleted."""
    async with uow() as tx:
        plan = await tx.plans.get(plan_id)
        left = member_id in await left_members(tx, plan_id)
    if plan is not None and plan.status is not PlanStatus.CANCELLED and not left:
        return 0
    marked = await calendar.marked_series(member_id, slot_marker(plan_id, member_id))
    deleted = 0
    for event in marked:
        deleted += await _delete_series(calendar, member_id, event.id)
    return deleted


async def _delete_series(calendar: Calendar, mailbox: str, event_id: str) -> bool:
    try:
        await calendar.delete_event(mailbox, event_id)
    except GraphNotFound:
        return False  # deleted already (by the member, or by an earlier run of this job)
    return True


async def _fail(
    cmd: BookMemberSlot, uow: Callable[[], UnitOfWork], failure: MemberFailure, clock: Clock
) -> None:
    at = clock.now()
    async with uow() as tx:
        if await tx.plans.move_member(
            cmd.plan_id,
            cmd.member_id,
            from_state=MemberState.PENDING,
            to_state=MemberState.FAILED,
            at=at,
            failure=failure,
        ):
            await tx.plans.count_progress(cmd.plan_id, cmd.revision, failed=1, at=at)
        await tx.commit()
