"""What a manager reads about their plans: the list with kept vs booked hours, how a booking
run is going, and the names to show for member ids. Read only."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from teams_app.domain.bookings import (
    OUT_OF_PLAN,
    BookedSlot,
    BookingProgress,
    EditCounts,
    EditKind,
    MemberState,
    PlanMember,
    RunState,
    edit_counts,
)
from teams_app.domain.calendar import TimeSpan
from teams_app.domain.learning_plans import LearningPlan
from teams_app.domain.occurrence_records import StoredOccurrence
from teams_app.domain.occurrences import (
    Tally,
    expected_occurrences,
    tally,
)
from teams_app.domain.reach import UnreachablePerson
from teams_app.ports import Clock, UnitOfWork
from teams_app.use_cases.learning_hours import accounted, person_hours

# Shared with campaigns; kept importable from here for the plan modules that use them.
from teams_app.use_cases.people_choices import PlanPeople as PlanPeople
from teams_app.use_cases.people_choices import plan_people as plan_people
from teams_app.use_cases.people_names import people_names as people_names
from teams_app.use_cases.plans.planning import UnknownPlan


@dataclass(frozen=True)
class PlanReport:
    plan: LearningPlan
    members: int | None  # members booked or being booked; None before the first booking
    progress: BookingProgress | None  # of the current revision; None before booking
    hours: Tally  # over every session recorded so far
    # Members the bot cannot reach in Teams (their cards are missed), and how many cards of
    # this plan never reached anyone, owner included.
    unreachable: tuple[UnreachablePerson, ...] = ()
    missed_cards: int = 0


@dataclass(frozen=True)
class MembershipReport:
    """A plan the person is in and does not own: their own slot and what it came to."""

    plan: LearningPlan
    slot: BookedSlot  # of the current revision, booked
    next_session: TimeSpan | None  # the first session still ahead
    hours: Tally  # the person's own sessions, over every revision (a team session's: all)
    member_id: str  # the person (a team session's slot is its organiser's)


@dataclass(frozen=True)
class BookingStatus:
    plan: LearningPlan
    progress: BookingProgress | None
    failures: tuple[PlanMember, ...]  # members that could not be booked, with their code
    unreachable: tuple[UnreachablePerson, ...] = ()  # members no card can reach, and why


async def list_plans(owner_id: str, *, uow: UnitOfWork, clock: Clock) -> list[PlanReport]:
    """The owner's active plans, newest first and drafts last, with what their sessions came
    to."""
    at = clock.now()
    async with uow:
        plans = await uow.plans.plans_of(owner_id)
        stored = await uow.occurrences.plan_occurrences([p.id for p in plans]) if plans else []
        members = {p.id: await uow.plans.members(p.id) for p in plans}
        progress = {p.id: await uow.plans.progress(p.id, p.revision) for p in plans}
        missed = {p.id: len(await uow.occurrences.card_misses(p.id)) for p in plans}
        unreachable = await uow.conversations.unreachable_among(
            [m.member_id for ms in members.values() for m in ms if m.state not in OUT_OF_PLAN]
        )
    by_plan: dict[str, list[StoredOccurrence]] = defaultdict(list)
    for occurrence in stored:
        by_plan[occurrence.slot.plan_id].append(occurrence)
    reports: list[PlanReport] = []
    for plan in plans:
        current = [m for m in members[plan.id] if m.state not in OUT_OF_PLAN]
        reports.append(
            PlanReport(
                plan,
                len(current) if members[plan.id] else None,
                progress[plan.id],
                tally([accounted(o) for o in by_plan[plan.id]], at=at),
                _unreachable_of(current, unreachable),
                missed[plan.id],
            )
        )
    # Drafts never booked go after the real plans: a pile of abandoned previews must not
    # push the plans that hold people's time down the list (sort is stable: newest first).
    return sorted(reports, key=lambda r: r.progress is None)


async def member_plans(
    member_id: str, *, uow: UnitOfWork, clock: Clock
) -> list[MembershipReport]:
    """The plans `member_id` is booked in and does not own, the next session first: their own
    series, or a team session's meeting (the organiser's slot; its sessions are everyone's)."""
    at = clock.now()
    async with uow:
        booked = await person_hours(uow, member_id, at=at)
    reports = []
    for item in booked:
        plan, slot = item.plan, item.slot
        if plan.owner_id == member_id:
            continue  # the owner sees their plan in their own list
        ahead = (o.span for o in expected_occurrences(plan.spec, slot.slot_time) if o.span.end > at)
        reports.append(MembershipReport(plan, slot, next(ahead, None), item.hours, member_id))
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(reports, key=lambda r: r.next_session.start if r.next_session else far)


async def booking_status(plan_id: str, revision: int, *, uow: UnitOfWork) -> BookingStatus:
    async with uow:
        plan = await uow.plans.get(plan_id)
        if plan is None:
            raise UnknownPlan(plan_id)
        progress = await uow.plans.progress(plan_id, revision)
        members = await uow.plans.members(plan_id)
        current = [m for m in members if m.state not in OUT_OF_PLAN]
        unreachable = await uow.conversations.unreachable_among([m.member_id for m in current])
    failures = tuple(m for m in members if m.state is MemberState.FAILED)
    return BookingStatus(plan, progress, failures, _unreachable_of(current, unreachable))


def _unreachable_of(
    members: Sequence[PlanMember], unreachable: Mapping[str, UnreachablePerson]
) -> tuple[UnreachablePerson, ...]:
    return tuple(unreachable[m.member_id] for m in members if m.member_id in unreachable)


@dataclass(frozen=True)
class EditReport:
    """What a saved edit did, for the manager's card."""

    plan: LearningPlan
    kind: EditKind
    counts: EditCounts
    failures: tuple[PlanMember, ...]  # members without a series now, with their code


async def edit_report(
    plan_id: str, revision: int, kind: EditKind, *, uow: UnitOfWork
) -> EditReport:
    async with uow:
        plan = await uow.plans.get(plan_id)
        if plan is None:
            raise UnknownPlan(plan_id)
        progress = await uow.plans.progress(plan_id, revision)
        members = await uow.plans.members(plan_id)
        slots = await uow.plans.slots(plan_id)
    failures = tuple(m for m in members if m.state is MemberState.FAILED)
    return EditReport(plan, kind, edit_counts(kind, revision, slots, progress), failures)


async def running_booking(
    plan_id: str, by: str, *, uow: UnitOfWork, revision: int | None = None
) -> BookingStatus | None:
    """The owner's run of the plan's current revision while it is still running (an edit that
    rebooks starts one), else None. Unknown, not the owner's or cancelled: the plan errors;
    `revision` older than the plan's: PlanChanged."""
    async with uow:
        plan = await uow.plans.get(plan_id)
        progress = await uow.plans.progress(plan_id, plan.revision) if plan else None
    if plan is None:
        raise UnknownPlan(plan_id)
    plan.require_action_by(by, revision)
    if progress is None or progress.state is not RunState.RUNNING:
        return None
    return BookingStatus(plan, progress, ())
