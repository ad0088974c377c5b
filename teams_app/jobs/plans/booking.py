"""Job handlers for booking a plan's members (in chunks, or one at a time from older queues),
removing a member's series, the member's "your learning time is booked" card, and the owner's
card when a member left."""

from __future__ import annotations

import structlog

from teams_app.bot.plans.booked_card import BookedCardRenderer
from teams_app.bot.plans.memberships import MemberLeftCardRenderer
from teams_app.domain.errors import DomainError
from teams_app.jobs.support import JobHandler, calendar_of, personal_chats, slot_of
from teams_app.jobs.worker import FINISHED, PermanentJobError
from teams_app.ports import GraphForbidden, GraphNotFound, Job
from teams_app.ports.services import Services
from teams_app.use_cases.plans.booked_cards import (
    SLOT_BOOKED_CARD,
    SendSlotBookedCard,
    send_slot_booked_card,
)
from teams_app.use_cases.plans.booking import (
    BOOK_MEMBER_SLOT,
    BookMemberSlot,
    book_member_slot,
    cancel_member_slot,
    sweep_member_series,
)
from teams_app.use_cases.plans.leaving import MEMBER_LEFT_CARD, send_member_left_card
from teams_app.use_cases.plans.planning import CANCEL_MEMBER_SLOT, SWEEP_MEMBER_SERIES
from teams_app.use_cases.plans.slot_booking import (
    BOOK_MEMBER_SLOTS,
    BookMemberSlots,
    book_member_slots,
    give_up_member_slots,
)

log = structlog.get_logger()


def booking_job_handlers(services: Services) -> dict[str, JobHandler]:
    renderer = BookedCardRenderer(services.renderer)
    left_renderer = MemberLeftCardRenderer(services.renderer)
    chats = personal_chats(services)

    async def book_slots(job: Job) -> object:
        try:
            cmd = BookMemberSlots.parse(
                job.payload, last_attempt=job.attempts >= job.max_attempts
            )
        except (KeyError, TypeError, ValueError):
            raise PermanentJobError("bad_payload") from None
        if services.calendar is None:
            await give_up(cmd)
            raise PermanentJobError("graph_not_configured")
        try:
            outcome = await book_member_slots(
                cmd, uow=services.uow, calendar=services.calendar, clock=services.clock,
                job=job,
            )
        except DomainError as error:
            raise PermanentJobError(error.code) from None
        except Exception:
            # MembersStillThrottled and other failures: the worker retries the job with
            # backoff. A last attempt that fails would leave its members pending for good, and
            # the run unfinished, so they are recorded first.
            if cmd.last_attempt:
                await give_up(cmd)
            raise
        log.info(
            "plan_slots_booking_ran",
            job_id=job.id,
            plan_id=cmd.plan_id,
            members=len(cmd.member_ids),
            booked=outcome.booked,
            already=outcome.already,
            failed=outcome.failed,
            skipped=outcome.skipped,
        )
        return FINISHED if outcome.finished else None

    async def give_up(cmd: BookMemberSlots) -> None:
        given_up = await give_up_member_slots(cmd, uow=services.uow, clock=services.clock)
        log.warning("plan_slots_given_up", plan_id=cmd.plan_id, members=given_up)

    async def book_slot(job: Job) -> None:
        try:
            cmd = BookMemberSlot(
                plan_id=str(job.payload["plan_id"]),
                member_id=str(job.payload["member_id"]),
                revision=int(job.payload["revision"]),
                last_attempt=job.attempts >= job.max_attempts,
            )
            outcome = await book_member_slot(
                cmd, uow=services.uow, calendar=calendar_of(services), clock=services.clock
            )
        except (KeyError, ValueError):
            raise PermanentJobError("bad_payload") from None
        except DomainError as error:
            raise PermanentJobError(error.code) from None
        log.info("plan_slot_booking_ran", job_id=job.id, plan_id=cmd.plan_id, outcome=outcome)

    async def cancel_slot(job: Job) -> None:
        try:
            plan_id = str(job.payload["plan_id"])
            removed = await cancel_member_slot(
                plan_id,
                str(job.payload["member_id"]),
                int(job.payload["revision"]),
                uow=services.uow,
                calendar=calendar_of(services),
                clock=services.clock,
            )
        except (KeyError, ValueError):
            raise PermanentJobError("bad_payload") from None
        except GraphForbidden:
            raise PermanentJobError("graph_forbidden") from None
        log.info("plan_slot_cancelled", job_id=job.id, plan_id=plan_id, removed=removed)

    async def sweep_series(job: Job) -> None:
        try:
            plan_id, member_id = str(job.payload["plan_id"]), str(job.payload["member_id"])
        except KeyError:
            raise PermanentJobError("bad_payload") from None
        try:
            deleted = await sweep_member_series(
                plan_id, member_id, uow=services.uow, calendar=calendar_of(services)
            )
        except GraphForbidden:
            raise PermanentJobError("graph_forbidden") from None
        except GraphNotFound:
            raise PermanentJobError("no_mailbox") from None
        log.info("plan_series_swept", job_id=job.id, plan_id=plan_id, deleted=deleted)

    async def slot_booked_card(job: Job) -> None:
        slot = slot_of(job)
        outcome = await send_slot_booked_card(
            SendSlotBookedCard(slot.plan_id, slot.member_id, slot.revision),
            uow=services.uow,
            chats=chats,
            renderer=renderer,
            directory=services.directory,
            clock=services.clock,
        )
        log.info("slot_booked_card", job_id=job.id, plan_id=slot.plan_id, outcome=outcome.value)

    async def member_left_card(job: Job) -> None:
        try:
            plan_id, member_id = str(job.payload["plan_id"]), str(job.payload["member_id"])
        except KeyError:
            raise PermanentJobError("bad_payload") from None
        outcome = await send_member_left_card(
            plan_id, member_id, uow=services.uow, chats=chats,
            renderer=left_renderer, directory=services.directory, clock=services.clock,
        )
        log.info("member_left_card", job_id=job.id, plan_id=plan_id, outcome=outcome.value)

    return {
        MEMBER_LEFT_CARD: member_left_card,  # to the owner, when a member left their plan
        BOOK_MEMBER_SLOTS: book_slots,
        BOOK_MEMBER_SLOT: book_slot,  # queued by versions that booked one member a job
        CANCEL_MEMBER_SLOT: cancel_slot,
        SWEEP_MEMBER_SERIES: sweep_series,  # after a cancel: what landed late goes too
        SLOT_BOOKED_CARD: slot_booked_card,
    }
