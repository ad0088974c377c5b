"""The manager's learning report over a plan or a whole team, and a person's own learning: pure.

One function builds both (`report_of`): a plan's report is the team report of that one plan.
What the owner of the plans sees (DESIGN.md 7 and 8):
- kept vs booked time per member and for the team: calendar facts of the time the owner
  planned, not answers, so they are shown per person (the owner could read them off the
  members' calendars, and protecting that time is the owner's job);
- answer figures (check-in response rate, the applied rate of planned actions, what got in the
  way) only as aggregates, each on its own only from k answers: below k the count of answers
  shows and nothing of what they said. Hindrances are counted per calendar month, and a month
  below k shows its count only; the totals over time add up only the months that are shown,
  so no month's answers can be worked out by subtracting.

A team's report sits beside each of its plans' reports, so an answer figure of the team shows
only when subtracting the plans' own shown figures from it leaves nothing or at least k answers
(`_withheld`): otherwise the team's figure would hand over, by subtraction, the few
answers a plan's report withholds. The check is strict: it may withhold a team figure that
would be safe (docs/learning-report.md).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from teams_app.domain.forms.texts import Texts
from teams_app.domain.learning_plans import LearningPlan, MemberSourceKind, PlanMode
from teams_app.domain.occurrences import Tally
from teams_app.domain.reflections.follow_ups import FollowUp, FollowUpState, applied_rate

DEFAULT_K = 5  # as campaigns: the smallest number of answers an aggregate is shown from


@dataclass(frozen=True)
class ShownRate:
    """How many were asked and answered; the share only from k answers."""

    asked: int
    answered: int  # for an applied rate: said yes or partly
    k: int
    responded: int | None = None  # applied rate: how many answered at all (yes, partly, not yet)
    withheld: bool = False  # from k answers, but a plan's few would follow by subtraction

    @property
    def answers(self) -> int:
        return self.answered if self.responded is None else self.responded

    @property
    def shown(self) -> bool:
        return not self.withheld and self.answers >= self.k

    @property
    def rate(self) -> float | None:
        if not self.shown or self.asked <= 0:
            return None
        return min(self.answered / self.asked, 1.0)


@dataclass(frozen=True)
class HindranceMonth:
    month: date  # its first day
    answers: int  # answers to a hindrance question that month (always shown)
    shown: bool  # from k answers: only then `counts` holds anything
    counts: tuple[tuple[str, int], ...] = ()  # (choice id, how many chose it), most first
    withheld: bool = False  # from k answers, but a plan's few would follow by subtraction


@dataclass(frozen=True)
class HindranceAnswer:
    """One answer to a question that measures hindrances: when, and the choice ids picked
    ("other" counts as one choice; its words are never read)."""

    at: datetime
    choices: frozenset[str]


@dataclass(frozen=True)
class PersonHours:
    person_id: str
    hours: Tally


@dataclass(frozen=True)
class PlanFacts:
    """What one plan adds to a report, as the use case read it; nothing shown yet."""

    plan: LearningPlan
    members: frozenset[str]  # in the plan now: whose follow-ups count
    hours: Mapping[str, Tally]  # per person: the members and anyone with sessions recorded
    checkins: tuple[int, int] | None  # (asked, answered); None: no check-in asks the plan
    hindrances: tuple[HindranceAnswer, ...]
    ks: tuple[int, ...]  # of the campaigns and rounds whose answers are read

    @property
    def k(self) -> int:
        return strictest_k(self.ks)


@dataclass(frozen=True)
class LearningReport:
    plans: tuple[LearningPlan, ...]  # one for a plan's report; newest first for a team's
    people: tuple[PersonHours, ...]  # every member with sessions recorded, by id
    team: Tally
    checkins: ShownRate | None  # None: no check-in of the owner's asks this plan's members
    applied: ShownRate | None  # None: no follow-up has asked yet
    hindrances: tuple[HindranceMonth, ...]  # oldest first
    k: int
    # The words of each hindrance choice id, from the forms that asked ("other" included).
    labels: Mapping[str, Texts] = field(default_factory=dict)
    team_id: str | None = None  # the team's key (`team_key`) for a team's report; None: a plan's
    team_plans: int = 1  # how many plans of the owner the team has (a "Whole team" offer)

    @property
    def hindrance_totals(self) -> tuple[tuple[str, int], ...]:
        """Over the months that are shown only, most first."""
        total: Counter[str] = Counter()
        for month in self.hindrances:
            total.update(dict(month.counts))
        return _most_first(total)


def team_key(plan: LearningPlan) -> str:
    """The plans of one owner with the same key are one team: the same group, the owner's direct
    reports, or exactly the same chosen people (docs/learning-report.md)."""
    source = plan.spec.members
    if source.kind is MemberSourceKind.GROUP:
        return f"group:{source.group_id}"
    if source.kind is MemberSourceKind.DIRECT_REPORTS:
        return "direct-reports"
    people = "\n".join(sorted(source.people)).encode()
    return f"people:{hashlib.sha256(people).hexdigest()[:20]}"


def report_of(plans: Sequence[PlanFacts], follow_ups: Sequence[FollowUp], *,
              labels: Mapping[str, Texts], team_id: str | None = None,
              team_plans: int = 1) -> LearningReport:
    """The report over `plans` (one, or a team's): hours per person added up over the plans,
    each person once; answers under the strictest k of them all."""
    k = strictest_k([k for facts in plans for k in facts.ks])
    hours: dict[str, Tally] = {}
    for facts in plans:
        # A team session's sessions are its organiser's meeting, the same for everyone: the
        # team's figure says it all, a per-person list would only repeat it.
        if facts.plan.spec.mode is not PlanMode.TEAM_SESSION:
            for person, tally in facts.hours.items():
                hours[person] = hours.get(person, Tally()) + tally
    answers = [a for facts in plans for a in facts.hindrances]
    return LearningReport(
        plans=tuple(facts.plan for facts in plans),
        people=people_hours(hours),
        team=sum((t for facts in plans for t in facts.hours.values()), Tally()),
        checkins=_checkins(plans, k),
        applied=_applied(plans, follow_ups, k),
        hindrances=hindrance_months(answers, k=k, withheld=_withheld_months(plans, k)),
        k=k,
        labels=labels,
        team_id=team_id,
        team_plans=team_plans,
    )


def _checkins(plans: Sequence[PlanFacts], k: int) -> ShownRate | None:
    # Who answered, not what: every plan's report shows its counts even below k, so a team's
    # share tells nothing its plans' reports do not, and needs no guard against subtraction.
    counts = [facts.checkins for facts in plans if facts.checkins is not None]
    asked = sum(c[0] for c in counts)
    return ShownRate(asked, sum(c[1] for c in counts), k) if asked else None


def _applied(plans: Sequence[PlanFacts], follow_ups: Sequence[FollowUp], k: int
             ) -> ShownRate | None:
    members = set().union(*(facts.members for facts in plans))
    ours = [f for f in follow_ups if f.person_id in members]
    rate = applied_rate(ours)
    if not rate.asked:
        return None
    # A follow-up is a person's, so it counts in the report of every plan they are in.
    answered = [f for f in ours if _responded(f)]
    parts = Counter(frozenset(facts.plan.id for facts in plans if f.person_id in facts.members)
                    for f in answered)
    shown = {facts.plan.id for facts in plans
             if sum(f.person_id in facts.members for f in answered) >= facts.k}
    return ShownRate(rate.asked, rate.applied, k, len(answered),
                     withheld=_withheld(list(parts.items()), shown, k))


def _responded(follow_up: FollowUp) -> bool:
    return follow_up.state is FollowUpState.ANSWERED or follow_up.ask > 1


def _withheld_months(plans: Sequence[PlanFacts], k: int) -> set[date]:
    per_plan = {facts.plan.id: {m.month: m for m in hindrance_months(facts.hindrances, k=facts.k)}
                for facts in plans}
    months = {month for by_month in per_plan.values() for month in by_month}
    withheld = set()
    for month in months:
        parts = [(frozenset({plan}), by_month[month].answers)
                 for plan, by_month in per_plan.items() if month in by_month]
        shown = {plan for plan, by_month in per_plan.items()
                 if month in by_month and by_month[month].shown}
        if _withheld(parts, shown, k):
            withheld.add(month)
    return withheld


def _withheld(parts: Sequence[tuple[frozenset[str], int]], shown: Collection[str], k: int
              ) -> bool:
    """Whether a figure over all `parts` (answers counted by the set of plans whose report
    holds them), though from k answers, must stay hidden because subtracting plans' shown
    figures from it would single out between 1 and k - 1 answers: those outside one shown
    plan, or those outside every shown plan. With one plan nothing is outside it."""
    if sum(n for _, n in parts) < k:
        return False  # hidden anyway by the k rule

    def few(n: int) -> bool:
        return 0 < n < k

    return any(few(sum(n for plans, n in parts if plan not in plans)) for plan in shown) or few(
        sum(n for plans, n in parts if not plans & set(shown)))


def hindrance_months(answers: Iterable[HindranceAnswer], *, k: int,
                     withheld: Collection[date] = ()) -> tuple[HindranceMonth, ...]:
    by_month: dict[date, list[HindranceAnswer]] = {}
    for answer in answers:
        at = answer.at.astimezone(UTC)
        by_month.setdefault(date(at.year, at.month, 1), []).append(answer)
    months = []
    for month in sorted(by_month):
        items = by_month[month]
        counts: Counter[str] = Counter()
        for item in items:
            counts.update(item.choices)
        held = month in withheld and len(items) >= k
        shown = len(items) >= k and not held
        months.append(HindranceMonth(month, len(items), shown,
                                     _most_first(counts) if shown else (), withheld=held))
    return tuple(months)


def people_hours(per_person: Mapping[str, Tally]) -> tuple[PersonHours, ...]:
    return tuple(PersonHours(person, per_person[person]) for person in sorted(per_person))


def strictest_k(ks: Sequence[int]) -> int:
    """Answers gathered under several campaigns are shown under the largest k among them."""
    return max(ks, default=DEFAULT_K)


def _most_first(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(((c, n) for c, n in counts.items() if n > 0),
                        key=lambda item: (-item[1], item[0])))
