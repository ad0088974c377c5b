"""A reflection round: after a meeting, a kept learning session or on demand, everyone who took
part is asked the reflection form once; the round stays open for a window, reminds once inside
each person's working hours, and then summarises what people chose to share where the meeting
happened. The same source (a meeting on one day, an occurrence, a command) starts one round."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from teams_app.domain.errors import DomainError

DEFAULT_WINDOW = timedelta(hours=24)
MIN_WINDOW, MAX_WINDOW = timedelta(hours=1), timedelta(days=14)
DEFAULT_K = 5
MIN_K, MAX_K = 3, 25
MAX_PARTICIPANTS = 1000  # a Teams meeting chat holds at most 1,000 people
REFLECTION_FORM = "reflection"  # the built-in form every round asks


class RoundError(DomainError):
    code = "reflection_round"


class RoundNotOpen(RoundError):
    code = "reflection_round_closed"


class NotAParticipant(RoundError):
    code = "reflection_not_participant"  # the sender was never asked in this round


class AlreadyReflected(RoundError):
    code = "reflection_already_answered"


class NoParticipants(RoundError):
    code = "reflection_no_participants"


class BadRoundSettings(RoundError):
    code = "reflection_bad_settings"


class Source(StrEnum):
    MEETING = "meeting"  # a Teams meeting ended in a chat the app is in
    OCCURRENCE = "occurrence"  # a kept learning occurrence or team session of a plan
    COMMAND = "command"  # `reflect` typed in a chat or channel
    CLI = "cli"  # a manager's `learning-loop reflect start`


class RoundState(StrEnum):
    OPEN = "open"
    SUMMARISED = "summarised"  # the summary was posted (or kept when nowhere took it)


def meeting_key(meeting_id: str, ended_on: date) -> str:
    """One round per meeting and day: a recurring meeting keeps its id across its instances,
    and Teams repeats an end event (late or twice) with the same end time."""
    return f"{Source.MEETING}:{meeting_id}:{ended_on.isoformat()}"


def occurrence_key(plan_id: str, occurrence_start: datetime) -> str:
    """One round per plan and session start: every member's occurrence of a team session
    shares it, so the session gets one round, not one per member."""
    return f"{plan_rounds_prefix(plan_id)}{occurrence_start.isoformat()}"


def plan_rounds_prefix(plan_id: str) -> str:
    """What the source key of every round after one of the plan's sessions starts with."""
    return f"{Source.OCCURRENCE}:{plan_id}:"


@dataclass(frozen=True)
class RoundSpec:
    """How long a round stays open and from how many answers its summary shows more than
    counts. Checked when a round starts."""

    window: timedelta = DEFAULT_WINDOW
    k: int = DEFAULT_K

    def __post_init__(self) -> None:
        if not MIN_WINDOW <= self.window <= MAX_WINDOW:
            raise BadRoundSettings("window")
        if not MIN_K <= self.k <= MAX_K:
            raise BadRoundSettings("k")


@dataclass(frozen=True)
class Round:
    id: str
    source: Source
    source_key: str  # unique: the same meeting or occurrence never starts two rounds
    conversation_id: str | None  # where the summary goes (None: the organiser's own chat)
    organiser_id: str | None  # an Entra object id; told when the summary cannot be posted
    form_key: str
    form_version: int
    opened_at: datetime
    closes_at: datetime
    k: int
    state: RoundState = RoundState.OPEN
    summary_outcome: str | None = None  # posted | organiser | kept:<reason>

    def is_open(self, at: datetime) -> bool:
        return self.state is RoundState.OPEN and at < self.closes_at

    @classmethod
    def start(
        cls, *, id: str, source: Source, source_key: str, conversation_id: str | None,
        organiser_id: str | None, form_key: str, form_version: int, spec: RoundSpec,
        at: datetime,
    ) -> Round:
        return cls(id, source, source_key, conversation_id, organiser_id, form_key,
                   form_version, at, at + spec.window, spec.k)


@dataclass(frozen=True)
class Participant:
    """One person asked in one round: whether the card went, was reminded, was answered
    (whether, never when), or why it could not reach them."""

    round_id: str
    person_id: str
    sent_at: datetime | None = None
    reminded: bool = False
    answered: bool = False
    unreachable: str | None = None


def reminder_at(rnd: Round, working_start: datetime) -> datetime | None:
    """The one reminder: halfway through the window, moved to the person's next working
    moment (`working_start`, computed from their working hours for the halfway instant); none
    when that is in the last hour of the round or after it."""
    if working_start >= rnd.closes_at - timedelta(hours=1):
        return None
    return working_start


def halfway(rnd: Round) -> datetime:
    return rnd.opened_at + (rnd.closes_at - rnd.opened_at) / 2
