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
    new_buttons: tuple[tuple[str, str], ...] = ()  # (kind, "New check-in")


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
    said_did: SaidDidForm | None = None
    notice: str | None = None  # what just happened ("Created: 12 people will be asked.")


@dataclass(frozen=True)
class SaidDidView:
    """"You said, we did" to someone the campaign asked."""

    title: str  # "You said, we did"
    about: str  # "About: Learning time check-in"
    text: str  # the owner's words
    thanks: str


@dataclass(frozen=True)
class SaidDidForm:
    """The owner's input on the report: what changed, and the messages already sent."""

    label: str  # the section's heading
    input_label: str
    placeholder: str
    button: str
    seen: int  # messages sent so far: the Send of an older card sends nothing
    sent: tuple[str, ...] = ()  # "10 March: sent to 7 people, 1 not reached"
    value: str = ""  # what was typed, kept when refused
    error: str | None = None
    notice: str | None = None  # "Sent" / "already sent from this card"
    max_length: int = 2000
