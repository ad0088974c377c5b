"""The booking job: up to 20 members' series created in one Graph `$batch`, then recorded.

`book_plan` plans every member's slot and queues one of these jobs per chunk of members. One
job per member cost a job-queue round trip and a Graph round trip each, and capped a 10,000
member plan at the queue's speed (benchmarks/bench_plan_booking.py); a chunk is one claim, one
`$batch` (Graph throttles its inner requests one by one, and the adapter retries a throttled one
alone) and one transaction.

What the per-member job promised still holds, per member:
- a member is created at most once: only slots still `planned` are sent, and each create's
  transactionId comes from plan, member and revision, so a job that created the series and died
  before recording it gets the same event back from Graph when it runs again;
- progress counts a member once: only the pending -> booked/failed move counts;
- 403/404/400 fail that member for good with a code, the others in the chunk stand;
- throttled or unavailable after the adapter's retries: the job is retried for those members
  only (the booked ones are recorded first), and on the job's last attempt they are recorded as
  `graph_unavailable` so progress still finishes;
- a plan cancelled while the job ran: what it created is taken out again.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from teams_app.domain.bookings import BookedSlot, MemberFailure, MemberState, SlotState
from teams_app.domain.calendar import CalendarEvent, EventDraft, TimeSpan
from teams_app.domain.learning_plans import LearningPlan, PlanStatus
from teams_app.domain.occurrence_records import SlotRef, StoredOccurrence
from teams_app.domain.occurrences import Outcome, expected_occurrences
from teams_app.domain.slot_events import slot_event_draft, slot_marker, slot_transaction_id
from teams_app.ports import (
    Calendar,
    Clock,
    GraphError,
    GraphForbidden,
    GraphNotFound,
    GraphRejected,
    GraphThrottled,
    GraphUnavailable,
    Job,
    UnitOfWork,
    UnitOfWorkFactory,
)
from teams_app.use_cases.plans.booked_cards import SLOT_BOOKED_CARD
from teams_app.use_cases.plans.event_texts import slot_texts
from teams_app.use_cases.plans.planning import UnknownPlan

BOOK_MEMBER_SLOTS = "plans.book_member_slots"  # job kind; payload: see BookMemberSlots.payload
CHUNK = 20  # members per job: one $batch (Graph's limit per batch)
CARD_HOLD = timedelta(seconds=60)  # slot-booked cards of a large run wait this long

PERMANENT: dict[type[GraphError], MemberFailure] = {
    GraphNotFound: MemberFailure.NO_MAILBOX,
    GraphForbidden: MemberFailure.FORBIDDEN,
    GraphRejected: MemberFailure.REJECTED,
}


class MembersStillThrottled(GraphThrottled):
    """Some members of the chunk are still throttled or Graph is down for them: the queue
    retries the job, which then sends only those members."""


@dataclass(frozen=True)
class BookMemberSlots:
    plan_id: str
    revision: int
    member_ids: tuple[str, ...]
    # mailboxSettings locale per member (e.g. "sv-SE"), for the event's texts; a code, not text
    languages: Mapping[str, str] = field(default_factory=dict)
    last_attempt: bool = False  # still throttled on the last try: record those members failed
    # Local dates of sessions a member is out of office for (free/busy at planning): their
    # occurrences are removed once the series exists, and counted away.
    away: Mapping[str, tuple[date, ...]] = field(default_factory=dict)

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "plan_id": self.plan_id,
            "revision": self.revision,
            "member_ids": list(self.member_ids),
            "languages": dict(self.languages),
        }
        if self.away:
            body["away"] = {m: [d.isoformat() for d in days] for m, days in self.away.items()}
        return body

    def idempotency_key(self, run: datetime) -> str:
        # Pending members are skipped when booking re-runs, so one run never queues a member
        # twice; a later run may queue the same members again (all of them failed as
        # unavailable), and their old job's key must not swallow the new one.
        digest = hashlib.sha256("\n".join(self.member_ids).encode()).hexdigest()[:24]
        return f"book:{self.plan_id}:{self.revision}:{run:%Y%m%dT%H%M%S%f}:{digest}"

    @classmethod
    def parse(cls, payload: Mapping[str, Any], *, last_attempt: bool) -> BookMemberSlots:
        """KeyError, TypeError or ValueError when the payload is not one of ours."""
        members = payload["member_ids"]
        languages = payload.get("languages") or {}
        away = payload.get("away") or {}
        if not all(isinstance(v, t) for v, t in ((members, list), (languages, dict), (away, dict))):
            raise ValueError("member_ids must be a list, languages and away objects")
        return cls(
            plan_id=str(payload["plan_id"]),
            revision=int(payload["revision"]),
            member_ids=tuple(str(m) for m in members),
            languages={str(k): str(v) for k, v in languages.items() if v},
            last_attempt=last_attempt,
            away={str(k): tuple(date.fromisoformat(str(d)) for d in v) for k, v in away.items()},
        )


def chunked(members: Sequence[str], size: int = CHUNK) -> list[tuple[str, ...]]:
    return [tuple(members[i : i + size]) for i in range(0, len(members), size)]


@dataclass(frozen=True)
class ChunkOutcome:
    booked: int = 0  # created and recorded by this run
    already: int = 0  # booked before (a repeated job)
    failed: int = 0  # recorded as failed by this run
    skipped: int = 0  # the plan was cancelled or edited since the job was queued
    finished: bool = False  # the job was marked done with the outcome (`job` given)


async def book_member_slots(
    cmd: BookMemberSlots,
    *,
    uow: UnitOfWorkFactory,
    calendar: Calendar,
    clock: Clock,
    job: Job | None = None,
) -> ChunkOutcome:
    """Raises MembersStillThrottled (after recording everyone else) when members are left to
    retry; UnknownPlan when the plan is gone. With `job` (the running job, leased), the job is
    marked done in the transaction that records the outcome when nothing is left to do: a
    read-only transaction and one write, besides the worker's claim."""
    async with uow(read_only=True) as tx:
        plan = await tx.plans.get(cmd.plan_id)
        slots = await tx.plans.slots_of(cmd.plan_id, cmd.revision, cmd.member_ids)
    if plan is None:
        raise UnknownPlan(cmd.plan_id)
    if plan.revision != cmd.revision or plan.status is PlanStatus.CANCELLED:
        return ChunkOutcome(skipped=len(cmd.member_ids))
    planned = [s for s in slots if s.state is SlotState.PLANNED]
    already = sum(s.state is SlotState.BOOKED for s in slots)
    if not planned:
        return ChunkOutcome(already=already, skipped=len(cmd.member_ids) - already)
    drafts = {s.member_id: [_draft(plan, s, cmd.languages)] for s in planned}
    results = await calendar.create_events_batched(drafts)
    created: dict[str, str] = {}
    retry: list[GraphError] = []
    failures: dict[MemberFailure, list[str]] = {}
    for slot in planned:
        result = (results.get(slot.member_id) or [None])[0]
        if isinstance(result, CalendarEvent):
            created[slot.member_id] = result.id
            continue
        failure = _failure(result, last_attempt=cmd.last_attempt)
        if failure is None:
            retry.append(result if isinstance(result, GraphError) else GraphUnavailable())
        else:
            failures.setdefault(failure, []).append(slot.member_id)
    # Given up as unavailable: the create may have landed while its answer was lost (a timeout,
    # a dropped connection). The calendar, not the missing answer, says whether it did.
    unsure = failures.pop(MemberFailure.UNAVAILABLE, [])
    for member, found in zip(
        unsure,
        await asyncio.gather(*(_series_made(calendar, plan, m) for m in unsure)),
        strict=True,
    ):
        if found is not None:
            created[member] = found
        else:
            failures.setdefault(MemberFailure.UNAVAILABLE, []).append(member)
    at = clock.now()
    booked: list[str] = []
    failed = 0
    async with uow() as tx:
        current = await tx.plans.get(cmd.plan_id)
        cancelled = current is None or current.status is PlanStatus.CANCELLED
        state = SlotState.CANCELLED if cancelled else SlotState.BOOKED
        await tx.plans.mark_slots(cmd.plan_id, cmd.revision, created, state, at=at)
        if not cancelled:
            booked = await tx.plans.move_members(
                cmd.plan_id, list(created), from_state=MemberState.PENDING,
                to_state=MemberState.BOOKED, at=at,
            )
        if booked:
            await tx.jobs.enqueue_many(  # each member's card goes out once their series exists
                SLOT_BOOKED_CARD,
                [
                    (
                        {"plan_id": cmd.plan_id, "member_id": member, "revision": cmd.revision},
                        f"slot-booked:{cmd.plan_id}:{cmd.revision}:{member}",
                    )
                    for member in booked
                ],
                run_at=at + await _card_hold(tx, cmd),
            )
        for failure, members in failures.items():
            moved = await tx.plans.move_members(
                cmd.plan_id, members, from_state=MemberState.PENDING,
                to_state=MemberState.FAILED, at=at, failure=failure,
            )
            failed += len(moved)
        if booked or failed:
            await tx.plans.count_progress(
                cmd.plan_id, cmd.revision, done=len(booked), failed=failed, at=at
            )
        # Nothing follows that could fail the job (series to take out again, members to
        # retry): done with its outcome. Sessions on days away are the scan's if removing
        # them below fails.
        finished = (
            job is not None and job.lease_owner is not None and not retry and not cancelled
            and await tx.jobs.finish(job.id, job.lease_owner)
        )
        await tx.commit()
    if cancelled:  # cancelled while we were creating them: take them out again
        await asyncio.gather(*(_delete_series(calendar, m, e) for m, e in created.items()))
        return ChunkOutcome(already=already, skipped=len(cmd.member_ids) - already)
    slots_by_member = {s.member_id: s for s in planned}
    await asyncio.gather(*(
        _clear_away(plan, slots_by_member[m], created[m], cmd.away[m], uow=uow,
                    calendar=calendar, clock=clock)
        for m in booked if cmd.away.get(m)
    ))
    if retry:
        first = retry[0]
        raise MembersStillThrottled(
            status=first.status,
            retry_after=first.retry_after if isinstance(first, GraphThrottled) else None,
        )
    return ChunkOutcome(
        booked=len(booked),
        already=already,
        failed=failed,
        skipped=len(cmd.member_ids) - len(booked) - already - failed,
        finished=finished,
    )


async def give_up_member_slots(
    cmd: BookMemberSlots, *, uow: Callable[[], UnitOfWork], clock: Clock
) -> int:
    """The chunk's job will not run again (its last attempt failed, or it cannot run at all):
    its members still pending are recorded `graph_unavailable`, so the run finishes, the
    manager sees who is missing, and booking again retries them (their transactionIds make a
    series that was created but not recorded come back as the same event). Returns how many."""
    at = clock.now()
    async with uow() as tx:
        plan = await tx.plans.get(cmd.plan_id)
        if plan is None or plan.revision != cmd.revision:
            return 0  # the plan is gone or edited: its members belong to another run now
        moved = await tx.plans.move_members(
            cmd.plan_id, list(cmd.member_ids), from_state=MemberState.PENDING,
            to_state=MemberState.FAILED, at=at, failure=MemberFailure.UNAVAILABLE,
        )
        if moved:
            await tx.plans.count_progress(cmd.plan_id, cmd.revision, failed=len(moved), at=at)
        await tx.commit()
    return len(moved)


async def _card_hold(tx: UnitOfWork, cmd: BookMemberSlots) -> timedelta:
    """A team's cards go at once; a run of more than one chunk holds them back a while, so the
    run's own jobs get the workers and Graph first (each card reads the directory, and Teams
    sends about 30 messages a second per tenant anyway)."""
    progress = await tx.plans.progress(cmd.plan_id, cmd.revision)
    return CARD_HOLD if progress is not None and progress.total > CHUNK else timedelta(0)


def _draft(plan: LearningPlan, slot: BookedSlot, languages: Mapping[str, str]) -> EventDraft:
    texts = slot_texts(languages.get(slot.member_id))
    return slot_event_draft(plan, slot.member_id, slot.slot_time, texts=texts)


def _failure(result: object, *, last_attempt: bool) -> MemberFailure | None:
    """The member's failure code, or None when the job should try them again."""
    for kind, failure in PERMANENT.items():
        if isinstance(result, kind):
            return failure
    return MemberFailure.UNAVAILABLE if last_attempt else None


async def _series_made(calendar: Calendar, plan: LearningPlan, member_id: str) -> str | None:
    """The id of the member's series of this revision if the calendar has it, else None (also
    when Graph cannot be asked either: then the member stays failed, to be booked again)."""
    wanted = slot_transaction_id(plan.id, member_id, plan.revision)
    try:
        marked = await calendar.marked_series(member_id, slot_marker(plan.id, member_id))
    except GraphError:
        return None
    return next(
        (e.id for e in marked if e.transaction_id == wanted and not e.is_cancelled), None
    )


async def _clear_away(
    plan: LearningPlan,
    slot: BookedSlot,
    series_id: str,
    days: Sequence[date],
    *,
    uow: Callable[[], UnitOfWork],
    calendar: Calendar,
    clock: Clock,
) -> None:
    """Take the sessions on days the member is away out of the new series and count them away
    (a stored AWAY is settled: the defend scan neither reads nor cards it again). A Graph
    error leaves it to that scan, which removes sessions on days away too."""
    due = [o for o in expected_occurrences(plan.spec, slot.slot_time, since=slot.since)
           if o.day in days]
    if not due:
        return
    window = TimeSpan(min(o.span.start for o in due), max(o.span.end for o in due))
    ref = SlotRef(slot.plan_id, slot.member_id, slot.revision)
    removed: list[StoredOccurrence] = []
    try:
        instances = await calendar.series_instances(slot.member_id, series_id, window)
        by_start = {(i.original_start or i.start): i for i in instances}
        for occurrence in due:
            instance = by_start.get(occurrence.span.start)
            if instance is None:
                continue
            await calendar.delete_event(slot.member_id, instance.id)
            removed.append(StoredOccurrence(ref, occurrence.key, occurrence.span, Outcome.AWAY,
                                            None, instance.id))
    except GraphError:
        pass  # what is still there is the scan's; what was removed is recorded below
    if not removed:
        return
    async with uow() as tx:
        await tx.occurrences.save_occurrences(removed, at=clock.now())
        await tx.commit()


async def _delete_series(calendar: Calendar, mailbox: str, event_id: str) -> bool:
    try:
        await calendar.delete_event(mailbox, event_id)
    except GraphNotFound:
        return False  # deleted already
    return True
