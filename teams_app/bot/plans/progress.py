"""The jobs that start booking and keep the manager's booking card up to date (see
use_cases/plan_progress.py), and the cards they show, in the language of the manager's chat."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

import structlog

from cards import booking_progress_card, booking_summary_card, notice_card, verbs
from teams_app.bot.plans import presenters as present
from teams_app.bot.plans.failures import failure_key
from teams_app.bot.presenters import CardRenderer
from teams_app.domain.conversations import ConversationRef
from teams_app.domain.errors import DomainError
from teams_app.domain.messages import OutboundMessage
from teams_app.jobs.worker import PermanentJobError
from teams_app.ports import GraphError, Job, RecipientUnreachable
from teams_app.ports.services import Services
from teams_app.use_cases.plans.progress import (
    StartBooking,
    WatchBooking,
    refresh_progress_card,
    start_booking,
)
from teams_app.use_cases.plans.reports import BookingStatus

log = structlog.get_logger()


class BookingCardRenderer:
    def __init__(self, cards: CardRenderer) -> None:
        self._cards = cards

    def progress(self, status: BookingStatus, ref: ConversationRef) -> OutboundMessage:
        view = present.progress_view(self._cards.translator(ref.locale), status)
        return OutboundMessage(card=booking_progress_card(view), summary=view.progress)

    def summary(
        self,
        status: BookingStatus,
        already_booked: int,
        names: Mapping[str, str],
        ref: ConversationRef,
    ) -> OutboundMessage:
        t = self._cards.translator(ref.locale)
        view = present.summary_view(t, status, already_booked, names)
        return OutboundMessage(card=booking_summary_card(view), summary=view.summary)

    def failure(self, error: Exception, plan_id: str, ref: ConversationRef) -> OutboundMessage:
        t = self._cards.translator(ref.locale)
        # Graph trouble may pass: offer Book again. A plan gone, cancelled or without members
        # will not change by pressing again.
        retry = verbs.PLAN_BOOK if isinstance(error, GraphError) else None
        view = present.notice_view(t, failure_key(error), retry_verb=retry, plan_id=plan_id)
        return OutboundMessage(card=notice_card(view), summary=view.message)


def start_booking_job(services: Services) -> Callable[[Job], Awaitable[None]]:
    cards = BookingCardRenderer(services.renderer)

    async def run(job: Job) -> None:
        try:
            cmd = StartBooking.parse(job.payload, last_attempt=job.attempts >= job.max_attempts)
        except KeyError:
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
            )
        except RecipientUnreachable:
            raise PermanentJobError("recipient_unreachable") from None
        except DomainError as error:
            raise PermanentJobError(error.code) from None
        log.info("plan_booking_start_ran", job_id=job.id, plan_id=cmd.plan_id, started=started)

    return run


def progress_card_job(services: Services) -> Callable[[Job], Awaitable[None]]:
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
