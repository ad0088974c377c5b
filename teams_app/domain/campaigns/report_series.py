"""How a campaign's answers came in over time, for the owner's report: per day, how many had
been asked and how many had answered by its end. Days are UTC days, the only time an anonymous
response keeps (responses.coarse_day), so named and anonymous answers count the same way."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

MAX_POINTS = 30  # a month of days: more would not fit a card's line chart legibly


@dataclass(frozen=True)
class RatePoint:
    day: date
    asked: int  # prompts sent by the end of the day
    answered: int  # answers received by the end of the day

    @property
    def rate(self) -> float:
        """The share answered, 0-1 (0 before anyone was asked)."""
        return min(self.answered / self.asked, 1.0) if self.asked else 0.0


def response_rate(
    sent_at: Iterable[datetime], answered_at: Iterable[datetime], *, max_points: int = MAX_POINTS
) -> tuple[RatePoint, ...]:
    """One point per day on which someone was asked or answered, running totals; the last
    `max_points` days when there are more (the totals still count everything before them)."""
    sent = Counter(at.astimezone(UTC).date() for at in sent_at)
    answered = Counter(at.astimezone(UTC).date() for at in answered_at)
    points: list[RatePoint] = []
    asked_total = answered_total = 0
    for day in sorted(sent.keys() | answered.keys()):
        asked_total += sent[day]
        answered_total += answered[day]
        points.append(RatePoint(day, asked_total, answered_total))
    return tuple(points[-max_points:]) if max_points > 0 else ()
