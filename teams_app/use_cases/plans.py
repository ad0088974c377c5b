"""Learning plans: create one, preview its slots, cancel it (booking itself: `booking.py`).

Previewing reads Graph (who the members are, their zones, working hours and free/busy) outside
any transaction, then runs the pure slot finder. Every member comes back with a slot or with a
problem code: nobody is skipped silently (issue 4, "reported, not silently skipped").
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from teams_app.domain.bookings import MemberFailure, MemberState, SlotState
from teams_app.domain.calendar import Availability, MailboxSettings
from teams_app.domain.directory import Person
from teams_app.domain.errors import DomainError
from teams_app.domain.learning_plans import (
    CancelPlan,
    CreatePlan,
    LearningPlan,
    MemberSourceKind,
    PlanAlreadyCancelled,
    PlanMode,
    PlanStatus,
)
from teams_app.domain.slots import (
    MemberCalendar,
    SlotProblem,
    SlotTime,
    find_personal_slots,
    search_windows,
)
from teams_app.ports import (
    Calendar,
    Clock,
    Directory,
    GraphNotFound,
    UnitOfWork,
)

CANCEL_MEMBER_SLOT = "plans.cancel_member_slot"  # job kind

_SLOT_PROBLEMS = {
    SlotProblem.NO_FREE_TIME: MemberFailure.NO_FREE_TIME,
    SlotProblem.OUTSIDE_WORKING_HOURS: MemberFailure.OUTSIDE_WORKING_HOURS,
}


class UnknownPlan(DomainError):
    code = "plan_unknown"


class TeamSessionNotSupported(DomainError):
    """Team-session plans are stored and validated, but not previewed or booked yet."""

    code = "plan_mode_unsupported"


@dataclass(frozen=True)
class PlanReceipt:
    plan_id: str
    revision: int


@dataclass(frozen=True)
class MemberPreview:
    member_id: str
    slot: SlotTime | None  # None with a problem
    sessions: int = 0
    conflicts: tuple[date, ...] = ()  # local dates of sessions that collide
    problem: MemberFailure | None = None


@dataclass(frozen=True)
class PlanPreview:
    plan_id: str
    revision: int
    members: tuple[MemberPreview, ...]  # in the directory's order

    @property
    def bookable(self) -> tuple[MemberPreview, ...]:
        return tuple(m for m in self.members if m.slot is not None)

    @property
    def problems(self) -> tuple[MemberPreview, ...]:
        return tuple(m for m in self.members if m.problem is not None)


@dataclass(frozen=True)
class CancelReceipt:
    plan_id: str
    series_to_cancel: int  # one job each


async def create_plan(
    cmd: CreatePlan, *, uow: UnitOfWork, clock: Clock, new_id: Callable[[], str]
) -> PlanReceipt:
    plan, created = LearningPlan.create(cmd, plan_id=new_id(), at=clock.now())
    async with uow:
        await uow.plans.add(plan)
        await uow.commit()
    return PlanReceipt(created.plan_id, created.revision)


async def preview_plan(
    plan_id: str, *, uow: UnitOfWork, calendar: Calendar, directory: Directory
) -> PlanPreview:
    async with uow:
        plan = await uow.plans.get(plan_id)
    if plan is None:
        raise UnknownPlan(plan_id)
    return await find_slots(plan, calendar=calendar, directory=directory)


async def cancel_plan(cmd: CancelPlan, *, uow: UnitOfWork, clock: Clock) -> CancelReceipt:
    """Marks the plan cancelled and queues one job per booked or planned series, in the same
    transaction; the jobs remove the series (idempotent: a series already gone is fine)."""
    at = clock.now()
    async with uow:
        plan = await uow.plans.get(cmd.plan_id)
        if plan is None:
            raise UnknownPlan(cmd.plan_id)
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
        await uow.commit()
    return CancelReceipt(event.plan_id, queued)


# --- finding slots (shared with booking) ------------------------------------------------------


async def find_slots(
    plan: LearningPlan, *, calendar: Calendar, directory: Directory
) -> PlanPreview:
    if plan.spec.mode is PlanMode.TEAM_SESSION:
        raise TeamSessionNotSupported(plan.id)
    if plan.status is PlanStatus.CANCELLED:
        raise PlanAlreadyCancelled()
    people, unknown = await _resolve_members(plan, directory)
    plan.resolve_members([p.object_id for p in people] + unknown)  # NoMembers when empty
    calendars, no_mailbox = await _read_calendars(plan, people, calendar)
    found = {m.member_id: m for m in find_personal_slots(plan.spec, calendars).members}
    previews: list[MemberPreview] = []
    for person in people:
        member = found.get(person.object_id)
        if member is None:
            problem = no_mailbox[person.object_id]
            previews.append(MemberPreview(person.object_id, None, problem=problem))
        elif member.problem is not None:
            problem = _SLOT_PROBLEMS[member.problem]
            previews.append(MemberPreview(member.member_id, None, problem=problem))
        else:
            previews.append(
                MemberPreview(member.member_id, member.slot, member.sessions, member.conflicts)
            )
    previews += [MemberPreview(m, None, problem=MemberFailure.OUTSIDE_TENANT) for m in unknown]
    return PlanPreview(plan.id, plan.revision, tuple(previews))


async def _resolve_members(
    plan: LearningPlan, directory: Directory
) -> tuple[list[Person], list[str]]:
    """The directory's people for the plan's member source, and the ids it does not know."""
    source = plan.spec.members
    if source.kind is MemberSourceKind.GROUP:
        return await directory.group_members(source.group_id or ""), []
    if source.kind is MemberSourceKind.DIRECT_REPORTS:
        return await directory.direct_reports(plan.owner_id), []

    async def lookup(object_id: str) -> Person | None:
        try:
            return await directory.user(object_id)
        except GraphNotFound:
            return None

    found = await asyncio.gather(*(lookup(p) for p in source.people))
    people = [p for p in found if p is not None]
    unknown = [pid for pid, p in zip(source.people, found, strict=True) if p is None]
    return people, unknown


async def _read_calendars(
    plan: LearningPlan, people: Sequence[Person], calendar: Calendar
) -> tuple[list[MemberCalendar], dict[str, MemberFailure]]:
    async def settings_of(person: Person) -> MailboxSettings | None:
        if not person.mail:
            return None
        try:
            return await calendar.mailbox_settings(person.object_id)
        except GraphNotFound:
            return None

    settings = await asyncio.gather(*(settings_of(p) for p in people))
    with_mailbox = [(p, s) for p, s in zip(people, settings, strict=True) if s is not None]
    no_mailbox = {
        p.object_id: MemberFailure.NO_MAILBOX
        for p, s in zip(people, settings, strict=True)
        if s is None
    }
    addresses = [p.mail or p.user_principal_name for p, _ in with_mailbox]
    answers: list[list[Availability]] = [
        await calendar.free_busy(addresses, window) for window in search_windows(plan.spec)
    ]
    calendars: list[MemberCalendar] = []
    for index, (person, mailbox) in enumerate(with_mailbox):
        per_window = [answer[index] for answer in answers]
        if any(not a.known for a in per_window):
            no_mailbox[person.object_id] = MemberFailure.NO_MAILBOX
            continue
        merged = Availability(
            per_window[0].mailbox,
            busy=tuple(b for a in per_window for b in a.busy),
            working_hours=per_window[0].working_hours,
        )
        calendars.append(MemberCalendar.of(person.object_id, mailbox, merged))
    return calendars, no_mailbox
