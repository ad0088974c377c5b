"""The job that keeps the manager's booking card up to date (see use_cases/plan_progress.py),
and the cards it shows, in the language of the manager's conversation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

import structlog

from cards import booking_progress_card, booking_summary_card
from teams_app.bot import plan_presenters as present
from teams_app.bot.presenters import CardRenderer
from teams_app.domain.conversations import ConversationRef
from teams_app.domain.errors import DomainError
from teams_app.domain.messages import OutboundMessage
from teams_app.ports import Job, RecipientUnreachable
from teams_app.services import Services
from teams_app.use_cases.plan_progress import WatchBooking, refresh_progress_card
from teams_app.use_cases.plan_reports import BookingStatus
from teams_app.worker import PermanentJobError

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
