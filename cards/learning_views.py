"""View models of the learning report and `my learning`: display-ready strings and numbers only
(the presenters in teams_app/bot/reports/ localise them and apply nothing: the k rule is the
use case's)."""

from __future__ import annotations

from dataclasses import dataclass

from cards.campaign_views import Distribution, HoursChart
from cards.views import Fact


@dataclass(frozen=True)
class PersonHoursRow:
    name: str
    kept: float  # hours, for the bar
    lost: float
    words: str  # "1.5 of 2 h kept"


@dataclass(frozen=True)
class LearningReportView:
    plan_id: str  # empty on a team's report
    team_id: str  # the plans' team: refreshes a team's report, or the "Whole team" button
    title: str  # "Learning report"
    about: str  # the plan's goal and its cadence
    hours_title: str
    team: HoursChart
    people: tuple[PersonHoursRow, ...] = ()  # at most MAX_PEOPLE
    people_more: str | None = None  # "…and 12 more (learning-loop report --csv has all)"
    answers_title: str = ""
    rates: tuple[Fact, ...] = ()  # check-in response rate, applied rate: words, or why not
    hindrances_title: str = ""
    hindrances: Distribution | None = None  # over the months shown
    months: tuple[Fact, ...] = ()  # month -> its top hindrances, or its count below k
    k_note: str = ""
    refresh_button: str = ""
    plans_button: str = ""
    pair_button: str = ""  # pair the plan's members as learning partners (empty: none)
    team_button: str = ""  # a plan's report whose team has more plans: the whole team's


@dataclass(frozen=True)
class ReportChoice:
    plan_id: str
    title: str
    details: str
    team_id: str = ""  # its team has more plans listed: a "Whole team" button beside


@dataclass(frozen=True)
class ReportChoiceView:
    title: str
    plans: tuple[ReportChoice, ...]
    button: str
    empty: str
    team_button: str = ""


@dataclass(frozen=True)
class MyPlanHours:
    title: str
    details: str  # owned or not, cadence
    kept: float
    lost: float
    words: str


@dataclass(frozen=True)
class MyReflectionItem:
    when: str  # "12 November · shared with your name"
    takeaway: str
    action: str | None = None  # "Planned: … by 18 December"
    applied: str | None = None  # "Applied: partly"


@dataclass(frozen=True)
class MyLearningView:
    title: str
    total: str  # "12 of 16 hours kept across 2 plans"
    plans: tuple[MyPlanHours, ...]
    empty: str
    privacy: str  # who sees this (only you)
    refresh_button: str
    chart_title: str  # "Learning time kept"
    kept_legend: str
    lost_legend: str
    reflections_title: str = ""
    reflections: tuple[MyReflectionItem, ...] = ()
    reflections_more: str | None = None
