"""Follow-ups: N days after a round (default 14), each person who named an action in a named or
private reflection is asked whether they applied it. "Not yet" may ask again 7 days later, at
most twice. The applied rate is yes + partly over everyone asked."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from teams_app.domain.reflections.rounds import RoundError

DEFAULT_AFTER = timedelta(days=14)
MIN_AFTER_DAYS, MAX_AFTER_DAYS = 1, 180
ASK_AGAIN_AFTER = timedelta(days=7)
MAX_ASK_AGAIN = 2
APPLIED = "applied"  # the follow-up form's question ids (builtin/follow_up.yaml)
HELPED, IN_THE_WAY = "helped", "in_the_way"


class Applied(StrEnum):
    YES = "yes"
    PARTLY = "partly"
    NOT_YET = "not_yet"


class FollowUpState(StrEnum):
    WAITING = "waiting"  # due later (first time, or asked again)
    ASKED = "asked"  # the card went; no answer yet
    ANSWERED = "answered"
    UNREACHABLE = "unreachable"  # the card could not reach them; counted, not asked


class CannotAskAgain(RoundError):
    code = "follow_up_no_more_asks"


class FollowUpAnswered(RoundError):
    code = "follow_up_answered"  # an old card: this ask was answered already


@dataclass(frozen=True)
class FollowUp:
    id: str
    person_id: str
    round_id: str
    reflection_key: str  # their named or private reflection
    action: str = field(repr=False)
    action_by: date | None
    planned_on: date  # the day they reflected
    due_at: datetime
    ask: int = 1  # which asking this is: 1, then 2 and 3 when asked again
    state: FollowUpState = FollowUpState.WAITING
    applied: Applied | None = None
    answered_at: datetime | None = None

    def answered(self, applied: Applied, *, at: datetime) -> FollowUp:
        if self.state is FollowUpState.ANSWERED:
            raise FollowUpAnswered(self.id)
        return replace(self, state=FollowUpState.ANSWERED, applied=applied, answered_at=at)

    @property
    def may_ask_again(self) -> bool:
        return (self.state is FollowUpState.ANSWERED and self.applied is Applied.NOT_YET
                and self.ask <= MAX_ASK_AGAIN)

    def asked_again(self, *, at: datetime) -> FollowUp:
        """"Not yet": the same follow-up is due again a week from now."""
        if not self.may_ask_again:
            raise CannotAskAgain(self.id)
        return replace(self, ask=self.ask + 1, state=FollowUpState.WAITING, applied=None,
                       answered_at=None, due_at=at + ASK_AGAIN_AFTER)


def first_due(round_closes_at: datetime, after: timedelta = DEFAULT_AFTER) -> datetime:
    return round_closes_at + after


def wants_follow_up(action: str | None, keeps_person: bool) -> bool:
    """Only an action whose author is kept can be followed up: an anonymous reflection's
    action could only be asked about through a link to its author, which must not exist."""
    return bool(action and action.strip()) and keeps_person


@dataclass(frozen=True)
class AppliedRate:
    asked: int  # follow-ups that reached the person at least once
    applied: int  # of them, answered yes or partly (their latest answer)

    @property
    def rate(self) -> float | None:
        return self.applied / self.asked if self.asked else None


def applied_rate(follow_ups: Iterable[FollowUp]) -> AppliedRate:
    asked = applied = 0
    for follow_up in follow_ups:
        was_asked = follow_up.state in (FollowUpState.ASKED, FollowUpState.ANSWERED) or (
            follow_up.ask > 1)
        if not was_asked:
            continue
        asked += 1
        applied += follow_up.applied in (Applied.YES, Applied.PARTLY)
    return AppliedRate(asked, applied)
