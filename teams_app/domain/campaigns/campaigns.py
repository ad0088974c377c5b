"""A campaign: a form sent to an audience at a time, with reminders, a close time, and the
privacy it promises (named or anonymous; aggregates only from k answers)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from teams_app.domain.errors import DomainError

K_DEFAULT = 5
K_MIN, K_MAX = 3, 25
MAX_REMINDERS = 2
DEFAULT_REMINDERS = (timedelta(hours=24), timedelta(hours=72))
MAX_PEOPLE = 1000  # listed people; a larger audience is a group
MAX_RECURRING_WEEKS = 52
ONCE = "once"  # the round of a campaign sent once
OCCURRENCE_ROUND = "occ:"  # + the occurrence key: the round after one person's occurrence


class CampaignError(DomainError):
    code = "campaign_invalid"


class ThresholdOutOfRange(CampaignError):
    code = "campaign_k_out_of_range"


class TooManyReminders(CampaignError):
    code = "campaign_too_many_reminders"


class BadReminders(CampaignError):
    code = "campaign_bad_reminders"  # not after the prompt, or not in increasing order


class ClosesTooEarly(CampaignError):
    code = "campaign_closes_too_early"  # at or before its first send


class BadAudience(CampaignError):
    code = "campaign_bad_audience"  # no plan, group or people, or too many people


class BadTiming(CampaignError):
    code = "campaign_bad_timing"


class CampaignClosed(CampaignError):
    code = "campaign_closed"


class AudienceKind(StrEnum):
    PLAN = "plan"  # the plan's members
    GROUP = "group"  # an Entra group's members (transitive)
    PEOPLE = "people"  # people listed one by one


@dataclass(frozen=True)
class Audience:
    kind: AudienceKind
    plan_id: str | None = None
    group_id: str | None = None
    people: tuple[str, ...] = ()

    @classmethod
    def of_plan(cls, plan_id: str) -> Audience:
        return cls(AudienceKind.PLAN, plan_id=plan_id)

    @classmethod
    def of_group(cls, group_id: str) -> Audience:
        return cls(AudienceKind.GROUP, group_id=group_id)

    @classmethod
    def of_people(cls, *people: str) -> Audience:
        return cls(AudienceKind.PEOPLE, people=tuple(dict.fromkeys(people)))

    def check(self) -> None:
        given = {AudienceKind.PLAN: self.plan_id, AudienceKind.GROUP: self.group_id,
                 AudienceKind.PEOPLE: self.people}[self.kind]
        if not given:
            raise BadAudience(self.kind.value)
        if len(self.people) > MAX_PEOPLE:
            raise BadAudience("too_many")


class TimingKind(StrEnum):
    ONCE = "once"  # at one time
    RECURRING = "recurring"  # every N weeks from the first time, until the close
    AFTER_OCCURRENCE = "after_occurrence"  # when each learning occurrence of the plan ends


@dataclass(frozen=True)
class Timing:
    kind: TimingKind
    first_at: datetime | None = None  # ONCE and RECURRING: the first round is due then (UTC)
    every_weeks: int | None = None  # RECURRING
    after: timedelta = timedelta()  # AFTER_OCCURRENCE: this long after the occurrence's end

    @classmethod
    def once(cls, at: datetime) -> Timing:
        return cls(TimingKind.ONCE, first_at=at)

    @classmethod
    def recurring(cls, first_at: datetime, *, every_weeks: int = 1) -> Timing:
        return cls(TimingKind.RECURRING, first_at=first_at, every_weeks=every_weeks)

    @classmethod
    def after_occurrence(cls, after: timedelta = timedelta()) -> Timing:
        return cls(TimingKind.AFTER_OCCURRENCE, after=after)

    def check(self) -> None:
        if self.kind is not TimingKind.AFTER_OCCURRENCE and (
            self.first_at is None or self.first_at.tzinfo is None
        ):
            raise BadTiming("first_at")
        if self.kind is TimingKind.RECURRING and not (
            self.every_weeks and 1 <= self.every_weeks <= MAX_RECURRING_WEEKS
        ):
            raise BadTiming("every_weeks")
        if self.after < timedelta() or self.after > timedelta(days=14):
            raise BadTiming("after")

    def round_due(self, index: int) -> datetime:
        """When round `index` (0, 1, ...) of a once or recurring campaign is due."""
        if self.first_at is None:
            raise BadTiming("first_at")
        return self.first_at + timedelta(weeks=(self.every_weeks or 0) * index)

    def round_key(self, index: int) -> str:
        return ONCE if self.kind is TimingKind.ONCE else f"r{index}"

    def occurrence_round(self, occurrence_key: str) -> str:
        return OCCURRENCE_ROUND + occurrence_key


class CampaignState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class CampaignSpec:
    """What the owner chose. `support_contact` is whom an answer that alerts (needs help)
    tells at once: an Entra object id."""

    form_key: str
    form_version: int
    audience: Audience
    timing: Timing
    closes_at: datetime
    anonymous: bool = False
    k: int = K_DEFAULT
    reminders: tuple[timedelta, ...] = DEFAULT_REMINDERS
    support_contact: str | None = None

    def check(self) -> None:
        if not K_MIN <= self.k <= K_MAX:
            raise ThresholdOutOfRange(self.k)
        if len(self.reminders) > MAX_REMINDERS:
            raise TooManyReminders(len(self.reminders))
        if any(r <= timedelta() for r in self.reminders) or list(self.reminders) != sorted(
            set(self.reminders)
        ):
            raise BadReminders()
        self.audience.check()
        self.timing.check()
        if (self.timing.kind is TimingKind.AFTER_OCCURRENCE
                and self.audience.kind is not AudienceKind.PLAN):
            raise BadTiming("after_occurrence_needs_a_plan")
        if self.closes_at.tzinfo is None:
            raise ClosesTooEarly()
        if self.timing.first_at is not None and self.closes_at <= self.timing.first_at:
            raise ClosesTooEarly()


@dataclass(frozen=True)
class Campaign:
    id: str
    owner_id: str
    spec: CampaignSpec
    created_at: datetime
    state: CampaignState = CampaignState.OPEN
    closed_at: datetime | None = field(default=None)

    @classmethod
    def start(cls, *, id: str, owner_id: str, spec: CampaignSpec, at: datetime) -> Campaign:
        spec.check()
        if spec.closes_at <= at:
            raise ClosesTooEarly()
        return cls(id=id, owner_id=owner_id, spec=spec, created_at=at)

    def is_open(self, at: datetime) -> bool:
        return self.state is CampaignState.OPEN and at < self.spec.closes_at

    def close(self, at: datetime) -> Campaign:
        if self.state is CampaignState.CLOSED:
            return self
        return replace(self, state=CampaignState.CLOSED, closed_at=at)

    def rounds_due(self, at: datetime) -> list[tuple[str, datetime]]:
        """The once/recurring rounds due by `at` that fall before the close, as (round key,
        due instant); an occurrence campaign's rounds come from the occurrences instead."""
        timing = self.spec.timing
        if timing.kind is TimingKind.AFTER_OCCURRENCE:
            return []
        rounds: list[tuple[str, datetime]] = []
        index = 0
        while True:
            due = timing.round_due(index)
            if due > at or due >= self.spec.closes_at:
                return rounds
            rounds.append((timing.round_key(index), due))
            if timing.kind is TimingKind.ONCE:
                return rounds
            index += 1

    def next_round(self, after: datetime) -> datetime | None:
        """When the next once/recurring round after `after` is due, if before the close."""
        timing = self.spec.timing
        if timing.kind is TimingKind.AFTER_OCCURRENCE:
            return None
        index = 0
        while True:
            due = timing.round_due(index)
            if due >= self.spec.closes_at:
                return None
            if due > after:
                return due
            if timing.kind is TimingKind.ONCE:
                return None
            index += 1
