"""The manager's learning report over a plan, and a person's own learning: pure.

What the owner of a plan sees (DESIGN.md 7 and 8):
- kept vs booked time per member and for the team: calendar facts of the time the owner
  planned, not answers, so they are shown per person (the owner could read them off the
  members' calendars, and protecting that time is the owner's job);
- answer figures (check-in response rate, the applied rate of planned actions, what got in the
  way) only as aggregates, each on its own only from k answers: below k the count of answers
  shows and nothing of what they said. Hindrances are counted per calendar month, and a month
  below k shows its count only; the totals over time add up only the months that are shown,
  so no month's answers can be worked out by subtracting.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from teams_app.domain.forms.texts import Texts
from teams_app.domain.learning_plans import LearningPlan
from teams_app.domain.occurrences import Tally

DEFAULT_K = 5  # as campaigns: the smallest number of answers an aggregate is shown from


@dataclass(frozen=True)
class ShownRate:
    """How many were asked and answered; the share only from k answers."""

    asked: int
    answered: int  # for an applied rate: said yes or partly
    k: int
    responded: int | None = None  # applied rate: how many answered at all (yes, partly, not yet)

    @property
    def shown(self) -> bool:
        return (self.answered if self.responded is None else self.responded) >= self.k

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
class LearningReport:
    plan: LearningPlan
    people: tuple[PersonHours, ...]  # every member with sessions recorded, by id
    team: Tally
    checkins: ShownRate | None  # None: no check-in of the owner's asks this plan's members
    applied: ShownRate | None  # None: no follow-up has asked yet
    hindrances: tuple[HindranceMonth, ...]  # oldest first
    k: int
    # The words of each hindrance choice id, from the forms that asked ("other" included).
    labels: Mapping[str, Texts] = field(default_factory=dict)

    @property
    def hindrance_totals(self) -> tuple[tuple[str, int], ...]:
        """Over the months that are shown only, most first."""
        total: Counter[str] = Counter()
        for month in self.hindrances:
            total.update(dict(month.counts))
        return _most_first(total)


def hindrance_months(answers: Iterable[HindranceAnswer], *, k: int) -> tuple[HindranceMonth, ...]:
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
        shown = len(items) >= k
        months.append(HindranceMonth(month, len(items), shown,
                                     _most_first(counts) if shown else ()))
    return tuple(months)


def people_hours(per_person: Mapping[str, Tally]) -> tuple[PersonHours, ...]:
    return tuple(PersonHours(person, per_person[person]) for person in sorted(per_person))


def strictest_k(ks: Sequence[int]) -> int:
    """Answers gathered under several campaigns are shown under the largest k among them."""
    return max(ks, default=DEFAULT_K)


def _most_first(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(((c, n) for c, n in counts.items() if n > 0),
                        key=lambda item: (-item[1], item[0])))
