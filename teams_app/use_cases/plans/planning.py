"""Learning plans: create one, preview its slots, cancel it (booking itself: `booking.py`).

Previewing reads Graph (who the members are, their zones, working hours and free/busy) outside
any transaction, then runs the pure slot finder. Every member comes back with a slot or with a
problem code: nobody is skipped silently (issue 4, "reported, not silently skipped").
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import timedelta

from teams_app.domain.bookings import MemberFailure, MemberState, SlotState
from teams_app.domain.directory import Person
from teams_app.domain.learning_plans import (
    CancelPlan,
    CreatePlan,
    DiscardPlan,
    LearningPlan,
    PlanMode,
    PlanStatus,
)
from teams_app.domain.plan_errors import PlanAlreadyCancelled
from teams_app.domain.planners import PlanningRights
from teams_app.domain.slot_days import away_days
from teams_app.domain.slots import PersonalSlotFinder
from teams_app.ports import Calendar, Clock, Directory, UnitOfWork
from teams_app.use_cases.plans.reads import (
    SLOT_PROBLEMS,
    CancelReceipt,
    MemberCalendars,
    MemberPreview,
    PlanPreview,
    UnknownPlan,
    members_allowed,
    read_calendars,
)
from teams_app.use_cases.plans.team_sessions import cancel_team_session, find_team_slot

__all__ = [
    "CANCEL_MEMBER_SLOT",
    "SWEEP_AFTER",
    "SWEEP_MEMBER_SERIES",
    "CancelReceipt",
    "MemberPreview",
    "PlanPreview",
    "PlanPeople",
    "PlanReceipt",
    "UnknownPlan",
    "cancel_plan",
    "create_plan",
    "discard_plan",
    "find_slots",
    "member_previews",
    "plan_people",
    "preview_plan",
]

CANCEL_MEMBER_SLOT = "plans.cancel_member_slot"  # job kind
SWEEP_MEMBER_SERIES = "plans.sweep_member_series"  # job kind; payload: plan_id, member_id
# A create still in flight when the plan is cancelled (a slow Graph answer, a job retrying)
# can land after the cancel's jobs ran; a second sweep this much later takes it out again.
SWEEP_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class PlanReceipt:
    plan_id: str
    revision: int


async def create_plan(
    cmd: CreatePlan, *, uow: UnitOfWork, clock: Clock, new_id: Callable[[], str]
) -> PlanReceipt:
    plan, created = LearningPlan.create(cmd, plan_id=new_id(), at=clock.now())
    async with uow:
        await uow.plans.add(plan)
        await uow.commit()
    return PlanReceipt(created.plan_id, created.revision)


async def preview_plan(
    plan_id: str,
    *,
    uow: UnitOfWork,
    calendar: Calendar,
    directory: Directory,
    rights: PlanningRights,
) -> PlanPreview:
    async with uow:
        plan = await uow.plans.get(plan_id)
    if plan is None:
        raise UnknownPlan(plan_id)
    return await find_slots(plan, calendar=calendar, directory=directory, rights=rights)


async def cancel_plan(cmd: CancelPlan, *, uow: UnitOfWork, clock: Clock) -> CancelReceipt:
    """Marks the plan cancelled and queues one job per booked or planned series, in the same
    transaction; the jobs remove the series (idempotent: a series already gone is fine)."""
    at = clock.now()
    async with uow:
        plan = await uow.plans.get(cmd.plan_id)
        if plan is None:
            raise UnknownPlan(cmd.plan_id)
        if plan.spec.mode is PlanMode.TEAM_SESSION:
            return await cancel_team_session(plan, cmd, uow=uow, at=at)
        cancelled, event = plan.cancel(cmd, at=at)
        await uow.plans.save(cancelled)
        queued = 0
        for slot in await uow.plans.slots(plan.id):
            if slot.state is SlotState.CANCELLED:
                continue
            await uow.jobs.enqueue(
                CANCEL_MEMBER_SLOT,
                {"plan_id": plan.id, "member_id": slot.member_id, "revision": slot.revision},
                idempotency_key=f"cancel:{plan.id}:{slot.revision}:{slot.member_id}",
            )
            queued += 1
        for member in await uow.plans.members(plan.id):
            if member.state is MemberState.PENDING:  # its booking job will find the plan gone
                await uow.plans.set_member(plan.id, member.member_id, MemberState.RELEASED, at=at)
            # Whatever was recorded: every series the plan made for anyone who was ever in it.
            await uow.jobs.enqueue(
                SWEEP_MEMBER_SERIES,
                {"plan_id": plan.id, "member_id": member.member_id},
                run_at=at + SWEEP_AFTER,
                idempotency_key=f"sweep:{plan.id}:{member.member_id}",
            )
        await uow.commit()
    return CancelReceipt(event.plan_id, queued)


async def discard_plan(cmd: DiscardPlan, *, uow: UnitOfWork, clock: Clock) -> None:
    """Takes a draft that was never booked out of the owner's plans (PlanAlreadyBooked once
    booking has touched it: then it is cancelled). Nothing was booked, so no job follows."""
    async with uow:
        plan = await uow.plans.get(cmd.plan_id)
        if plan is None:
            raise UnknownPlan(cmd.plan_id)
        booked = (
            bool(await uow.plans.members(plan.id))
            or bool(await uow.plans.slots(plan.id))
            or await uow.plans.progress(plan.id, plan.revision) is not None
        )
        await uow.plans.save(plan.discard(cmd, booked=booked, at=clock.now()))
        await uow.commit()


# --- finding slots (shared with booking) ------------------------------------------------------


async def find_slots(
    plan: LearningPlan,
    *,
    calendar: Calendar,
    directory: Directory,
    rights: PlanningRights,
    leavers: Collection[str] = (),
) -> PlanPreview:
    """Members the owner may not plan for come back with NOT_ALLOWED, their calendars
    unread; the callers refuse the plan (drafts) or book only the others (booking). Members
    who left the plan themselves (`leavers`) are no part of it: no slot is found for them."""
    if plan.status is PlanStatus.CANCELLED:
        raise PlanAlreadyCancelled()
    if plan.spec.mode is PlanMode.TEAM_SESSION:
        return await find_team_slot(plan, calendar=calendar, directory=directory, rights=rights)
    who = await plan_people(plan, directory=directory, rights=rights, leavers=leavers)
    read = await read_calendars(plan, who.people, calendar)
    previews = member_previews(plan, who.people, read, PersonalSlotFinder(plan.spec))
    return PlanPreview(plan.id, plan.revision, (*previews, *who.problems))


@dataclass(frozen=True)
class PlanPeople:
    """Who a personal plan is for, from the directory: the people whose calendars are read,
    and the ids that cannot be planned (the owner may not plan for them, or nobody knows them)."""

    people: list[Person]
    refused: list[str]
    unknown: list[str]

    @property
    def problems(self) -> tuple[MemberPreview, ...]:
        return (
            *(MemberPreview(m, None, problem=MemberFailure.NOT_ALLOWED) for m in self.refused),
            *(MemberPreview(m, None, problem=MemberFailure.OUTSIDE_TENANT) for m in self.unknown),
        )


async def plan_people(
    plan: LearningPlan,
    *,
    directory: Directory,
    rights: PlanningRights,
    leavers: Collection[str] = (),
) -> PlanPeople:
    people, refused, unknown = await members_allowed(
        plan, directory=directory, rights=rights, leavers=leavers)
    return PlanPeople(people, refused, unknown)


def member_previews(
    plan: LearningPlan,
    people: Sequence[Person],
    read: MemberCalendars,
    finder: PersonalSlotFinder,
) -> list[MemberPreview]:
    """Each person's slot, or the problem, from their calendars (`read`); `finder` carries
    the team's load from the people it placed before."""
    found = {m.member_id: m for m in finder.place(read.calendars).members}
    calendars = {c.member_id: c for c in read.calendars}
    previews: list[MemberPreview] = []
    for person in people:
        member = found.get(person.object_id)
        language = read.languages.get(person.object_id)
        if member is None:
            problem = read.failures[person.object_id]
            previews.append(MemberPreview(person.object_id, None, problem=problem))
        elif member.problem is not None:
            problem = SLOT_PROBLEMS[member.problem]
            previews.append(
                MemberPreview(member.member_id, None, problem=problem, language=language)
            )
        else:
            away = calendars[member.member_id].away
            previews.append(
                MemberPreview(
                    member.member_id, member.slot, member.sessions, member.conflicts,
                    language=language,
                    away=away_days(plan.spec, member.slot, away) if member.slot and away else (),
                )
            )
    return previews


async def left_members(uow: UnitOfWork, plan_id: str) -> frozenset[str]:
    """Who left the plan themself, inside the caller's transaction: no slot is found for them."""
    return frozenset(
        m.member_id for m in await uow.plans.members(plan_id) if m.state is MemberState.LEFT
    )
