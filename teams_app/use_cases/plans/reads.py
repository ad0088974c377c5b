"""What every plan use case reads from Graph, and the preview values it answers with.

Shared by personal mode (`plans.py`, `booking.py`), team sessions (`team_sessions.py`), edits
and membership changes, so none of them imports another's module just for these.
Reads happen outside any transaction.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from teams_app.domain.bookings import MemberFailure
from teams_app.domain.calendar import Availability, MailboxSettings
from teams_app.domain.directory import Person
from teams_app.domain.errors import DomainError
from teams_app.domain.learning_plans import LearningPlan, MemberSourceKind
from teams_app.domain.planners import PlanningRights
from teams_app.domain.slots import Absence, MemberCalendar, SlotProblem, SlotTime, search_windows
from teams_app.ports import Calendar, Directory, GraphError, GraphNotFound
from teams_app.use_cases.planners import PlannerReads, not_allowed

SLOT_PROBLEMS = {
    SlotProblem.NO_FREE_TIME: MemberFailure.NO_FREE_TIME,
    SlotProblem.OUTSIDE_WORKING_HOURS: MemberFailure.OUTSIDE_WORKING_HOURS,
}


class UnknownPlan(DomainError):
    code = "plan_unknown"


@dataclass(frozen=True)
class MemberPreview:
    member_id: str
    slot: SlotTime | None  # None with a problem
    sessions: int = 0
    conflicts: tuple[date, ...] = ()  # local dates of sessions that collide
    problem: MemberFailure | None = None
    language: str | None = None  # mailboxSettings language, e.g. "sv-SE"; picks event texts
    away: tuple[date, ...] = ()  # local dates of sessions while out of office: not booked


@dataclass(frozen=True)
class TeamSessionPreview:
    """The one meeting time of a team plan (in the organiser's zone) and who cannot come."""

    organiser_id: str
    slot: SlotTime | None  # None with a problem
    sessions: int
    attendance: int  # member-sessions that can be attended
    possible: int
    absences: tuple[Absence, ...] = ()
    problem: MemberFailure | None = None

    @property
    def cannot_attend(self) -> tuple[str, ...]:
        return tuple(a.member_id for a in self.absences)


@dataclass(frozen=True)
class PlanPreview:
    plan_id: str
    revision: int
    members: tuple[MemberPreview, ...]  # in the directory's order
    team_session: TeamSessionPreview | None = None  # team-session plans only

    @property
    def bookable(self) -> tuple[MemberPreview, ...]:
        return tuple(m for m in self.members if m.slot is not None)

    @property
    def problems(self) -> tuple[MemberPreview, ...]:
        return tuple(m for m in self.members if m.problem is not None)

    @property
    def languages(self) -> dict[str, str]:
        """The mailbox language of each member whose mailbox settings were read."""
        return {m.member_id: m.language for m in self.members if m.language}


@dataclass(frozen=True)
class CancelReceipt:
    plan_id: str
    series_to_cancel: int  # one job each


@dataclass(frozen=True)
class MemberCalendars:
    calendars: list[MemberCalendar]  # people with a readable calendar, in the order given
    failures: dict[str, MemberFailure]  # the others, by object id
    languages: dict[str, str | None]  # by object id, for everyone with mailbox settings


async def resolve_members(
    plan: LearningPlan, directory: Directory, *, reads: PlannerReads | None = None
) -> tuple[list[Person], list[str]]:
    """The directory's people for the plan's member source, and the ids it does not know.
    `reads` (of the plan's owner) may be reading the owner's direct reports already."""
    source = plan.spec.members
    if source.kind is MemberSourceKind.GROUP:
        return await directory.group_members(source.group_id or ""), []
    if source.kind is MemberSourceKind.DIRECT_REPORTS:
        if reads is not None:
            return await reads.direct_reports(), []
        return await directory.direct_reports(plan.owner_id), []
    found = await asyncio.gather(*(known_person(directory, p) for p in source.people))
    people = [p for p in found if p is not None]
    unknown = [pid for pid, p in zip(source.people, found, strict=True) if p is None]
    return people, unknown


async def allowed_people(
    plan: LearningPlan, people: Sequence[Person], *, directory: Directory,
    rights: PlanningRights, reads: PlannerReads | None = None,
) -> tuple[list[Person], list[str]]:
    """The people the plan's owner may plan for, and the ids of those they may not."""
    refused = await not_allowed(
        plan.owner_id, [p.object_id for p in people], directory=directory, rights=rights,
        group_id=plan.spec.members.group_id, reads=reads,
    )
    return [p for p in people if p.object_id not in refused], list(refused)


async def members_allowed(
    plan: LearningPlan, *, directory: Directory, rights: PlanningRights,
    leavers: Collection[str] = (),
) -> tuple[list[Person], list[str], list[str]]:
    """The plan's people the owner may plan for, the ids refused, the ids the directory does
    not know; `leavers` (who left the plan themselves) are none of them. The owner's own facts
    are read while the members are: a group of 10,000 is eleven pages one after another, and
    the owner's 10,000 direct reports another eleven."""
    reads = PlannerReads.ahead(plan.owner_id, directory, rights)
    try:
        people, unknown = await resolve_members(plan, directory, reads=reads)
        people = [p for p in people if p.object_id not in leavers]
        unknown = [u for u in unknown if u not in leavers]
        plan.resolve_members([p.object_id for p in people] + unknown)  # NoMembers when empty
        people, refused = await allowed_people(
            plan, people, directory=directory, rights=rights, reads=reads)
    finally:
        reads.close()
    return people, refused, unknown


async def known_person(directory: Directory, object_id: str) -> Person | None:
    try:
        return await directory.user(object_id)
    except GraphNotFound:
        return None


async def read_calendars(
    plan: LearningPlan, people: Sequence[Person], calendar: Calendar
) -> MemberCalendars:
    # Read in $batches: for a large group these reads, not the creates, were most of the
    # booking's time (benchmarks/bench_plan_booking.py). Settings and free/busy do not depend on
    # each other, so both go at once; someone without a mailbox answers 404 to the first and
    # with an error inside the second.
    mailed = [p for p in people if p.mail]
    addresses = [p.mail or "" for p in mailed]
    read, answers = await asyncio.gather(
        calendar.mailbox_settings_batched([p.object_id for p in mailed]),
        asyncio.gather(*(calendar.free_busy(addresses, w) for w in search_windows(plan.spec))),
    )
    position = {p.object_id: n for n, p in enumerate(mailed)}

    def settings_of(person: Person) -> MailboxSettings | None:
        answer = read.get(person.object_id) if person.mail else None
        if isinstance(answer, GraphNotFound):
            return None
        if isinstance(answer, GraphError):
            raise answer  # throttled or down after the retries: the caller tries again later
        return answer

    settings = [settings_of(p) for p in people]
    with_mailbox = [(p, s) for p, s in zip(people, settings, strict=True) if s is not None]
    failures = {
        p.object_id: MemberFailure.NO_MAILBOX
        for p, s in zip(people, settings, strict=True)
        if s is None
    }
    languages = {p.object_id: s.language for p, s in with_mailbox}
    calendars: list[MemberCalendar] = []
    for person, mailbox in with_mailbox:
        per_window = [answer[position[person.object_id]] for answer in answers]
        if any(not a.known for a in per_window):
            failures[person.object_id] = MemberFailure.NO_MAILBOX
            continue
        merged = Availability(
            per_window[0].mailbox,
            busy=tuple(b for a in per_window for b in a.busy),
            working_hours=per_window[0].working_hours,
        )
        calendars.append(MemberCalendar.of(person.object_id, mailbox, merged))
    return MemberCalendars(calendars, failures, languages)
