"""The manager's booking card follows the booking jobs: one job per round rereads the run's
progress, updates the card in place, and queues the next round until the run is finished;
then the card shows the summary with everyone who could not be booked and why.

Booking itself starts in a job too (`start_booking`): it reads every member's calendar, which
for a large team takes longer than Teams waits for a card's answer (a few seconds).

Payloads carry ids and counts only. A repeated round re-renders the same card, and the next
round's idempotency key names the round, so a retried job never starts a second chain.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, Protocol

from teams_app.domain.bookings import BookingProgress, EditKind, RunState
from teams_app.domain.conversations import ConversationRef
from teams_app.domain.errors import DomainError
from teams_app.domain.learning_plans import PlanStatus
from teams_app.domain.messages import OutboundMessage
from teams_app.domain.planners import PlanningRights
from teams_app.ports import (
    Calendar,
    Clock,
    Directory,
    GraphError,
    GraphThrottled,
    GraphUnavailable,
    Messenger,
    UnitOfWork,
)
from teams_app.use_cases.plans.booking import BookPlan, ReadFailure, book_plan
from teams_app.use_cases.plans.reports import (
    BookingStatus,
    EditReport,
    booking_status,
    edit_report,
    people_names,
)

PROGRESS_CARD = "plans.progress_card"  # job kind
START_BOOKING = "plans.start_booking"  # job kind
FAST_ROUNDS = 30  # every FAST_EVERY for the first minute: a small team is done by then
FAST_EVERY = timedelta(seconds=2)
SLOW_EVERY = timedelta(seconds=10)
MAX_ROUNDS = 200  # about half an hour; then the card shows the summary of what is known


class UnknownConversation(DomainError):
    code = "conversation_unknown"


@dataclass(frozen=True)
class WatchBooking:
    plan_id: str
    revision: int
    conversation_id: str
    activity_id: str  # the card to update: the invoke's replyToId
    already_booked: int  # members booked before this run started
    round: int = 0
    shown: tuple[int, int] | None = None  # (done, failed) the card shows now
    edit: EditKind | None = None  # the run carries a saved edit, not a booking

    def payload(self) -> dict[str, Any]:
        return {
            "edit": self.edit.value if self.edit else None,
            "plan_id": self.plan_id,
            "revision": self.revision,
            "conversation_id": self.conversation_id,
            "activity_id": self.activity_id,
            "already_booked": self.already_booked,
            "round": self.round,
            "shown": list(self.shown) if self.shown else None,
        }

    @classmethod
    def parse(cls, payload: Mapping[str, Any]) -> WatchBooking:
        """ValueError (or KeyError) when the payload is not one of ours."""
        shown = payload.get("shown")
        return cls(
            plan_id=str(payload["plan_id"]),
            revision=int(payload["revision"]),
            conversation_id=str(payload["conversation_id"]),
            activity_id=str(payload["activity_id"]),
            already_booked=int(payload["already_booked"]),
            round=int(payload.get("round", 0)),
            shown=(int(shown[0]), int(shown[1])) if isinstance(shown, list) else None,
            edit=EditKind(payload["edit"]) if payload.get("edit") else None,
        )


@dataclass(frozen=True)
class StartBooking:
    plan_id: str
    by: str  # the owner who pressed Book
    conversation_id: str
    activity_id: str  # the card to update: the invoke's replyToId
    revision: int | None = None  # the revision Book was pressed on
    last_attempt: bool = False

    def payload(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "by": self.by,
            "conversation_id": self.conversation_id,
            "activity_id": self.activity_id,
            "revision": self.revision,
        }

    @classmethod
    def parse(cls, payload: Mapping[str, Any], *, last_attempt: bool) -> StartBooking:
        """KeyError (or ValueError) when the payload is not one of ours."""
        return cls(
            plan_id=str(payload["plan_id"]),
            by=str(payload["by"]),
            conversation_id=str(payload["conversation_id"]),
            activity_id=str(payload["activity_id"]),
            # Jobs queued before revisions rode along book the current revision.
            revision=int(payload["revision"]) if payload.get("revision") is not None else None,
            last_attempt=last_attempt,
        )


class BookingCards(Protocol):
    def progress(
        self, status: BookingStatus, ref: ConversationRef, edit: EditKind | None = None
    ) -> OutboundMessage: ...
    def edit_summary(
        self, report: EditReport, names: Mapping[str, str], ref: ConversationRef
    ) -> OutboundMessage: ...
    def summary(
        self,
        status: BookingStatus,
        already_booked: int,
        names: Mapping[str, str],
        ref: ConversationRef,
    ) -> OutboundMessage: ...
    def failure(
        self, error: Exception, plan_id: str, revision: int | None, ref: ConversationRef
    ) -> OutboundMessage: ...  # why booking could not start (retry where that can help)


async def queue_booking(cmd: StartBooking, *, uow: Callable[[], UnitOfWork]) -> str | None:
    """Queues the start of booking. No idempotency key: "Try again" on the same card must
    queue again, and a double press costs only a second read (`book_plan` skips members
    already pending, and the card's progress rounds are keyed by card and round)."""
    async with uow() as tx:
        job_id = await tx.jobs.enqueue(
            START_BOOKING,
            cmd.payload(),
            max_attempts=4,  # a few minutes of Graph trouble; then the card says so
        )
        await tx.commit()
    return job_id


async def start_booking(
    cmd: StartBooking,
    *,
    uow: Callable[[], UnitOfWork],
    calendar: Calendar,
    directory: Directory,
    messenger: Messenger,
    cards: BookingCards,
    clock: Clock,
    rights: PlanningRights,
) -> bool:
    """The job behind Book: runs `book_plan`, and lets the card follow the run from the
    transaction that starts it (calendars are read chunk by chunk after that, and the card's
    counts grow as chunks are queued and booked). True when booking started. Graph throttled
    or down propagates (the job retries) until the last attempt; then, and for anything that
    retrying cannot mend, the card says why, unless the run had started: then the members not
    read are recorded failed and the card's summary names them."""
    following: list[WatchBooking] = []
    # The card follows the run from its start: a retry resumes it, the last attempt finishes
    # it with the members not read named on the summary.
    on_failure = ReadFailure.SETTLE if cmd.last_attempt else ReadFailure.RETRY

    async def follow(tx: UnitOfWork, progress: BookingProgress) -> None:
        # A retried job starts the same chain: round 0's key is taken, nothing is queued.
        watch = WatchBooking(
            cmd.plan_id, progress.revision, cmd.conversation_id, cmd.activity_id,
            already_booked=progress.done,  # booked before this run: the rest queue
        )
        await _enqueue(tx, watch, clock)
        following.append(watch)

    try:
        started = await book_plan(
            BookPlan(cmd.plan_id, cmd.by, cmd.revision, on_failure=on_failure),
            uow=uow, calendar=calendar, directory=directory, clock=clock, rights=rights,
            started=follow,
        )
    except (GraphThrottled, GraphUnavailable) as error:
        if not cmd.last_attempt:
            raise
        await _show_failure(cmd, error, uow=uow, messenger=messenger, cards=cards)
        return False
    except (GraphError, DomainError) as error:
        await _show_failure(cmd, error, uow=uow, messenger=messenger, cards=cards)
        return False
    if not following:  # a team session: one meeting, queued at once
        await watch_booking(
            WatchBooking(
                cmd.plan_id,
                started.revision,
                cmd.conversation_id,
                cmd.activity_id,
                already_booked=started.progress.done,
            ),
            uow=uow,
            clock=clock,
        )
    return True


async def _show_failure(
    cmd: StartBooking,
    error: Exception,
    *,
    uow: Callable[[], UnitOfWork],
    messenger: Messenger,
    cards: BookingCards,
) -> None:
    async with uow() as tx:
        ref = await tx.conversations.get(cmd.conversation_id)
    if ref is None:
        raise UnknownConversation(cmd.conversation_id)
    await messenger.update(
        ref, cmd.activity_id, cards.failure(error, cmd.plan_id, cmd.revision, ref)
    )


async def watch_booking(
    cmd: WatchBooking, *, uow: Callable[[], UnitOfWork], clock: Clock
) -> str | None:
    """Queues the first round, shortly after the card was answered."""
    async with uow() as tx:
        job_id = await _enqueue(tx, cmd, clock)
        await tx.commit()
    return job_id


async def refresh_progress_card(
    cmd: WatchBooking,
    *,
    uow: Callable[[], UnitOfWork],
    messenger: Messenger,
    cards: BookingCards,
    directory: Directory | None,
    clock: Clock,
) -> bool:
    """One round; True when the card now shows the summary (no further round)."""
    async with uow() as tx:
        ref = await tx.conversations.get(cmd.conversation_id)
    if ref is None:
        raise UnknownConversation(cmd.conversation_id)
    status = await booking_status(cmd.plan_id, cmd.revision, uow=uow())
    progress = status.progress
    plan = status.plan
    superseded = plan.status is PlanStatus.CANCELLED or plan.revision != cmd.revision
    finished = (
        progress is None
        or progress.state is RunState.FINISHED
        or superseded  # cancelled or edited since: this run's card says where it got to
        or cmd.round + 1 >= MAX_ROUNDS
    )
    counts = (progress.done, progress.failed) if progress else (0, 0)
    if finished and cmd.edit is not None:
        report = await edit_report(cmd.plan_id, cmd.revision, cmd.edit, uow=uow())
        names = await people_names([m.member_id for m in report.failures], directory=directory)
        await messenger.update(ref, cmd.activity_id, cards.edit_summary(report, names, ref))
        return True
    if finished:
        names = await people_names(
            [m.member_id for m in status.failures] + [u.user_id for u in status.unreachable],
            directory=directory,
        )
        await messenger.update(
            ref, cmd.activity_id, cards.summary(status, cmd.already_booked, names, ref)
        )
        return True
    if counts != cmd.shown:  # an unchanged card is not sent again
        await messenger.update(ref, cmd.activity_id, cards.progress(status, ref, cmd.edit))
    async with uow() as tx:
        await _enqueue(tx, replace(cmd, round=cmd.round + 1, shown=counts), clock)
        await tx.commit()
    return False


async def _enqueue(tx: UnitOfWork, cmd: WatchBooking, clock: Clock) -> str | None:
    delay = FAST_EVERY if cmd.round < FAST_ROUNDS else SLOW_EVERY
    key = f"{PROGRESS_CARD}:{cmd.plan_id}:{cmd.revision}:{cmd.activity_id}:{cmd.round}"
    return await tx.jobs.enqueue(
        PROGRESS_CARD, cmd.payload(), run_at=clock.now() + delay, idempotency_key=key
    )
