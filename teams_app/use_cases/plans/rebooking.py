"""Rebooking after an edit that moves time: new slots for the new revision, series replaced
from the edit on.

`rebook_plan` (one job per edit) finds the slots and queues one `replace_member_slot` per
member, or one for a team meeting. A replacement creates the new series first, with the new
revision's transactionId so a re-run never makes two, and only then ends the older ones, so a
403 or 404 half-way leaves the member with their old time rather than none.

An edit changes only the future: the new series starts with its first session after the edit
that the older series did not already give (`series_since`, kept as `BookedSlot.since`), and
an older series is ended on the last day it had a session
before then (its range's endDate), not deleted, so the sessions that took place stay in the
calendar and in the kept and booked hours; its stored sessions from the edit on are forgotten
(the new series holds them). A series with no session before the edit is deleted (a meeting:
cancelled), as before. Members who left the source get a release job (`membership.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from enum import StrEnum

from teams_app.domain.bookings import (
    OUT_OF_PLAN,
    BookedSlot,
    MemberFailure,
    MemberState,
    SlotState,
    progress_of,
)
from teams_app.domain.cadences import MAX_HORIZON
from teams_app.domain.calendar import CalendarEvent, EventChanges, TimeSpan
from teams_app.domain.learning_plans import LearningPlan, PlanMode, PlanStatus
from teams_app.domain.occurrence_records import SlotRef
from teams_app.domain.occurrences import occurrence_key
from teams_app.domain.plan_errors import NoMembers
from teams_app.domain.planners import PlanningRights
from teams_app.domain.slot_events import (
    TEAM_SESSION_MEMBER,
    series_since,
    slot_event_draft,
    slot_transaction_id,
)
from teams_app.domain.slots import SlotTime, last_day_before
from teams_app.ports import (
    Calendar,
    Clock,
    Directory,
    GraphForbidden,
    GraphNotFound,
    GraphRejected,
    GraphThrottled,
    GraphUnavailable,
    UnitOfWork,
)
from teams_app.use_cases.plans.event_texts import slot_texts
from teams_app.use_cases.plans.membership import RELEASE_MEMBER
from teams_app.use_cases.plans.planning import find_slots, left_members
from teams_app.use_cases.plans.reads import PlanPreview, UnknownPlan
from teams_app.use_cases.plans.team_sessions import (
    PERMANENT_FAILURES,
    BookTeamSession,
    SessionOutcome,
    book_team_session_job,
    cancel_meeting,
)

REBOOK_PLAN = "plans.rebook_plan"  # job kinds
REPLACE_MEMBER_SLOT = "plans.replace_member_slot"


class ChangeOutcome(StrEnum):
    REPLACED = "replaced"  # new series booked (old ones removed)
    UPDATED = "updated"
    REMOVED = "removed"  # no new slot: the old series were removed
    MISSING = "missing"  # the series is gone from the calendar already
    SKIPPED = "skipped"  # a newer edit or a cancel took over
    FAILED = "failed"


async def rebook_plan(
    plan_id: str,
    revision: int,
    *,
    uow: Callable[[], UnitOfWork],
    calendar: Calendar,
    directory: Directory,
    clock: Clock,
    run_key: str,
    rights: PlanningRights,
) -> int:
    """The job after an edit: find slots for the new revision and queue one replacement per
    member (team plans: one for the meeting). Returns the jobs queued."""
    async with uow() as tx:
        plan = await tx.plans.get(plan_id)
        leavers = await left_members(tx, plan_id)
    if plan is None:
        raise UnknownPlan(plan_id)
    if plan.revision != revision or plan.status is PlanStatus.CANCELLED:
        return 0
    try:
        preview = await find_slots(plan, calendar=calendar, directory=directory, rights=rights,
                                   leavers=leavers)
    except NoMembers:
        preview = PlanPreview(plan.id, plan.revision, ())  # everyone left: release them all
    at = clock.now()
    queued = 0
    async with uow() as tx:
        current = await tx.plans.get(plan_id)
        if current is None or current.revision != revision:
            return 0
        # Each member's series the edit replaces: its sessions before the edit stay, and the
        # new series continues after them (series_since).
        replaced = {
            s.member_id: s.slot_time
            for s in sorted(await tx.plans.slots(plan_id), key=lambda s: s.revision)
            if s.revision < revision and s.state is SlotState.BOOKED
        }
        present = {m.member_id for m in preview.members}
        for member in await tx.plans.members(plan_id):
            if member.member_id not in present and member.state not in OUT_OF_PLAN:
                queued += await _queued(
                    tx, RELEASE_MEMBER, {"plan_id": plan_id, "member_id": member.member_id},
                    f"release:{plan_id}:{member.member_id}:{run_key}",
                )
        team = preview.team_session
        owner = replaced.get(plan.owner_id)
        since = {
            m.member_id: series_since(plan, m.slot, plan.updated_at, replaced.get(m.member_id))
            for m in preview.members
            if m.slot is not None
        }
        for member in preview.members:
            if member.slot is None or (team is None and since.get(member.member_id) is None):
                failure = member.problem or MemberFailure.NO_FREE_TIME  # none left: no time
                await tx.plans.set_member(
                    plan_id, member.member_id, MemberState.FAILED, at=at, failure=failure
                )
            else:
                await tx.plans.set_member(plan_id, member.member_id, MemberState.PENDING, at=at)
        if team is not None:
            meeting = None
            if team.slot is not None and preview.bookable:
                meeting = series_since(plan, team.slot, plan.updated_at, owner)
            if team.slot is not None and meeting is not None:
                slot = _slot(plan, plan.owner_id, team.slot, meeting, team=True)
                await tx.plans.plan_slot(slot, at=at)
            queued += await _replacement(tx, plan, plan.owner_id)  # no time: the old goes
        else:
            for member in preview.members:
                first = since.get(member.member_id)
                if member.slot is not None and first is not None:
                    slot = _slot(plan, member.member_id, member.slot, first)
                    await tx.plans.plan_slot(slot, at=at)
                # Also without a new slot: the old series must not stay at the old time.
                queued += await _replacement(tx, plan, member.member_id)
        # Older series nobody above replaces (the mode changed, or the member has no slot
        # now): their replacement job only removes them.
        replaced = {plan.owner_id} if team is not None else {m.member_id for m in preview.members}
        for old in await tx.plans.slots(plan_id):
            if old.revision < revision and old.state is not SlotState.CANCELLED:
                if old.member_id not in replaced:
                    replaced.add(old.member_id)
                    queued += await _replacement(tx, plan, old.member_id)
        members = await tx.plans.members(plan_id)
        await tx.plans.save_progress(progress_of(plan_id, revision, members, at=at))
        await tx.commit()
    return queued


async def replace_member_slot(
    plan_id: str,
    member_id: str,
    revision: int,
    *,
    uow: Callable[[], UnitOfWork],
    calendar: Calendar,
    directory: Directory,
    clock: Clock,
    last_attempt: bool = False,
) -> ChangeOutcome:
    """One member's (or the team meeting's) replacement: book the new revision's series,
    then remove the older ones. Idempotent: each step is skipped once done."""
    async with uow() as tx:
        plan = await tx.plans.get(plan_id)
        slots = [s for s in await tx.plans.slots(plan_id) if s.member_id == member_id]
    if plan is None:
        raise UnknownPlan(plan_id)
    if plan.revision != revision or plan.status is PlanStatus.CANCELLED:
        return ChangeOutcome.SKIPPED
    new = next((s for s in slots if s.revision == revision), None)
    team = plan.spec.mode is PlanMode.TEAM_SESSION
    outcome = ChangeOutcome.REMOVED
    if new is not None and new.state is SlotState.PLANNED:
        if team:
            meeting = await book_team_session_job(
                BookTeamSession(plan_id, revision, last_attempt),
                uow=uow, calendar=calendar, directory=directory, clock=clock,
            )
            if meeting is SessionOutcome.FAILED:
                return ChangeOutcome.FAILED  # the old meeting stays
            if meeting not in (SessionOutcome.BOOKED, SessionOutcome.ALREADY_BOOKED):
                return ChangeOutcome.SKIPPED
        else:
            replaced = await _book_member(plan, new, uow, calendar, clock, last_attempt)
            if replaced is not ChangeOutcome.REPLACED:
                return replaced
        outcome = ChangeOutcome.REPLACED
    elif new is not None and new.state is SlotState.BOOKED:
        outcome = ChangeOutcome.REPLACED
    cut = plan.updated_at  # the edit: the older series keep what they had before it
    for old in slots:
        if old.revision >= revision or old.state is SlotState.CANCELLED:
            continue
        if old.state is SlotState.BOOKED and old.event_id:
            await _end_series(calendar, member_id, old, cut, meeting=_is_meeting(plan, old))
        async with uow() as tx:
            await tx.plans.mark_slot(old, SlotState.CANCELLED, at=clock.now())
            await tx.occurrences.forget_occurrences(
                SlotRef(plan_id, member_id, old.revision), from_key=occurrence_key(cut)
            )
            await tx.commit()
    return outcome


async def _end_series(
    calendar: Calendar, mailbox: str, old: BookedSlot, cut: datetime, *, meeting: bool
) -> None:
    """End an older revision's series on its last day with a session before `cut`: a PATCH of
    the series master's recurrence range (Graph takes pattern and range together, so the rule
    is read first). Occurrences up to then stay, with their deletions and moves; a meeting's
    attendees get the update. A series with no session before `cut` is removed instead."""
    assert old.event_id is not None
    last_day = last_day_before(old.slot_time, cut)
    try:
        master = await calendar.event(mailbox, old.event_id)
    except GraphNotFound:
        return  # gone already
    rule = master.recurrence
    if rule is None or last_day < rule.start_date:
        if meeting:  # attendees get the cancellation
            await cancel_meeting(calendar, mailbox, old.event_id)
        else:
            await _delete(calendar, mailbox, old.event_id)
        return
    if rule.end_date is not None and rule.end_date <= last_day:
        return  # ends by then already (ended by a run before this one)
    if rule.count is not None and not await _has_sessions_from(calendar, mailbox, master, cut):
        return  # its count ran out before the edit: an end date would only lengthen it
    try:
        await calendar.update_event(
            mailbox,
            old.event_id,
            EventChanges(
                recurrence=replace(rule, end_date=last_day, count=None), time_zone=old.time_zone
            ),
        )
    except GraphNotFound:
        pass  # deleted while we read it


async def _has_sessions_from(
    calendar: Calendar, mailbox: str, master: CalendarEvent, cut: datetime
) -> bool:
    window = TimeSpan(cut, cut + MAX_HORIZON)  # a series is no longer than a plan
    return bool(await calendar.series_instances(mailbox, master.id, window))


async def _book_member(
    plan: LearningPlan,
    slot: BookedSlot,
    uow: Callable[[], UnitOfWork],
    calendar: Calendar,
    clock: Clock,
    last_attempt: bool,
) -> ChangeOutcome:
    member_id = slot.member_id
    try:
        language = (await calendar.mailbox_settings(member_id)).language
        draft = slot_event_draft(
            plan, member_id, slot.slot_time, texts=slot_texts(language), since=slot.since
        )
        event = await calendar.create_event(member_id, draft)
    except (GraphNotFound, GraphForbidden, GraphRejected) as error:
        await _fail(plan, member_id, PERMANENT_FAILURES[type(error)], uow, clock)
        return ChangeOutcome.FAILED  # the old series stays: better the old time than none
    except (GraphThrottled, GraphUnavailable):
        if not last_attempt:
            raise
        await _fail(plan, member_id, MemberFailure.UNAVAILABLE, uow, clock)
        return ChangeOutcome.FAILED
    at = clock.now()
    async with uow() as tx:
        current = await tx.plans.get(plan.id)
        cancelled = current is None or current.status is PlanStatus.CANCELLED
        state = SlotState.CANCELLED if cancelled else SlotState.BOOKED
        await tx.plans.mark_slot(slot, state, at=at, event_id=event.id)
        if not cancelled and await tx.plans.move_member(
            plan.id, member_id, from_state=MemberState.PENDING, to_state=MemberState.BOOKED, at=at
        ):
            await tx.plans.count_progress(plan.id, plan.revision, done=1, at=at)
        await tx.commit()
    if cancelled:  # cancelled while we were creating it: the cancel jobs took the rest
        await _delete(calendar, member_id, event.id)
        return ChangeOutcome.SKIPPED
    return ChangeOutcome.REPLACED


async def _fail(
    plan: LearningPlan,
    member_id: str,
    failure: MemberFailure,
    uow: Callable[[], UnitOfWork],
    clock: Clock,
) -> None:
    at = clock.now()
    async with uow() as tx:
        if await tx.plans.move_member(
            plan.id, member_id, from_state=MemberState.PENDING, to_state=MemberState.FAILED,
            at=at, failure=failure,
        ):
            await tx.plans.count_progress(plan.id, plan.revision, failed=1, at=at)
        await tx.commit()


# --- internals -------------------------------------------------------------------------------


def _slot(
    plan: LearningPlan, member_id: str, slot: SlotTime, since: datetime, *, team: bool = False
) -> BookedSlot:
    key = TEAM_SESSION_MEMBER if team else member_id
    return BookedSlot(
        plan.id,
        member_id,
        plan.revision,
        slot_transaction_id(plan.id, key, plan.revision),
        slot.days,
        slot.start,
        slot.time_zone,
        since=since,  # the sessions before stay with the replaced series
    )


def _is_meeting(plan: LearningPlan, slot: BookedSlot) -> bool:
    """Whether a stored slot is a team meeting, whatever the plan's mode is now."""
    return slot.transaction_id == slot_transaction_id(plan.id, TEAM_SESSION_MEMBER, slot.revision)


async def _replacement(tx: UnitOfWork, plan: LearningPlan, member_id: str) -> int:
    return await _queued(
        tx,
        REPLACE_MEMBER_SLOT,
        {"plan_id": plan.id, "member_id": member_id, "revision": plan.revision},
        f"replace:{plan.id}:{plan.revision}:{member_id}",
    )


async def _queued(tx: UnitOfWork, kind: str, payload: dict[str, object], key: str) -> int:
    return int(await tx.jobs.enqueue(kind, dict(payload), idempotency_key=key) is not None)


async def _delete(calendar: Calendar, mailbox: str, event_id: str) -> None:
    try:
        await calendar.delete_event(mailbox, event_id)
    except GraphNotFound:
        pass  # gone already

