"""Answers kept for a campaign, and what an owner may see of them.

A named response is one per (campaign, round, person), changed by Edit. An anonymous response
holds no person, no round that only one person could have (an occurrence's), and only the day
it came, so it cannot be matched to who was asked or when they answered (docs/campaigns.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from teams_app.domain.campaigns.campaigns import (
    OCCURRENCE_ROUND,
    Campaign,
    CampaignClosed,
    CampaignError,
)
from teams_app.domain.forms.answers import (
    AnswerSet,
    ChoiceAnswer,
    NumberAnswer,
    YesNoAnswer,
)


class NotInAudience(CampaignError):
    code = "campaign_not_in_audience"  # the sender was never asked this round


class WrongForm(CampaignError):
    code = "campaign_wrong_form"  # the card names another form or version than the campaign


class AlreadyAnswered(CampaignError):
    code = "campaign_already_answered"  # anonymous: a second submit; nothing to edit


class BelowThreshold(CampaignError):
    """Fewer than k answers: the answers themselves (an export) would single people out."""

    code = "campaign_below_k"

    def __init__(self, answered: int, k: int) -> None:
        super().__init__(answered, k)
        self.answered, self.k = answered, k


def require_k(campaign: Campaign, answered: int) -> None:
    """The k rule for anything that shows answers beyond counts (DESIGN.md 8)."""
    if answered < campaign.spec.k:
        raise BelowThreshold(answered, campaign.spec.k)


@dataclass(frozen=True)
class StoredResponse:
    """A response as kept. `person_id` and `round` are None for an anonymous one."""

    key: str  # random: the response's only id (and, later, its SharePoint item's key)
    campaign_id: str
    form_key: str
    form_version: int
    answers: Mapping[str, str] = field(repr=False)  # as a card submits them (to_submitted)
    submitted_at: datetime  # anonymous: the day only (midnight UTC)
    person_id: str | None = None
    round: str | None = None
    updated_at: datetime | None = None  # named only


def check_answerable(
    campaign: Campaign, *, form_key: str, form_version: int, asked: bool, at: datetime
) -> None:
    """Refuses an answer the campaign cannot take: closed, another form, someone not asked."""
    if not campaign.is_open(at):
        raise CampaignClosed(campaign.id)
    if (form_key, form_version) != (campaign.spec.form_key, campaign.spec.form_version):
        raise WrongForm(campaign.id)
    if not asked:
        raise NotInAudience(campaign.id)


def coarse_day(at: datetime) -> datetime:
    """An anonymous response's time: the day, not the moment (nothing to match a prompt by)."""
    return datetime.combine(at.astimezone(UTC).date(), time(0, 0), tzinfo=UTC)


def response_round(campaign: Campaign, round_key: str) -> str | None:
    """The round kept with a response: none for an anonymous answer about one person's
    occurrence (its key would say whose it was)."""
    if campaign.spec.anonymous and round_key.startswith(OCCURRENCE_ROUND):
        return None
    return round_key


@dataclass(frozen=True)
class Tally:
    """Counts per choice (or value) of one question."""

    question: str
    counts: Mapping[str, int]


@dataclass(frozen=True)
class CampaignSummary:
    asked: int
    answered: int
    postponed: int  # prompts the weekly cap pushed to a later week
    unreachable: int
    shown: bool  # False: fewer than k answers, so only the counts above
    tallies: tuple[Tally, ...] = ()


def summarise(
    campaign: Campaign,
    answer_sets: Iterable[AnswerSet],
    *,
    asked: int,
    answered: int,
    postponed: int,
    unreachable: int,
) -> CampaignSummary:
    """Counts always; the distributions of choices, ratings and yes/no only from k answers."""
    sets = list(answer_sets)
    if len(sets) < campaign.spec.k:
        return CampaignSummary(asked, answered, postponed, unreachable, shown=False)
    counters: dict[str, Counter[str]] = {}
    for answer_set in sets:
        for answer in answer_set.answers:
            match answer:
                case ChoiceAnswer(question, choices, _):
                    counters.setdefault(question, Counter()).update(choices)
                case NumberAnswer(question, value):
                    counters.setdefault(question, Counter())[str(value)] += 1
                case YesNoAnswer(question, value):
                    counters.setdefault(question, Counter())["yes" if value else "no"] += 1
                case _:
                    pass  # free text is never tallied
    tallies = tuple(Tally(q, dict(sorted(c.items()))) for q, c in sorted(counters.items()))
    return CampaignSummary(asked, answered, postponed, unreachable, shown=True, tallies=tallies)
