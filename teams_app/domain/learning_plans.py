"""A learning plan: a manager's recurring learning-time rule for a group (DESIGN.md section 2).

Pure: the clock arrives as `at`, ids as arguments. The plan says *what* to book (who, how often,
how long, inside which local window, over which horizon); the slot finder (`slots.py`) decides
*when* for each member, and `slot_events.py` turns a decided slot into an Outlook event draft.

Times in the window are wall-clock times that every member reads in their own time zone, so
"Mon–Thu 09:00–16:00" means 09:00 in Stockholm for one person and 09:00 in New York for another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from teams_app.domain.cadences import (
    MAX_HORIZON,
    MAX_OCCURRENCES,
    Cadence,
    Horizon,
    LearningWindow,
    day_patterns,
    occurrence_dates,
)
from teams_app.domain.calendar import ShowAs, Weekday
from teams_app.domain.plan_errors import (
    CadenceInvalid,
    DurationLongerThanWindow,
    DurationOutOfRange,
    GoalTooLong,
    HorizonInvalid,
    MaterialLinkNotHttps,
    NoMembers,
    PlanAlreadyBooked,
    PlanAlreadyCancelled,
    PlanChanged,
    PlanError,
    PlanNotOwned,
    RevisionInvalid,
    WindowInvalid,
)

MIN_DURATION_MINUTES = 15
MAX_DURATION_MINUTES = 240
MAX_GOAL_LENGTH = 500  # the goal is repeated in every event body and on cards
MAX_LINK_LENGTH = 2000
DEFAULT_CATEGORY = "Learning time"


# --- values --------------------------------------------------------------------------------


class PlanMode(StrEnum):
    PERSONAL = "personal"  # each member gets their own recurring slot
    TEAM_SESSION = "team_session"  # one recurring Teams meeting for everyone


class DayPart(StrEnum):
    ANY = "any"
    MORNING = "morning"  # ends by 12:00 local
    AFTERNOON = "afternoon"  # starts at 13:00 local or later


class PlanStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"


class MemberSourceKind(StrEnum):
    PEOPLE = "people"
    GROUP = "group"
    DIRECT_REPORTS = "direct_reports"


@dataclass(frozen=True)
class MemberSource:
    """Who the plan is for. Groups and direct reports are resolved when booking, so a member
    who joins later is booked and one who leaves is released (see `member_changes`)."""

    kind: MemberSourceKind
    people: tuple[str, ...] = ()  # Entra object ids, for PEOPLE
    group_id: str | None = None

    @classmethod
    def of_people(cls, *object_ids: str) -> MemberSource:
        return cls(MemberSourceKind.PEOPLE, people=tuple(dict.fromkeys(object_ids)))

    @classmethod
    def of_group(cls, group_id: str) -> MemberSource:
        return cls(MemberSourceKind.GROUP, group_id=group_id)

    @classmethod
    def direct_reports(cls) -> MemberSource:
        return cls(MemberSourceKind.DIRECT_REPORTS)


@dataclass(frozen=True)
class PlanSpec:
    """Everything a manager chooses; creating and editing a plan both carry one."""

    members: MemberSource
    cadence: Cadence
    duration_minutes: int
    window: LearningWindow
    horizon: Horizon
    mode: PlanMode = PlanMode.PERSONAL
    goal: str = field(default="", repr=False)  # free text: never in repr or logs
    material_url: str | None = field(default=None, repr=False)
    preference: DayPart = DayPart.ANY
    show_as: ShowAs = ShowAs.BUSY
    category: str = DEFAULT_CATEGORY

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    def day_patterns(self) -> tuple[tuple[Weekday, ...], ...]:
        return day_patterns(self.cadence, self.window)

    def occurrence_dates(self, days: tuple[Weekday, ...]) -> list[date]:
        return occurrence_dates(self.cadence, days, self.horizon)


def check(spec: PlanSpec, *, today: date | None = None) -> tuple[PlanError, ...]:
    """Every problem with a spec, in the card's field order (empty when valid). `today` is
    set when the horizon's start must not lie in the past (a new or re-dated plan)."""
    problems: list[PlanError] = []
    source = spec.members
    if source.kind is MemberSourceKind.PEOPLE and not [p for p in source.people if p.strip()]:
        problems.append(NoMembers())
    if source.kind is MemberSourceKind.GROUP and not (source.group_id or "").strip():
        problems.append(NoMembers())
    if not spec.cadence.is_valid_within(spec.window.days):
        problems.append(CadenceInvalid())
    # Quarter hours: the finder's resolution, so "fits in the window" means the same to both.
    aligned = all(t.minute % 15 == 0 and not t.second for t in (spec.window.start, spec.window.end))
    window_ok = bool(spec.window.days) and spec.window.minutes > 0 and aligned
    if not window_ok:
        problems.append(WindowInvalid())
    if not MIN_DURATION_MINUTES <= spec.duration_minutes <= MAX_DURATION_MINUTES:
        problems.append(DurationOutOfRange())
    elif window_ok and spec.duration_minutes > spec.window.minutes:
        problems.append(DurationLongerThanWindow())
    reason = _horizon_problem(spec, today)
    if reason:
        problems.append(HorizonInvalid(reason))
    if len(spec.goal) > MAX_GOAL_LENGTH:
        problems.append(GoalTooLong())
    if spec.material_url is not None and not is_https_link(spec.material_url):
        problems.append(MaterialLinkNotHttps())
    return tuple(problems)


def is_https_link(url: str) -> bool:
    # Links go into event bodies people click; plain http or javascript: would be an easy trap.
    if len(url) > MAX_LINK_LENGTH or any(ch.isspace() for ch in url):
        return False
    parts = urlsplit(url)
    return parts.scheme == "https" and bool(parts.hostname)


# --- the aggregate, its commands and events ------------------------------------------------


@dataclass(frozen=True)
class CreatePlan:
    owner_id: str
    spec: PlanSpec


@dataclass(frozen=True)
class EditPlan:
    plan_id: str
    editor_id: str
    spec: PlanSpec
    base_revision: int | None = None  # the revision the edit was made from; None: the current


@dataclass(frozen=True)
class CancelPlan:
    plan_id: str
    by: str
    revision: int | None = None  # the revision the cancel was asked on; None: the current


@dataclass(frozen=True)
class DiscardPlan:
    plan_id: str
    by: str
    revision: int | None = None


@dataclass(frozen=True)
class PlanCreated:
    plan_id: str
    owner_id: str
    revision: int
    mode: PlanMode
    at: datetime


@dataclass(frozen=True)
class PlanEdited:
    plan_id: str
    revision: int
    at: datetime
    rebook: bool  # times, members or mode changed: find slots again; else update texts only


@dataclass(frozen=True)
class PlanCancelled:
    plan_id: str
    revision: int
    at: datetime


@dataclass(frozen=True)
class LearningPlan:
    id: str
    owner_id: str
    spec: PlanSpec
    created_at: datetime
    updated_at: datetime
    revision: int = 1  # part of every event's transaction id: an edit books anew
    status: PlanStatus = PlanStatus.ACTIVE

    @classmethod
    def create(
        cls, cmd: CreatePlan, *, plan_id: str, at: datetime
    ) -> tuple[LearningPlan, PlanCreated]:
        _raise_first(check(cmd.spec, today=_earliest_today(at)))
        plan = cls(plan_id, cmd.owner_id, cmd.spec, created_at=at, updated_at=at)
        return plan, PlanCreated(plan_id, cmd.owner_id, plan.revision, cmd.spec.mode, at)

    def edit(self, cmd: EditPlan, *, at: datetime) -> tuple[LearningPlan, PlanEdited]:
        self._require_changeable_by(cmd.editor_id)
        self.require_revision(cmd.base_revision)
        moved_start = cmd.spec.horizon.start != self.spec.horizon.start
        _raise_first(check(cmd.spec, today=_earliest_today(at) if moved_start else None))
        texts_only = replace(
            cmd.spec,
            goal=self.spec.goal,
            material_url=self.spec.material_url,
            category=self.spec.category,
            show_as=self.spec.show_as,
        )
        plan = replace(self, spec=cmd.spec, revision=self.revision + 1, updated_at=at)
        return plan, PlanEdited(self.id, plan.revision, at, rebook=texts_only != self.spec)

    def cancel(self, cmd: CancelPlan, *, at: datetime) -> tuple[LearningPlan, PlanCancelled]:
        self._require_changeable_by(cmd.by)
        self.require_revision(cmd.revision)
        plan = replace(self, status=PlanStatus.CANCELLED, updated_at=at)
        return plan, PlanCancelled(self.id, self.revision, at)

    def discard(self, cmd: DiscardPlan, *, booked: bool, at: datetime) -> LearningPlan:
        """A draft nobody booked leaves the owner's plans; `booked`: booking has started."""
        self._require_changeable_by(cmd.by)
        self.require_revision(cmd.revision)
        if booked:
            raise PlanAlreadyBooked()
        return replace(self, status=PlanStatus.CANCELLED, updated_at=at)

    def resolve_members(self, found: Sequence[str]) -> tuple[str, ...]:
        """The members a booking run serves: the directory's answer for the member source,
        without repeats. Raises NoMembers when a group or the reports turned out empty."""
        members = tuple(dict.fromkeys(m for m in found if m.strip()))
        if not members:
            raise NoMembers()
        return members

    def require_revision(self, revision: int | None) -> None:
        """PlanChanged for an older revision (DESIGN.md section 7), RevisionInvalid for one the
        plan never had; None: the caller (the command line) acts on the current one."""
        if revision is None:
            return
        if revision > self.revision or revision < 1:
            raise RevisionInvalid()
        if revision != self.revision:
            raise PlanChanged()

    def require_action_by(self, person_id: str, revision: int | None) -> None:
        """What every owner's action on a card checks first: PlanNotOwned, PlanAlreadyCancelled,
        then the card's revision (see `require_revision`)."""
        self._require_changeable_by(person_id)
        self.require_revision(revision)

    def _require_changeable_by(self, person_id: str) -> None:
        if person_id != self.owner_id:
            raise PlanNotOwned()
        if self.status is PlanStatus.CANCELLED:
            raise PlanAlreadyCancelled()


@dataclass(frozen=True)
class MemberChanges:
    to_book: tuple[str, ...]  # joined since the last run (or not booked yet)
    to_release: tuple[str, ...]  # booked but no longer a member: their series is cancelled


def member_changes(booked: Sequence[str], current: Sequence[str]) -> MemberChanges:
    booked_set, current_set = set(booked), set(current)
    return MemberChanges(
        to_book=tuple(m for m in dict.fromkeys(current) if m not in booked_set),
        to_release=tuple(m for m in dict.fromkeys(booked) if m not in current_set),
    )


# --- internals -----------------------------------------------------------------------------


def _raise_first(problems: tuple[PlanError, ...]) -> None:
    if problems:
        raise problems[0]


def _earliest_today(at: datetime) -> date:
    # `at` is UTC but the horizon's start is a local date; the day before UTC's date is still
    # "today" somewhere west of UTC, so only dates before that are surely in the past.
    return (at - timedelta(days=1)).date()


def _horizon_problem(spec: PlanSpec, today: date | None) -> str | None:
    horizon = spec.horizon
    if horizon.end is not None and horizon.occurrences is not None:
        return "end_and_count"
    if horizon.end is None and horizon.occurrences is None:
        return "no_end"  # a plan is bounded: unbounded series outlive their reason
    if horizon.end is not None and horizon.end < horizon.start:
        return "end_before_start"
    if horizon.end is not None and horizon.end - horizon.start > MAX_HORIZON:
        return "too_long"
    if horizon.occurrences is not None and not 1 <= horizon.occurrences <= MAX_OCCURRENCES:
        return "count_out_of_range"
    if today is not None and horizon.start < today:
        return "starts_in_past"
    if today is not None and horizon.start > today + MAX_HORIZON:
        return "starts_too_late"
    if not spec.cadence.is_valid_within(spec.window.days) or not spec.window.days:
        return None  # the cadence or window is reported already; dates cannot be computed
    runs = [spec.occurrence_dates(days) for days in spec.day_patterns()]
    if not any(runs):
        return "no_occurrences"
    if horizon.occurrences is not None and any(len(run) < horizon.occurrences for run in runs):
        return "too_long"  # that many sessions would run past the one-year bound
    return None
