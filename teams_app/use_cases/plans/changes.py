"""Editing a plan: a new revision, and booked series that follow it.

Only texts changed (goal, material, category, show-as): each booked series is updated in place
(PATCH on the series master), one job per series. Times, cadence, duration, window, horizon,
members or mode changed: `rebook_plan` (rebooking.py) finds new slots for the new revision
and replaces each series, or the team meeting, in jobs.

An edit is refused while some member's booking job is still queued or running: that job books
the old revision, and racing it could leave a member with two series.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from teams_app.domain.bookings import (
    OUT_OF_PLAN,
    BookingProgress,
    MemberState,
    RunState,
    SlotState,
)
from teams_app.domain.calendar import EventChanges
from teams_app.domain.errors import DomainError
from teams_app.domain.learning_plans import EditPlan, PlanMode, PlanStatus
from teams_app.domain.slot_events import slot_event_draft, team_session_draft
from teams_app.ports import (
    Calendar,
    Clock,
    GraphForbidden,
    GraphNotFound,
    GraphRejected,
    UnitOfWork,
)
from teams_app.use_cases.plans.event_texts import slot_texts
from teams_app.use_cases.plans.membership import RECONCILE_MEMBERS
from teams_app.use_cases.plans.reads import UnknownPlan
from teams_app.use_cases.plans.rebooking import REBOOK_PLAN, ChangeOutcome

UPDATE_SLOT_TEXTS = "plans.update_slot_texts"  # job kind


class PlanBookingInProgress(DomainError):
    """Some member's booking job is still queued or running; edit when it has finished."""

    code = "plan_booking_in_progress"


@dataclass(frozen=True)
class EditReceipt:
    plan_id: str
    revision: int
    rebook: bool  # new slots are being found; else only the texts of booked series change
    queued: int  # jobs queued by the edit


async def edit_plan(cmd: EditPlan, *, uow: UnitOfWork, clock: Clock) -> EditReceipt:
    at = clock.now()
    queued = 0
    async with uow:
        plan = await uow.plans.get(cmd.plan_id)
        if plan is None:
            raise UnknownPlan(cmd.plan_id)
        edited, event = plan.edit(cmd, at=at)  # PlanNotOwned, PlanAlreadyCancelled, PlanError
        members = await uow.plans.members(plan.id)
        if any(m.state is MemberState.PENDING for m in members):
            raise PlanBookingInProgress(plan.id)
        await uow.plans.save(edited)
        booked = [s for s in await uow.plans.slots(plan.id) if s.state is SlotState.BOOKED]
        counted = [m for m in members if m.state not in OUT_OF_PLAN]
        if event.rebook and counted:
            queued += await _queued(
                uow, REBOOK_PLAN, {"plan_id": plan.id, "revision": edited.revision},
                f"rebook:{plan.id}:{edited.revision}",
            )
            await uow.plans.save_progress(
                BookingProgress(plan.id, edited.revision, len(counted), updated_at=at)
            )
        elif counted:
            for slot in booked:
                queued += await _queued(
                    uow,
                    UPDATE_SLOT_TEXTS,
                    {
                        "plan_id": plan.id,
                        "member_id": slot.member_id,
                        "slot_revision": slot.revision,
                        "revision": edited.revision,
                    },
                    f"texts:{plan.id}:{edited.revision}:{slot.member_id}:{slot.revision}",
                )
            # This run counts series updated in place (update_slot_texts), so the card can say
            # how many follow the edit; members and their states do not change.
            await uow.plans.save_progress(BookingProgress(
                plan.id, edited.revision, len(booked), updated_at=at,
                state=RunState.RUNNING if booked else RunState.FINISHED,
            ))
            # The member source may have changed since the last run (on demand after an edit).
            queued += await _queued(
                uow, RECONCILE_MEMBERS, {"plan_id": plan.id},
                f"reconcile:{plan.id}:edit:{edited.revision}",
            )
        await uow.commit()
    return EditReceipt(plan.id, edited.revision, event.rebook, queued)


# --- texts only ------------------------------------------------------------------------------


async def update_slot_texts(
    plan_id: str,
    member_id: str,
    slot_revision: int,
    revision: int,
    *,
    uow: Callable[[], UnitOfWork],
    calendar: Calendar,
    clock: Clock,
) -> ChangeOutcome:
    """The job after a texts-only edit: subject, body, category and show-as of one booked
    series (the series master, so every occurrence follows), in the member's language. The
    edit's run counts it: done when updated, failed when Graph no longer has it or refuses."""
    async with uow() as tx:
        plan = await tx.plans.get(plan_id)
        slot = await tx.plans.slot(plan_id, member_id, slot_revision)
    if plan is None:
        raise UnknownPlan(plan_id)
    if plan.revision != revision or plan.status is PlanStatus.CANCELLED:
        return ChangeOutcome.SKIPPED  # a newer edit queued its own updates
    if slot is None or slot.state is not SlotState.BOOKED or not slot.event_id:
        return ChangeOutcome.SKIPPED
    outcome = ChangeOutcome.UPDATED
    try:
        texts = slot_texts((await calendar.mailbox_settings(member_id)).language)
        if plan.spec.mode is PlanMode.TEAM_SESSION:
            draft = team_session_draft(plan, slot.slot_time, (), texts=texts)
        else:
            draft = slot_event_draft(plan, member_id, slot.slot_time, texts=texts)
        await calendar.update_event(
            member_id,
            slot.event_id,
            EventChanges(
                subject=draft.subject,
                body_html=draft.body_html,
                categories=draft.categories,
                show_as=draft.show_as,
            ),
        )
    except GraphNotFound:
        outcome = ChangeOutcome.MISSING  # the member deleted it; the defend scan reports that
    except (GraphForbidden, GraphRejected):
        outcome = ChangeOutcome.FAILED  # the series stays as it was
    at = clock.now()
    async with uow() as tx:
        if await tx.plans.touch_slot(slot, since=plan.updated_at, at=at):
            updated = outcome is ChangeOutcome.UPDATED
            await tx.plans.count_progress(plan_id, revision, done=int(updated),
                                          failed=int(not updated), at=at)
        await tx.commit()
    return outcome


# --- internals -------------------------------------------------------------------------------


async def _queued(tx: UnitOfWork, kind: str, payload: dict[str, object], key: str) -> int:
    return int(await tx.jobs.enqueue(kind, dict(payload), idempotency_key=key) is not None)
