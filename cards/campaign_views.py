"""View models of the owner's campaign cards: display-ready strings and numbers only (the
presenters in teams_app/bot/campaigns/ localise them)."""

from __future__ import annotations

from dataclasses import dataclass

from cards.views import Fact, ReachNotice


@dataclass(frozen=True)
class CampaignItem:
    campaign_id: str
    title: str  # the form's title
    details: str  # "Open until 19 December · anonymous"
    counts: str  # "7 of 10 answered"


@dataclass(frozen=True)
class CampaignsListView:
    title: str
    items: tuple[CampaignItem, ...]
    empty: str
    report_button: str
    more: str | None = None


@dataclass(frozen=True)
class Distribution:
    question: str
    bars: tuple[tuple[str, int], ...]  # (answer, how many) in the form's order


@dataclass(frozen=True)
class RateChart:
    title: str
    legend: str
    points: tuple[tuple[str, int, str], ...]  # (day, percent answered, the words for it)


@dataclass(frozen=True)
class HoursChart:
    title: str
    kept: float
    lost: float
    kept_legend: str
    lost_legend: str
    words: str  # "12 of 16 hours kept"


@dataclass(frozen=True)
class CampaignReportView:
    campaign_id: str
    title: str
    details: str
    counts: tuple[Fact, ...]
    refresh_button: str
    list_button: str
    # Below k: why there is nothing more (no chart, no distribution).
    below_k: str | None = None
    rate: RateChart | None = None
    distributions_title: str | None = None
    distributions: tuple[Distribution, ...] = ()
    hours: HoursChart | None = None
    reach: ReachNotice | None = None
