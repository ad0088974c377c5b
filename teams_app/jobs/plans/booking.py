"""Job handler for booking a plan's members in chunks (thin, like jobs.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import structlog

from teams_app.domain.errors import DomainError
from teams_app.jobs.worker import PermanentJobError
from teams_app.ports import Job
from teams_app.ports.services import Services
from teams_app.use_cases.plans.slot_booking import (
    BOOK_MEMBER_SLOTS,
    BookMemberSlots,
    book_member_slots,
    give_up_member_slots,
)

log = structlog.get_logger()

JobHandler = Callable[[Job], Awaitable[None]]


def booking_job_handlers(services: Services) -> dict[str, JobHandler]:
    async def book_slots(job: Job) -> None:
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
                cmd, uow=services.uow, calendar=services.calendar, clock=services.clock
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

    async def give_up(cmd: BookMemberSlots) -> None:
        given_up = await give_up_member_slots(cmd, uow=services.uow, clock=services.clock)
        log.warning("plan_slots_given_up", plan_id=cmd.plan_id, members=given_up)

    return {BOOK_MEMBER_SLOTS: book_slots}
