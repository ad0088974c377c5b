"""Team-session plans: one recurring Teams meeting for everyone, owned by the plan owner.

Preview picks the time the most member-sessions can attend (the owner's calendar counts too)
and lists who cannot come. Booking stores that time as ONE slot of the owner and queues one
job, which creates the online meeting with the members invited; Exchange puts it in each
member's calendar. Every invited member is booked when the meeting exists, so progress jumps
from 0 to all at once. Cancelling cancels the meeting (attendees get the cancellation).

`plans.py` and `booking.py` dispatch here from the top of preview, book and cancel.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from teams_app.domain.bookings import (
    BookedSlot,
    BookingProgress,
    MemberFailure,
    MemberState,
    SlotState,
    progress_of,
)
from teams_app.domain.calendar import Attendee, EventChanges, MailboxSettings
from teams_app.domain.directory import Person
from teams_app.domain.errors import DomainError
from teams_app.domain.learning_plans import CancelPlan, LearningPlan, PlanStatus
from teams_app.domain.plan_errors import PlanAlreadyCancelled
from teams_app.domain.planners import PlanningRights
from teams_app.domain.slot_days import slot_in_zone
from teams_app.domain.slot_events import (
    TEAM_SESSION_MEMBER,
    SlotTexts,
    slot_transaction_id,
    team_session_draft,
)
from teams_app.domain.slots import find_team_session
from teams_app.ports import (
    Calendar,
    Clock,
    Directory,
    GraphForbidden,
    GraphNotFound,
    GraphRejected,
    GraphThrottled,
    GraphUnavailable,
    UnitOfWork,
)
from teams_app.use_cases.languages import remember_mailbox_languages
from teams_app.use_cases.plans.event_texts import slot_texts
from teams_app.use_cases.plans.reads import (
    SLOT_PROBLEMS,
    CancelReceipt,
    MemberPreview,
    PlanPreview,
    TeamSessionPreview,
    UnknownPlan,
    known_person,
    members_allowed,
    read_calendars,
    resolve_members,
)

BOOK_TEAM_SESSION = "plans.book_team_session"  # job kinds
CANCEL_TEAM_SESSION = "plans.cancel_team_session"

PERMANENT_FAILURES: dict[type[Exception], MemberFailure] = {
    GraphNotFound: MemberFailure.NO_MAILBOX,
    GraphForbidden: MemberFailure.FORBIDDEN,
    GraphRejected: MemberFailure.REJECTED,
}


class OrganiserWithoutMailbox(DomainError):
    """The plan owner has no mailbox to hold the meeting (or left the tenant)."""

    code = "plan_organiser_no_mailbox"


@dataclass(frozen=True)
class TeamBookingStarted:
    queued: int
    problems: tuple[MemberPreview, ...]
    progress: BookingProgress
    preview: PlanPreview


@dataclass(frozen=True)
class BookTeamSession:
    plan_id: str
    revision: int
    last_attempt: bool = False


class SessionOutcome(StrEnum):
    BOOKED = "booked"
    ALREADY_BOOKED = "already_booked"
    SKIPPED = "skipped"  # cancelled or edited since the job was queued
    FAILED = "failed"


# --- preview ---------------------------------------------------------------------------------


async def find_team_slot(
    plan: LearningPlan, *, calendar: Calendar, directory: Directory, rights: PlanningRights
) -> PlanPreview:
    people, refused, unknown = await members_allowed(plan, directory=directory, rights=rights)
    member_ids = {p.object_id for p in people}
    organiser = await known_person(directory, plan.owner_id)
    if organiser is None or not organiser.mail:
        raise OrganiserWithoutMailbox(plan.id)
    everyone = people if plan.owner_id in member_ids else [*people, organiser]
    read = await read_calendars(plan, everyone, calendar)
    if plan.owner_id in read.failures:
        raise OrganiserWithoutMailbox(plan.id)
    organiser_zone = next(c.time_zone for c in read.calendars if c.member_id == plan.owner_id)
    found = find_team_session(plan.spec, organiser_zone, read.calendars)
    problem = SLOT_PROBLEMS[found.problem] if found.problem is not None else None
    missed = {a.member_id: a.dates for a in found.absences}
    zones = {c.member_id: c.time_zone for c in read.calendars}
    previews: list[MemberPreview] = []
    for person in people:
        failure = read.failures.get(person.object_id)
        language = read.languages.get(person.object_id)
        if failure is not None:
            previews.append(MemberPreview(person.object_id, None, problem=failure))
        elif found.slot is None:
            previews.append(
                MemberPreview(person.object_id, None, problem=problem, language=language)
            )
        else:
            # The one meeting, told in each person's own zone (their "time" column).
            previews.append(
                MemberPreview(
                    person.object_id,
                    slot_in_zone(found.slot, zones.get(person.object_id, organiser_zone),
                                 near=plan.spec.horizon.start),
                    found.sessions,
                    missed.get(person.object_id, ()),
                    language=language,
                )
            )
    previews += [MemberPreview(m, None, problem=MemberFailure.NOT_ALLOWED) for m in refused]
    previews += [MemberPreview(m, None, problem=MemberFailure.OUTSIDE_TENANT) for m in unknown]
    session = TeamSessionPreview(
        plan.owner_id,
        found.slot,
        found.sessions,
        found.attendance,
        found.possible,
        found.absences,
        problem,
    )
    return PlanPreview(plan.id, plan.revision, tuple(previews), team_session=session)


# --- booking ---------------------------------------------------------------------------------


async def book_team_session(
    plan: LearningPlan,
    *,
    uow: Callable[[], UnitOfWork],
    calendar: Calendar,
    directory: Directory,
    clock: Clock,
    rights: PlanningRights,
) -> TeamBookingStarted:
    """Stores the chosen time as the owner's slot, marks the invited members pending and
    queues the one job that creates the meeting. Re-running queues nothing new."""
    preview = await find_team_slot(plan, calendar=calendar, directory=directory, rights=rights)
    session = preview.team_session
    assert session is not None
    at = clock.now()
    queued = 0
    async with uow() as tx:
        current = await tx.plans.get(plan.id)
        if current is None or current.revision != plan.revision:
            raise UnknownPlan(plan.id)
        if current.status is PlanStatus.CANCELLED:
            raise PlanAlreadyCancelled()
        known = {m.member_id: m.state for m in await tx.plans.members(plan.id)}
        invited = [m for m in preview.members if m.slot is not None]
        for member in preview.members:
            if member.slot is None and known.get(member.member_id) is not MemberState.BOOKED:
                await tx.plans.set_member(
                    plan.id, member.member_id, MemberState.FAILED, at=at, failure=member.problem
                )
        if session.slot is not None and invited:
            slot = session.slot
            await tx.plans.plan_slot(
                BookedSlot(
                    plan.id,
                    plan.owner_id,
                    plan.revision,
                    slot_transaction_id(plan.id, TEAM_SESSION_MEMBER, plan.revision),
                    slot.days,
                    slot.start,
                    slot.time_zone,
                ),
                at=at,
            )
            job_id = await tx.jobs.enqueue(
                BOOK_TEAM_SESSION,
                {"plan_id": plan.id, "revision": plan.revision},
                idempotency_key=f"team:{plan.id}:{plan.revision}",
            )
            queued = int(job_id is not None)
            for member in invited:
                if known.get(member.member_id) not in (MemberState.BOOKED, MemberState.PENDING):
                    await tx.plans.set_member(plan.id, member.member_id, MemberState.PENDING, at=at)
        await remember_mailbox_languages(tx, preview.languages, at=at)  # for their cards
        progress = progress_of(plan.id, plan.revision, await tx.plans.members(plan.id), at=at)
        await tx.plans.save_progress(progress)
        await tx.commit()
    return TeamBookingStarted(queued, preview.problems, progress, preview)


async def book_team_session_job(
    cmd: BookTeamSession,
    *,
    uow: Callable[[], UnitOfWork],
    calendar: Calendar,
    directory: Directory,
    clock: Clock,
) -> SessionOutcome:
    """The job: create the meeting in the owner's calendar, invite the pending and booked
    members, book them all. GraphThrottled/GraphUnavailable propagate except on the last try."""
    async with uow() as tx:
        plan = await tx.plans.get(cmd.plan_id)
        slot = await tx.plans.slot(cmd.plan_id, plan.owner_id if plan else "", cmd.revision)
        members = await tx.plans.members(cmd.plan_id)
    if plan is None:
        raise UnknownPlan(cmd.plan_id)
    if slot is None or plan.revision != cmd.revision or plan.status is PlanStatus.CANCELLED:
        return SessionOutcome.SKIPPED
    if slot.state is not SlotState.PLANNED:
        return (
            SessionOutcome.ALREADY_BOOKED
            if slot.state is SlotState.BOOKED
            else SessionOutcome.SKIPPED
        )
    wanted = {m.member_id for m in members if m.state in (MemberState.PENDING, MemberState.BOOKED)}
    attendees = await invitees(plan, wanted, directory)
    try:
        language = (await calendar.mailbox_settings(plan.owner_id)).language
        draft = team_session_draft(
            plan, slot.slot_time, attendees, texts=slot_texts(language), since=slot.since,
            attendee_texts=await attendee_languages(calendar, attendees),
        )
        event = await calendar.create_event(plan.owner_id, draft)
    except (GraphNotFound, GraphForbidden, GraphRejected) as error:
        await _fail_pending(cmd, uow, PERMANENT_FAILURES[type(error)], clock)
        return SessionOutcome.FAILED
    except (GraphThrottled, GraphUnavailable):
        if not cmd.last_attempt:
            raise
        await _fail_pending(cmd, uow, MemberFailure.UNAVAILABLE, clock)
        return SessionOutcome.FAILED
    invited = {a.object_id for a in attendees} | {plan.owner_id}
    at = clock.now()
    async with uow() as tx:
        current = await tx.plans.get(cmd.plan_id)
        cancelled = current is None or current.status is PlanStatus.CANCELLED
        await tx.plans.mark_slot(
            slot, SlotState.CANCELLED if cancelled else SlotState.BOOKED, at=at, event_id=event.id
        )
        for member in await tx.plans.members(cmd.plan_id):
            if member.state is not MemberState.PENDING or cancelled:
                continue
            # A member who left the source while the job ran is not invited: released.
            to_state = MemberState.BOOKED if member.member_id in invited else MemberState.RELEASED
            await tx.plans.move_member(
                cmd.plan_id, member.member_id, from_state=MemberState.PENDING,
                to_state=to_state, at=at,
            )
        if not cancelled:  # the one job of the run: recounting from member states is exact
            members = await tx.plans.members(cmd.plan_id)
            await tx.plans.save_progress(progress_of(plan.id, cmd.revision, members, at=at))
        await tx.commit()
    if cancelled:  # cancelled while we were creating it: cancel it again
        await cancel_meeting(calendar, plan.owner_id, event.id)
        return SessionOutcome.SKIPPED
    return SessionOutcome.BOOKED


async def attendee_languages(
    calendar: Calendar, attendees: Sequence[Person]
) -> list[SlotTexts]:
    """The event texts of every language the attendees read Outlook in, in their order. A
    mailbox whose settings cannot be read counts as none (the organiser's language stays)."""
    if not attendees:
        return []
    settings = await calendar.mailbox_settings_batched([a.object_id for a in attendees])
    return [
        slot_texts(found.language)
        for a in attendees
        if isinstance(found := settings.get(a.object_id), MailboxSettings) and found.language
    ]


async def invitees(plan: LearningPlan, wanted: set[str], directory: Directory) -> list[Person]:
    """The people of the member source who should be invited (the directory decides who is
    still a member: someone who left is not invited even if they were pending)."""
    people, _unknown = await resolve_members(plan, directory)
    return [p for p in people if p.object_id in wanted and p.mail]


# --- cancelling -----------------------------------------------------------------------------


async def cancel_team_session(
    plan: LearningPlan, cmd: CancelPlan, *, uow: UnitOfWork, at: datetime
) -> CancelReceipt:
    """Called by `cancel_plan` inside its open unit of work."""
    cancelled, event = plan.cancel(cmd, at=at)
    await uow.plans.save(cancelled)
    meetings = [s for s in await uow.plans.slots(plan.id) if s.state is not SlotState.CANCELLED]
    if meetings:
        await uow.jobs.enqueue(
            CANCEL_TEAM_SESSION,
            {"plan_id": plan.id},
            idempotency_key=f"cancel-team:{plan.id}",
        )
    for member in await uow.plans.members(plan.id):
        if member.state is MemberState.PENDING:  # the booking job finds the plan cancelled
            await uow.plans.set_member(plan.id, member.member_id, MemberState.RELEASED, at=at)
    await uow.commit()
    return CancelReceipt(event.plan_id, len(meetings))


async def cancel_team_session_job(
    plan_id: str, *, uow: Callable[[], UnitOfWork], calendar: Calendar, clock: Clock
) -> int:
    """Cancels every meeting the plan booked (one per revision that was rebooked and not
    replaced yet); attendees get the cancellation. Returns how many were cancelled."""
    async with uow() as tx:
        plan = await tx.plans.get(plan_id)
        slots = [s for s in await tx.plans.slots(plan_id) if s.state is not SlotState.CANCELLED]
    if plan is None:
        raise UnknownPlan(plan_id)
    removed = 0
    for slot in slots:
        if slot.state is SlotState.BOOKED and slot.event_id:
            removed += await cancel_meeting(calendar, slot.member_id, slot.event_id)
    at = clock.now()
    async with uow() as tx:
        for slot in slots:
            await tx.plans.mark_slot(slot, SlotState.CANCELLED, at=at)
        for member in await tx.plans.members(plan_id):
            await tx.plans.move_member(
                plan_id, member.member_id, from_state=MemberState.BOOKED,
                to_state=MemberState.RELEASED, at=at,
            )
        await tx.commit()
    return removed


async def cancel_meeting(calendar: Calendar, organiser: str, event_id: str) -> bool:
    try:
        await calendar.cancel_event(organiser, event_id)
    except GraphNotFound:
        return False  # gone already (deleted by the owner, or an earlier run of this job)
    return True


async def update_attendees(
    calendar: Calendar, organiser: str, event_id: str, attendees: Sequence[Person]
) -> None:
    """Invite exactly these people (Exchange invites the new ones and cancels for the
    removed ones)."""
    invited = tuple(
        Attendee(address=p.mailbox, name=p.display_name)
        for p in attendees
        if p.object_id != organiser
    )
    await calendar.update_event(organiser, event_id, EventChanges(attendees=invited))


async def _fail_pending(
    cmd: BookTeamSession, uow: Callable[[], UnitOfWork], failure: MemberFailure, clock: Clock
) -> None:
    at = clock.now()
    async with uow() as tx:
        failed = 0
        for member in await tx.plans.members(cmd.plan_id):
            if member.state is MemberState.PENDING and await tx.plans.move_member(
                cmd.plan_id, member.member_id, from_state=MemberState.PENDING,
                to_state=MemberState.FAILED, at=at, failure=failure,
            ):
                failed += 1
        if failed:
            await tx.plans.count_progress(cmd.plan_id, cmd.revision, failed=failed, at=at)
        await tx.commit()
