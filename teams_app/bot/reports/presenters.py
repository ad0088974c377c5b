"""Presenters of the learning report and `my learning`: ids become names, choice ids the
reader's words, hours and shares the reader's numbers. What is below k never reaches here (the
use case left it out), so nothing here decides what may be shown."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from babel.dates import format_skeleton

from cards import (
    MAX_PEOPLE,
    Distribution,
    Fact,
    HoursChart,
    LearningReportView,
    MyLearningView,
    MyPlanHours,
    MyReflectionItem,
    PersonHoursRow,
    ReportChoice,
    ReportChoiceView,
    Translator,
)
from teams_app.bot.formatting import day_and_month, decimal, hours_of, locale_of, percent
from teams_app.bot.slot_texts import cadence_label
from teams_app.domain.learning_plans import LearningPlan
from teams_app.domain.learning_report import (
    HindranceMonth,
    LearningReport,
    ShownRate,
    team_key,
)
from teams_app.domain.occurrences import Tally
from teams_app.use_cases.reports.my_learning import MyLearning, MyReflection

TOP_PER_MONTH = 3


def report_view(t: Translator, report: LearningReport, names: Mapping[str, str]
                ) -> LearningReportView:
    people = sorted(report.people, key=lambda p: names.get(p.person_id, p.person_id).casefold())
    more = len(people) - MAX_PEOPLE
    rates = []
    if report.checkins is not None:
        rates.append(Fact(t("learning.report.checkins"), _rate(t, report.checkins)))
    rates.append(Fact(t("learning.report.applied"),
                      _rate(t, report.applied) if report.applied is not None
                      else t("learning.report.applied.none")))
    totals = report.hindrance_totals
    whole = report.team_id is not None
    return LearningReportView(
        plan_id="" if whole else report.plans[0].id,
        team_id=report.team_id or team_key(report.plans[0]),
        title=t("learning.report.team.title" if whole else "learning.report.title"),
        about=(t("learning.report.team.about", plans=" · ".join(_title(t, p) for p in report.plans))
               if whole else _about(t, report.plans[0])),
        hours_title=t("learning.report.hours"),
        team=_hours_chart(t, report.team),
        people=tuple(PersonHoursRow(names.get(p.person_id, p.person_id),
                                    hours_of(p.hours.kept), hours_of(p.hours.lost),
                                    _row_words(t, p.hours))
                     for p in people[:MAX_PEOPLE]),
        people_more=t("learning.report.more", count=more) if more > 0 else None,
        answers_title=t("learning.report.answers"),
        rates=tuple(rates),
        hindrances_title=t("learning.report.hindrances"),
        hindrances=Distribution(t("learning.report.hindrances"),
                                tuple((_hindrance(t, report, c), n) for c, n in totals))
        if totals else None,
        months=tuple(Fact(_month(t, m), _month_words(t, report, m)) for m in report.hindrances),
        k_note=t("learning.report.k_note", k=report.k),
        refresh_button=t("learning.report.refresh"),
        plans_button=t("learning.report.plans"),
        pair_button="" if whole else t("learning.report.pair"),
        team_button=t("learning.report.team") if not whole and report.team_plans > 1 else "",
    )


def choice_view(t: Translator, plans: Sequence[LearningPlan]) -> ReportChoiceView:
    teams = Counter(team_key(p) for p in plans)
    return ReportChoiceView(
        title=t("learning.report.choose"),
        plans=tuple(ReportChoice(p.id, _title(t, p), t(
            "learning.report.since", cadence=cadence_label(t, p.spec),
            date=day_and_month(t, p.spec.horizon.start)),
            team_key(p) if teams[team_key(p)] > 1 else "") for p in plans),
        button=t("learning.report.show"),
        empty=t("learning.report.no_plans"),
        team_button=t("learning.report.team"),
    )


def my_learning_view(t: Translator, mine: MyLearning, person_id: str) -> MyLearningView:
    total = mine.total
    return MyLearningView(
        title=t("learning.mine.title"),
        total=t("learning.mine.total", kept=decimal(t, hours_of(total.kept)),
                booked=decimal(t, hours_of(total.due)), count=len(mine.plans)),
        plans=tuple(
            MyPlanHours(
                title=_title(t, p.plan),
                details=" · ".join([cadence_label(t, p.plan.spec)] + (
                    [t("learning.mine.owned")] if p.plan.owner_id == person_id else [])),
                kept=hours_of(p.hours.kept), lost=hours_of(p.hours.lost),
                words=_hours_words(t, p.hours),
            )
            for p in mine.plans
        ),
        empty=t("learning.mine.empty"),
        privacy=t("learning.mine.privacy"),
        refresh_button=t("learning.report.refresh"),
        chart_title=t("report.hours.title"),
        reflections_title=t("learning.mine.reflections"),
        reflections=tuple(_reflection(t, r) for r in mine.reflections),
        reflections_more=(t("learning.mine.more_reflections", count=mine.more_reflections)
                          if mine.more_reflections else None),
        kept_legend=t("plans.chart.kept"), lost_legend=t("plans.chart.lost"),
    )


def _reflection(t: Translator, mine: MyReflection) -> MyReflectionItem:
    shared = t(f"learning.mine.sharing.{mine.sharing.value}")
    action = None
    if mine.action:
        action = (t("learning.mine.action_by", action=mine.action,
                    date=day_and_month(t, mine.action_by)) if mine.action_by
                  else t("learning.mine.action", action=mine.action))
    return MyReflectionItem(
        when=f"{day_and_month(t, mine.at.date())} · {shared}",
        takeaway=mine.takeaway,
        action=action,
        applied=t(f"learning.mine.applied.{mine.applied.value}") if mine.applied else None,
    )


def _about(t: Translator, plan: LearningPlan) -> str:
    return f"{_title(t, plan)} · {cadence_label(t, plan.spec)}"


def _title(t: Translator, plan: LearningPlan) -> str:
    return plan.spec.goal.strip() or t("plans.untitled")


def _hours_chart(t: Translator, hours: Tally) -> HoursChart:
    return HoursChart(
        title=t("report.hours.title"),
        kept=hours_of(hours.kept), lost=hours_of(hours.lost),
        kept_legend=t("plans.chart.kept"), lost_legend=t("plans.chart.lost"),
        words=_hours_words(t, hours),
    )


def _hours_words(t: Translator, hours: Tally) -> str:
    kept, due, ahead = hours_of(hours.kept), hours_of(hours.due), hours_of(hours.upcoming)
    parts = [t("plans.hours", kept=decimal(t, kept), booked=decimal(t, due)) if due
             else t("plans.hours.none")]
    if ahead:
        parts.append(t("plans.member.ahead", hours=decimal(t, ahead)))
    return " · ".join(parts)


def _row_words(t: Translator, hours: Tally) -> str:
    """A member's row is narrow: "5 of 6 h", the hours ahead left to the team's line."""
    if not hours.due:
        return t("learning.report.row.none")
    return t("learning.report.row", kept=decimal(t, hours_of(hours.kept)),
             booked=decimal(t, hours_of(hours.due)))


def _rate(t: Translator, rate: ShownRate) -> str:
    if rate.withheld:
        return t("learning.report.rate.withheld", answered=rate.answers, asked=rate.asked)
    if rate.rate is None:
        return t("learning.report.rate.below_k", answered=rate.responded or rate.answered,
                 asked=rate.asked, k=rate.k)
    return t("learning.report.rate", percent=percent(t, rate.rate), answered=rate.answered,
             asked=rate.asked)


def _month(t: Translator, month: HindranceMonth) -> str:
    return format_skeleton("yMMMM", month.month, locale=locale_of(t))


def _month_words(t: Translator, report: LearningReport, month: HindranceMonth) -> str:
    if month.withheld:
        return t("learning.report.month.withheld", count=month.answers)
    if not month.shown:
        return t("learning.report.month.below_k", count=month.answers)
    if not month.counts:
        return t("learning.report.month.none", count=month.answers)
    top = ", ".join(f"{_hindrance(t, report, c)} ({n})"
                    for c, n in month.counts[:TOP_PER_MONTH])
    return t("learning.report.month", count=month.answers, top=top)


def _hindrance(t: Translator, report: LearningReport, choice: str) -> str:
    label = report.labels.get(choice)
    return label.in_(t.language) if label is not None else choice
