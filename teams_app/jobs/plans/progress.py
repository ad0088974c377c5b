"""The jobs that start booking and keep the manager's booking card up to date (see
use_cases/plans/progress.py)."""

from __future__ import annotations

import structlog

from teams_app.bot.plans.progress import BookingCardRenderer
from teams_app.domain.errors import DomainError
from teams_app.jobs.support import JobHandler
from teams_app.jobs.worker import PermanentJobError
from teams_app.ports import Job, RecipientUnreachable
from teams_app.ports.services import Services
from teams_app.use_cases.plans.progress import (
    PROGRESS_CARD,
    START_BOOKING,
    StartBooking,
    WatchBooking,
    refresh_progress_card,
    start_booking,
)

log = structlog.get_logger()


def progress_job_handlers(services: Services) -> dict[str, JobHandler]:
    return {
        START_BOOKING: start_booking_job(services),  # Book, where the invoke cannot wait
        PROGRESS_CARD: progress_card_job(services),  # the manager's booking card follows jobs
    }


def start_booking_job(services: Services) -> JobHandler:
    cards = BookingCardRenderer(services.renderer)

    async def run(job: Job) -> None:
        try:
            cmd = StartBooking.parse(job.payload, last_attempt=job.attempts >= job.max_attempts)
        except (KeyError, ValueError, TypeError):
            raise PermanentJobError("bad_payload") from None
        if services.calendar is None or services.directory is None:
            raise PermanentJobError("graph_not_configured")
        try:
            started = await start_booking(
                cmd,
                uow=services.uow,
                calendar=services.calendar,
                directory=services.directory,
                messenger=services.messenger,
                cards=cards,
                clock=services.clock,
                rights=services.rights,
            )
        except RecipientUnreachable:
            raise PermanentJobError("recipient_unreachable") from None
        except DomainError as error:
            raise PermanentJobError(error.code) from None
        log.info("plan_booking_start_ran", job_id=job.id, plan_id=cmd.plan_id, started=started)

    return run


def progress_card_job(services: Services) -> JobHandler:
    cards = BookingCardRenderer(services.renderer)

    async def run(job: Job) -> None:
        try:
            cmd = WatchBooking.parse(job.payload)
        except (KeyError, ValueError, TypeError, IndexError):
            raise PermanentJobError("bad_payload") from None
        try:
            finished = await refresh_progress_card(
                cmd,
                uow=services.uow,
                messenger=services.messenger,
                cards=cards,
                directory=services.directory,
                clock=services.clock,
            )
        except RecipientUnreachable:
            # The card or the chat is gone (deleted, app removed): nobody is left to show it to.
            raise PermanentJobError("recipient_unreachable") from None
        except DomainError as error:
            raise PermanentJobError(error.code) from None
        log.info("plan_progress_card_updated", job_id=job.id, plan_id=cmd.plan_id,
                 round=cmd.round, finished=finished)

    return run
