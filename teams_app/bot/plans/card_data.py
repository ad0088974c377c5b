"""Reading the plan card's data (cards/plan_fields.py) into the domain's plan spec.

Teams sends every value as a string and leaves empty optional inputs out; an old or odd client
may send anything. The parser never raises: each input that cannot be read becomes a problem
under that input, a stand-in value lets the domain's own `check()` judge the rest, and the
answers come back as the card shows them, so re-rendering the card loses nothing typed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from math import isfinite
from typing import Any, TypeVar

from cards import PlanFormValues
from cards import plan_fields as f
from teams_app.domain.cadences import Cadence, Horizon, LearningWindow
from teams_app.domain.calendar import Weekday, WeekIndex
from teams_app.domain.learning_plans import (
    MAX_DURATION_MINUTES,
    MAX_GOAL_LENGTH,
    MIN_DURATION_MINUTES,
    DayPart,
    MemberSource,
    PlanMode,
    PlanSpec,
    check,
)
from teams_app.domain.plan_errors import (
    CadenceInvalid,
    DurationLongerThanWindow,
    DurationOutOfRange,
    GoalTooLong,
    HorizonInvalid,
    MaterialLinkNotHttps,
    NoMembers,
    PlanError,
    RevisionInvalid,
    WindowInvalid,
)
from teams_app.use_cases.plans.drafts import WindowOutsideWorkingHours

T = TypeVar("T")
_DAYS = dict(zip(f.WEEKDAYS, Weekday, strict=True))
_MODES = {"personal": PlanMode.PERSONAL, "team": PlanMode.TEAM_SESSION}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::00)?")
_FORM_FIELDS = (f.MEMBERS, f.CADENCE, f.DAYS, f.WINDOW_START, f.WINDOW_END, f.DURATION,
                f.STARTS_ON, f.GOAL)
_MAX_WEEKS = 52
# Which answers a domain problem reads: when one of them could not be parsed, the problem is
# about the stand-in value, not about what the manager chose, so it is not shown.
_DEPENDS_ON = {
    f.DURATION: (f.DURATION, f.WINDOW_START, f.WINDOW_END, f.DAYS),
    f.ENDS_ON: (f.STARTS_ON, f.ENDS_ON, f.OCCURRENCES, f.CADENCE, f.DAYS),
    f.STARTS_ON: (f.STARTS_ON,),
    f.WINDOW_START: (f.WINDOW_START, f.WINDOW_END),
    f.WINDOW_END: (f.WINDOW_START, f.WINDOW_END),
    f.OCCURRENCES: (f.OCCURRENCES,),
    f.CADENCE: (f.CADENCE, f.DAYS),
}


@dataclass(frozen=True)
class CardProblem:
    """A message for the manager under input `field`: a catalog key and its values."""

    field: str
    key: str
    values: Mapping[str, object] = field(default_factory=dict[str, object])


@dataclass(frozen=True)
class MemberChoice:
    reports: bool = False  # "all my direct reports"
    groups: tuple[str, ...] = ()
    people: tuple[str, ...] = ()  # directory object ids


@dataclass(frozen=True)
class PlanCardData:
    answers: PlanFormValues  # as the card shows them again
    members: MemberChoice
    spec: PlanSpec  # complete, with stand-ins where an answer could not be read
    problems: tuple[CardProblem, ...]
    plan_id: str | None = None  # set when the card edits a plan
    revision: int | None = None  # the revision the edit started from (see `revision_of`)

    @property
    def ok(self) -> bool:
        return not self.problems


def has_form(data: object) -> bool:
    """True when the data carries the plan card's inputs (not only a plan id from a button)."""
    return isinstance(data, Mapping) and any(name in data for name in _FORM_FIELDS)


def plan_id_of(data: object) -> str | None:
    return _id_of(data, "plan_id")


def member_id_of(data: object) -> str | None:
    """The member a Leave button is about (an AAD object id; the handler checks the sender)."""
    return _id_of(data, "member_id")


def _id_of(data: object, name: str) -> str | None:
    if not isinstance(data, Mapping):
        return None
    value = data.get(name)
    return value.strip() or None if isinstance(value, str) else None


def revision_of(data: object) -> int | None:
    """The plan revision the card was made from. None when the card carries none (cards sent
    before revisions rode along): too old to change anything. RevisionInvalid when it is
    there but no revision (our cards send a positive integer, never a string or a flag)."""
    if not isinstance(data, Mapping) or data.get("revision") is None:
        return None
    value = data["revision"]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RevisionInvalid()
    return value


def parse_plan_card(
    data: object, *, reports: Sequence[str] = (), today: date | None = None
) -> PlanCardData:
    """`reports` are the sender's direct reports (to add them to chosen people); `today` is
    set when a start date in the past is an error (a new plan)."""
    raw: Mapping[str, Any] = data if isinstance(data, Mapping) else {}
    reader = _Reader(raw)
    members_raw = reader.many(f.MEMBERS)
    members = reader.members(members_raw)
    cadence_raw = reader.text(f.CADENCE) or f.WEEKLY
    days_raw = reader.many(f.DAYS)
    start_raw, end_raw = reader.text(f.WINDOW_START), reader.text(f.WINDOW_END)
    duration = reader.number(f.DURATION, "plan.error.duration",
                             min=MIN_DURATION_MINUTES, max=MAX_DURATION_MINUTES)
    occurrences = reader.number(f.OCCURRENCES, "plan.error.occurrences",
                                max=f.OCCURRENCES_MAX, optional=True)
    preference_raw = reader.text(f.PREFERENCE) or "any"
    mode_raw = reader.text(f.MODE) or "personal"
    starts_raw, ends_raw = reader.text(f.STARTS_ON), reader.text(f.ENDS_ON)
    goal_raw = reader.raw_text(f.GOAL)
    material_raw = reader.text(f.MATERIAL_URL)

    # A stand-in start when it cannot be read: a Monday, so the rest can still be checked.
    starts_on = reader.date(f.STARTS_ON, starts_raw, required=True) or today or date(2000, 1, 3)
    spec = PlanSpec(
        members=reader.member_source(members, reports),
        cadence=reader.cadence(cadence_raw),
        duration_minutes=duration if duration is not None else 60,
        window=LearningWindow(
            reader.days(days_raw),
            reader.time(f.WINDOW_START, start_raw) or time(9, 0),
            reader.time(f.WINDOW_END, end_raw) or time(12, 0),
        ),
        horizon=Horizon(starts_on, reader.date(f.ENDS_ON, ends_raw), occurrences),
        mode=reader.choice(f.MODE, mode_raw, _MODES) or PlanMode.PERSONAL,
        goal=goal_raw.strip(),
        material_url=material_raw or None,
        preference=reader.choice(f.PREFERENCE, preference_raw,
                                 {p.value: p for p in DayPart}) or DayPart.ANY,
    )
    if not spec.goal:
        reader.problem(f.GOAL, "plan.error.goal_required")
    domain = problems_of(check(spec, today=today), spec)
    shown = [p for p in domain if not set(_DEPENDS_ON.get(p.field, (p.field,))) & reader.failed]
    answers = PlanFormValues(
        members=members_raw,
        cadence=cadence_raw,
        days=days_raw,
        window_start=start_raw,
        window_end=end_raw,
        duration_minutes=duration,
        preference=preference_raw,
        mode=mode_raw,
        starts_on=starts_raw,
        ends_on=ends_raw,
        occurrences=occurrences,
        goal=goal_raw,
        material_url=material_raw,
    )
    try:
        revision = revision_of(raw)
    except RevisionInvalid:
        revision = None  # the handler refuses the card; the answers still come back
    return PlanCardData(
        answers, members, spec, _in_card_order([*reader.problems, *shown]), plan_id_of(raw),
        revision,
    )


def problems_of(errors: Sequence[PlanError], spec: PlanSpec) -> list[CardProblem]:
    """The domain's plan errors as messages under the inputs they are about."""
    return [_problem_of(error, spec) for error in errors]


def _problem_of(error: PlanError, spec: PlanSpec) -> CardProblem:
    if isinstance(error, NoMembers):
        return CardProblem(f.MEMBERS, "plan.error.no_members")
    if isinstance(error, DurationOutOfRange):
        return CardProblem(f.DURATION, "plan.error.duration",
                           {"min": MIN_DURATION_MINUTES, "max": MAX_DURATION_MINUTES})
    if isinstance(error, DurationLongerThanWindow):
        return CardProblem(f.DURATION, "plan.error.duration_longer_than_window",
                           {"minutes": spec.duration_minutes})
    if isinstance(error, WindowInvalid):
        window = spec.window
        if not window.days:
            return CardProblem(f.DAYS, "plan.error.no_days")
        if window.minutes <= 0:
            return CardProblem(f.WINDOW_END, "plan.error.window_order")
        return CardProblem(f.WINDOW_START, "plan.error.window_quarter")
    if isinstance(error, CadenceInvalid):
        return CardProblem(f.CADENCE, "plan.error.choice")
    if isinstance(error, HorizonInvalid):
        return _horizon_problem(error.reason)
    if isinstance(error, GoalTooLong):
        return CardProblem(f.GOAL, "plan.error.goal_too_long", {"max": MAX_GOAL_LENGTH})
    if isinstance(error, MaterialLinkNotHttps):
        return CardProblem(f.MATERIAL_URL, "plan.error.material_url")
    if isinstance(error, WindowOutsideWorkingHours):
        return CardProblem(f.WINDOW_START, "plan.error.outside_working_hours")
    return CardProblem(error.field or f.MEMBERS, "plan.error.invalid")


def not_allowed_problem(member_ids: Sequence[str], names: Mapping[str, str]) -> CardProblem:
    """Under the members input: everyone the sender may not plan for, by name (the id when
    the directory has no name for them)."""
    shown = ", ".join(names.get(m, m) for m in member_ids)
    return CardProblem(f.MEMBERS, "plan.error.members_not_allowed", {"names": shown})


def _horizon_problem(reason: str) -> CardProblem:
    if reason == "starts_in_past":
        return CardProblem(f.STARTS_ON, "plan.error.starts_in_past")
    if reason == "starts_too_late":
        return CardProblem(f.STARTS_ON, "plan.error.starts_too_late")
    if reason == "count_out_of_range":
        return CardProblem(f.OCCURRENCES, "plan.error.occurrences", {"max": f.OCCURRENCES_MAX})
    keys = {
        "end_and_count": "plan.error.end_and_count",
        "no_end": "plan.error.no_end",
        "end_before_start": "plan.error.horizon_order",
        "too_long": "plan.error.too_long",
        "no_occurrences": "plan.error.no_occurrences",
    }
    return CardProblem(f.ENDS_ON, keys.get(reason, "plan.error.invalid"))


_CARD_ORDER = (f.MEMBERS, f.MODE, f.CADENCE, f.PREFERENCE, f.DAYS, f.WINDOW_START, f.WINDOW_END,
               f.DURATION, f.STARTS_ON, f.ENDS_ON, f.OCCURRENCES, f.GOAL, f.MATERIAL_URL)


def _in_card_order(problems: list[CardProblem]) -> tuple[CardProblem, ...]:
    unique = {(p.field, p.key): p for p in reversed(problems)}  # the first of each stays
    ordered = sorted(
        reversed(unique.values()),
        key=lambda p: _CARD_ORDER.index(p.field) if p.field in _CARD_ORDER else len(_CARD_ORDER),
    )
    return tuple(ordered)


class _Reader:
    """Reads one card's data, noting a problem (and the input) for each unreadable answer."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw
        self.problems: list[CardProblem] = []
        self.failed: set[str] = set()

    def problem(self, name: str, key: str, **values: object) -> None:
        self.problems.append(CardProblem(name, key, values))
        self.failed.add(name)

    def raw_text(self, name: str) -> str:
        value = self._raw.get(name)
        if value is None or isinstance(value, (dict, list)):
            return ""
        return str(value)

    def text(self, name: str) -> str:
        return self.raw_text(name).strip()

    def many(self, name: str) -> tuple[str, ...]:
        value = self._raw.get(name)
        items = value if isinstance(value, list) else self.text(name).split(",")
        return tuple(dict.fromkeys(str(item).strip() for item in items if str(item).strip()))

    def number(
        self, name: str, key: str, *, max: int, min: int = 1, optional: bool = False
    ) -> int | None:
        text = self.text(name)
        if not text and optional:
            return None
        try:
            number = float(text)
        except ValueError:
            number = float("nan")
        if not isfinite(number) or not number.is_integer():  # "", "abc", "4.5", "inf"
            self.problem(name, key, min=min, max=max)
            return None
        return int(number)

    def date(self, name: str, text: str, *, required: bool = False) -> date | None:
        if not text:
            if required:
                self.problem(name, "plan.error.date_required")
            return None
        try:
            if not _DATE.fullmatch(text):
                raise ValueError(text)
            return date.fromisoformat(text)
        except ValueError:
            self.problem(name, "plan.error.date")
            return None

    def time(self, name: str, text: str) -> time | None:
        match = _TIME.fullmatch(text)
        hour, minute = (int(match[1]), int(match[2])) if match else (99, 99)
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            self.problem(name, "plan.error.time")
            return None
        return time(hour, minute)

    def choice(self, name: str, text: str, options: Mapping[str, T]) -> T | None:
        if text not in options:
            self.problem(name, "plan.error.choice")
            return None
        return options[text]

    def days(self, values: tuple[str, ...]) -> tuple[Weekday, ...]:
        unknown = [v for v in values if v not in _DAYS]
        if unknown:
            self.problem(f.DAYS, "plan.error.choice")
        return tuple(_DAYS[v] for v in values if v in _DAYS)

    def cadence(self, text: str) -> Cadence:
        kind, _, arg = text.partition(":")
        if text == f.WEEKLY:
            return Cadence.weekly()
        if kind == "weeks" and arg.isdigit() and 1 <= int(arg) <= _MAX_WEEKS:
            return Cadence.weekly(every_weeks=int(arg))
        if kind == "monthly" and arg in {w.value for w in WeekIndex}:
            # The day comes from the chosen days ("first week" + Tuesday = first Tuesday);
            # with several days the finder picks one per member.
            return Cadence.monthly_on(WeekIndex(arg))
        self.problem(f.CADENCE, "plan.error.choice")
        return Cadence.weekly()

    def members(self, values: tuple[str, ...]) -> MemberChoice:
        reports, groups, people = False, list[str](), list[str]()
        for value in values:
            if value == f.MEMBERS_DIRECT_REPORTS:
                reports = True
            elif value.startswith(f.MEMBERS_GROUP_PREFIX) and value[len(f.MEMBERS_GROUP_PREFIX):]:
                groups.append(value[len(f.MEMBERS_GROUP_PREFIX):])
            elif value.startswith(f.MEMBERS_USER_PREFIX) and value[len(f.MEMBERS_USER_PREFIX):]:
                people.append(value[len(f.MEMBERS_USER_PREFIX):])
            else:
                self.problem(f.MEMBERS, "plan.error.choice")
        return MemberChoice(reports, tuple(groups), tuple(people))

    def member_source(self, choice: MemberChoice, reports: Sequence[str]) -> MemberSource:
        if choice.groups:
            if len(choice.groups) > 1 or choice.reports or choice.people:
                # A group is resolved when booking; mixing it with others has no one meaning.
                self.problem(f.MEMBERS, "plan.error.members_mixed")
            return MemberSource.of_group(choice.groups[0])
        if choice.reports and not choice.people:
            return MemberSource.direct_reports()  # people who join the team later are booked
        return MemberSource.of_people(*(reports if choice.reports else ()), *choice.people)
