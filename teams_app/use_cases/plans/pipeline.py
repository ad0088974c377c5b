"""Booking a personal plan as a pipeline: calendars are read, slots found and booking jobs
queued chunk by chunk, so the jobs create series while later calendars are still being read.

Before, nothing was written until every calendar had been read and every slot found; for a
large team the creates started only after the reads had ended, and Graph's concurrency sat
half idle at the tail of the reads and during the slot finder (benchmarks/bench_plan_booking.py).

One run:
1. the start transaction: the plan is still this revision and not cancelled; the run's
   progress is saved with every member in its total (`progress_of(..., waiting=...)`), and the
   members no calendar is read for (not allowed, outside the tenant) are settled; the caller's
   `started` hook runs in it (the manager's card starts following the run there);
2. per chunk of `chunk` members, in order: their calendars are read (`READ_AHEAD` chunks ahead
   of the one being planned), their slots found by one `PersonalSlotFinder` for the whole run,
   so each chunk spreads around every earlier one, and in one transaction their states,
   slots, languages and booking jobs are written and the failures counted.
Each chunk transaction checks the plan again: cancelled or edited meanwhile, the run stops and
queues nothing more (the jobs already queued find the plan cancelled and create nothing).
A failure while reading leaves the run open for the caller's retry, settles the members not
read yet as failed with the reason, or takes them out of the run: `ReadFailure`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from teams_app.domain.bookings import (
    OUT_OF_PLAN,
    BookedSlot,
    BookingProgress,
    MemberFailure,
    MemberState,
    progress_of,
)
from teams_app.domain.learning_plans import LearningPlan, PlanStatus
from teams_app.domain.plan_errors import PlanAlreadyCancelled
from teams_app.domain.slot_events import slot_transaction_id
from teams_app.domain.slots import PersonalSlotFinder
from teams_app.ports import (
    Calendar,
    Clock,
    GraphError,
    GraphForbidden,
    GraphNotFound,
    GraphRejected,
    GraphThrottled,
    GraphUnavailable,
    UnitOfWork,
)
from teams_app.use_cases.languages import remember_mailbox_languages
from teams_app.use_cases.plans.planning import PlanPeople, member_previews
from teams_app.use_cases.plans.reads import (
    MemberCalendars,
    MemberPreview,
    UnknownPlan,
    read_calendars,
)
from teams_app.use_cases.plans.slot_booking import BOOK_MEMBER_SLOTS, BookMemberSlots, chunked

# Members read, planned and queued together: 10 getSchedule calls and 10 mailbox-settings
# $batches. Smaller chunks start the creates sooner and cost a transaction each.
CHUNK = 200
# Chunks whose calendars are being read beyond the one to plan next: about 55 Graph requests
# waiting or in flight for reads, more than the client's limit (graph/limits.py, 32) so that a
# chunk held up by a Retry-After does not leave it idle, but not every read of the run, so the
# booking jobs' creates queue behind a few chunks' reads rather than behind all of them.
READ_AHEAD = 4

# A hook run inside the start transaction with the run's first progress.
Started = Callable[[UnitOfWork, BookingProgress], Awaitable[None]]

_SETTLED_BY: dict[type[GraphError], MemberFailure] = {
    GraphNotFound: MemberFailure.NO_MAILBOX,
    GraphForbidden: MemberFailure.FORBIDDEN,
    GraphRejected: MemberFailure.REJECTED,
}


class ReadFailure(StrEnum):
    """What a run does when reading calendars fails after it started (the members of earlier
    chunks are queued by then)."""

    # Raise; the run stays open, its progress counting everyone, for the caller's next
    # attempt, which resumes it (a job that will be retried, the manager's card following).
    # Graph refusing for good (403/404/400) is settled instead: no attempt mends it.
    RETRY = "retry"
    # The members not read yet are recorded failed with the reason (graph_unavailable when
    # throttled or down) and the run finishes; a later Book retries them. Anything not
    # Graph's is undone and raised, as with UNDO.
    SETTLE = "settle"
    # Raise; the run counts only what it queued, so a later Book starts a new run rather
    # than following this one (nobody retries this call).
    UNDO = "undo"


@dataclass
class PipelineRun:
    """What one run found and did; `progress` is the run's first (start) and then latest."""

    progress: BookingProgress
    queued: int = 0
    problems: list[MemberPreview] = field(default_factory=list)
    stopped: bool = False  # cancelled or edited meanwhile: later chunks were not queued


@dataclass(frozen=True)
class _Run:
    plan: LearningPlan
    at: datetime  # when the run started: names its jobs (BookMemberSlots.idempotency_key)
    before: Mapping[str, MemberState]  # each member's state when the run started


async def book_in_chunks(
    plan: LearningPlan,
    who: PlanPeople,
    *,
    uow: Callable[[], UnitOfWork],
    calendar: Calendar,
    clock: Clock,
    started: Started | None = None,
    on_failure: ReadFailure = ReadFailure.UNDO,
    chunk: int = CHUNK,
) -> PipelineRun:
    """Raises UnknownPlan (edited) or PlanAlreadyCancelled before anything is written; a
    failure while reading as `on_failure` says."""
    at = clock.now()
    ids = [p.object_id for p in who.people]
    async with uow() as tx:
        current = await tx.plans.get(plan.id)
        if current is None or current.revision != plan.revision:
            raise UnknownPlan(plan.id)  # edited meanwhile: the caller books the new revision
        if current.status is PlanStatus.CANCELLED:
            raise PlanAlreadyCancelled()  # cancelled meanwhile: nothing to book
        members = await tx.plans.members(plan.id)
        run = _Run(plan, at, {m.member_id: m.state for m in members})
        waiting = [*ids, *who.refused, *who.unknown]
        progress = progress_of(plan.id, plan.revision, members, at=at, waiting=waiting)
        await tx.plans.save_progress(progress)
        result = PipelineRun(progress)
        await _settle(tx, run, list(who.problems), MemberCalendars([], {}, {}), result)
        if started is not None:
            await started(tx, progress)
        await tx.commit()
    finder = PersonalSlotFinder(plan.spec)
    chunks = [who.people[i : i + chunk] for i in range(0, len(who.people), chunk)]
    reads: list[asyncio.Task[MemberCalendars]] = []
    done = 0
    try:
        for index, people in enumerate(chunks):
            while len(reads) < min(index + 1 + READ_AHEAD, len(chunks)):
                reads.append(asyncio.create_task(
                    read_calendars(plan, chunks[len(reads)], calendar)))
            read = await reads[index]
            previews = member_previews(plan, people, read, finder)
            async with uow() as tx:
                if not await _still_current(tx, run):
                    await _leave_out(tx, run, ids[done:], clock)
                    result.stopped = True
                else:
                    await _settle(tx, run, previews, read, result)
                await tx.commit()
            if result.stopped:
                break
            done += len(people)
    except Exception as error:
        await _failed(error, on_failure, run, ids[done:], result, uow=uow, clock=clock)
    finally:
        for task in reads:
            task.cancel()
        await asyncio.gather(*reads, return_exceptions=True)
    async with uow() as tx:
        latest = await tx.plans.progress(plan.id, plan.revision)
    result.progress = latest or result.progress
    return result


async def _failed(
    error: Exception,
    on_failure: ReadFailure,
    run: _Run,
    left: Sequence[str],
    result: PipelineRun,
    *,
    uow: Callable[[], UnitOfWork],
    clock: Clock,
) -> None:
    """Settles the members `left` after `error`, or raises it (ReadFailure says which)."""
    lasting = isinstance(error, GraphError) and not isinstance(
        error, GraphThrottled | GraphUnavailable
    )
    if on_failure is ReadFailure.RETRY and not lasting:
        raise error
    if isinstance(error, GraphError) and on_failure is not ReadFailure.UNDO:
        failure = _SETTLED_BY.get(type(error), MemberFailure.UNAVAILABLE)
        previews = [MemberPreview(m, None, problem=failure) for m in left]
        async with uow() as tx:
            await _settle(tx, run, previews, MemberCalendars([], {}, {}), result)
            await tx.commit()
        return
    try:
        async with uow() as tx:
            await _leave_out(tx, run, left, clock)
            await tx.commit()
    finally:
        raise error


async def _still_current(tx: UnitOfWork, run: _Run) -> bool:
    current = await tx.plans.get(run.plan.id)
    return (
        current is not None
        and current.revision == run.plan.revision
        and current.status is not PlanStatus.CANCELLED
    )


async def _settle(
    tx: UnitOfWork,
    run: _Run,
    previews: Sequence[MemberPreview],
    read: MemberCalendars,
    result: PipelineRun,
) -> None:
    """One chunk's members into the store: pending with a planned slot and a booking job, or
    failed with the reason; members booked, pending (their job is queued or running), or
    refused by Graph for good under this revision are left as they are."""
    plan = run.plan
    ids = [m.member_id for m in previews]
    now = {m.member_id: m for m in await tx.plans.members_of(plan.id, ids)}
    has_slot = {s.member_id for s in await tx.plans.slots_of(plan.id, plan.revision, ids)}
    to_book: list[str] = []
    states: list[tuple[str, MemberState, MemberFailure | None]] = []
    planned: list[BookedSlot] = []
    failed = 0  # how the run's failed count changes
    for member in previews:
        if member.problem is not None:
            result.problems.append(member)
        before = now.get(member.member_id)
        state = before.state if before is not None else None
        if state in (MemberState.BOOKED, MemberState.PENDING):
            continue  # booked, or its job is queued or running with the slot planned then
        # A member that failed since the run started was counted by whoever failed it; one
        # that had failed before the run was left out of the count until its chunk came.
        counted = state is MemberState.FAILED and run.before.get(member.member_id) is not state
        if member.slot is None:
            states.append((member.member_id, MemberState.FAILED, member.problem))
            failed += 1 - counted
            continue
        if (
            before is not None
            and before.state is MemberState.FAILED
            and before.failure is not MemberFailure.UNAVAILABLE
            and member.member_id in has_slot
        ):
            # Its job ran and Graph refused it for good (403/404/400); a re-run does not
            # repeat it. One that Graph was too throttled or down for is tried again.
            failed += 1 - counted
            continue
        failed -= counted
        to_book.append(member.member_id)
        states.append((member.member_id, MemberState.PENDING, None))
        slot = member.slot
        planned.append(
            BookedSlot(
                plan.id,
                member.member_id,
                plan.revision,
                slot_transaction_id(plan.id, member.member_id, plan.revision),
                slot.days,
                slot.start,
                slot.time_zone,
            )
        )
    at = run.at
    await tx.plans.set_members(plan.id, states, at=at)
    # A slot already planned is kept as it is: a queued job books what was planned.
    await tx.plans.plan_slots(planned, at=at)
    languages = {m: lang for m, lang in read.languages.items() if lang}
    await remember_mailbox_languages(tx, languages, at=at)  # the members' cards need them
    away = {m.member_id: m.away for m in previews if m.away}
    jobs = [
        BookMemberSlots(
            plan.id,
            plan.revision,
            members,
            languages={m: languages[m] for m in members if m in languages},
            away={m: away[m] for m in members if m in away},
        )
        for members in chunked(to_book)
    ]
    # Members to book are neither pending nor booked, so no queued job holds them: every
    # member here is queued now (the key names this run, see idempotency_key).
    await tx.jobs.enqueue_many(
        BOOK_MEMBER_SLOTS, [(job.payload(), job.idempotency_key(at)) for job in jobs]
    )
    if failed:
        await tx.plans.count_progress(plan.id, plan.revision, failed=failed, at=at)
    result.queued += len(to_book)


async def _leave_out(tx: UnitOfWork, run: _Run, left: Sequence[str], clock: Clock) -> None:
    """The members `left` are no part of the run after all (it stopped before their chunk):
    they count as they stood before it (booked as done, failed as failed, pending for their
    own job), the others leave the total, so the run's progress adds up to what it did."""
    gone = sum(run.before.get(m) is None or run.before[m] in OUT_OF_PLAN for m in left)
    failed = sum(run.before.get(m) is MemberState.FAILED for m in left)
    if gone or failed:
        await tx.plans.count_progress(
            run.plan.id, run.plan.revision, failed=failed, total=-gone, at=clock.now()
        )
