"""Job handlers: the job worker's thin entry point into the use cases. Payloads carry ids only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

import structlog

from teams_app.bot.plans.progress import progress_card_job, start_booking_job
from teams_app.domain.errors import DomainError
from teams_app.jobs.defend import slot_job_handlers
from teams_app.jobs.plans.booking import booking_job_handlers
from teams_app.jobs.plans.lifecycle import lifecycle_job_handlers
from teams_app.jobs.worker import PermanentJobError
from teams_app.ports import Calendar, GraphForbidden, Job, RecipientUnreachable
from teams_app.ports.services import Services
from teams_app.use_cases.notifications import NOTIFY, deliver_notification, parse_notification
from teams_app.use_cases.plans.booking import (
    BOOK_MEMBER_SLOT,
    BookMemberSlot,
    book_member_slot,
    cancel_member_slot,
)
from teams_app.use_cases.plans.planning import CANCEL_MEMBER_SLOT
from teams_app.use_cases.plans.progress import PROGRESS_CARD, START_BOOKING

log = structlog.get_logger()

JobHandler = Callable[[Job], Awaitable[None]]
PURGE = "maintenance.purge"
PURGE_EVERY_SECONDS = 24 * 3600


def job_handlers(
    services: Services, *, purge: Callable[[], Awaitable[dict[str, int]]]
) -> Mapping[str, JobHandler]:
    async def notify(job: Job) -> None:
        try:
            receipt = await deliver_notification(
                parse_notification(job.payload),
                uow=services.uow,
                messenger=services.messenger,
                renderer=services.renderer,
                clock=services.clock,
            )
        except ValueError:
            raise PermanentJobError("bad_payload") from None
        except DomainError as error:
            raise PermanentJobError(error.code) from None
        except RecipientUnreachable:
            # Teams refused this conversation for good (app removed); retrying cannot help.
            raise PermanentJobError("recipient_unreachable") from None
        log.info("notification_delivered", job_id=job.id, already_sent=receipt.already_sent)

    async def purge_old(job: Job) -> None:
        removed = await purge()
        log.info("purged", job_id=job.id, **removed)

    def calendar() -> Calendar:
        if services.calendar is None:
            raise PermanentJobError("graph_not_configured")
        return services.calendar

    async def book_slot(job: Job) -> None:
        try:
            cmd = BookMemberSlot(
                plan_id=str(job.payload["plan_id"]),
                member_id=str(job.payload["member_id"]),
                revision=int(job.payload["revision"]),
                last_attempt=job.attempts >= job.max_attempts,
            )
            outcome = await book_member_slot(
                cmd, uow=services.uow, calendar=calendar(), clock=services.clock
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
                calendar=calendar(),
                clock=services.clock,
            )
        except (KeyError, ValueError):
            raise PermanentJobError("bad_payload") from None
        except GraphForbidden:
            raise PermanentJobError("graph_forbidden") from None
        log.info("plan_slot_cancelled", job_id=job.id, plan_id=plan_id, removed=removed)

    return {
        NOTIFY: notify,
        PURGE: purge_old,
        BOOK_MEMBER_SLOT: book_slot,
        CANCEL_MEMBER_SLOT: cancel_slot,
        PROGRESS_CARD: progress_card_job(services),  # the manager's booking card follows jobs
        START_BOOKING: start_booking_job(services),  # Book, where the invoke cannot wait
        **booking_job_handlers(services),  # booking a plan's members in chunks
        **slot_job_handlers(services),  # defending booked time, member cards
        **lifecycle_job_handlers(services, calendar),  # team sessions, edits, membership
    }
