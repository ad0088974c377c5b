"""The learning report a plan's owner reads (one plan's, or the whole team's), the chooser when
they own several plans, and a person's `my learning`. Charts are Teams' with 1.5 fallbacks
(cards/charts.py)."""

from __future__ import annotations

from typing import Any

from cards import models as ac
from cards import verbs
from cards.blocks import facts, more_line, section, small
from cards.charts import distribution_chart, kept_hours_chart, simple_bar
from cards.elements import card, execute, heading, text
from cards.learning_views import LearningReportView, MyLearningView, ReportChoiceView

MAX_PEOPLE = 40  # rows on a card; the CSV export has everyone
MAX_CHOICES = 20


def learning_report_card(view: LearningReportView) -> dict[str, Any]:
    body: list[ac.Element] = [heading(view.title), text(view.about, subtle=True,
                                                        spacing="Small")]
    body.append(section(view.hours_title))
    team = view.team
    if team.kept + team.lost > 0:
        body.append(kept_hours_chart(team.title, team.kept, team.lost,
                                     kept_legend=team.kept_legend, lost_legend=team.lost_legend))
    body.append(text(team.words, spacing="Small"))
    for row in view.people[:MAX_PEOPLE]:
        body.append(_hours_row(row.name, row.kept, row.lost, row.words))
    body += more_line(view.people_more)
    if view.rates:
        body += [section(view.answers_title), facts(view.rates)]
    if view.hindrances is not None or view.months:
        body.append(section(view.hindrances_title))
        if view.hindrances is not None and view.hindrances.bars:
            body.append(distribution_chart(view.hindrances.question, view.hindrances.bars))
        if view.months:
            body.append(facts(view.months))
    if view.k_note:
        body.append(small(view.k_note, spacing="Medium"))
    if not view.plan_id:
        actions = [execute(view.refresh_button, verbs.REPORT_TEAM, team=view.team_id)]
    else:
        actions = [execute(view.refresh_button, verbs.REPORT_SHOW, plan_id=view.plan_id)]
    if view.team_button and view.plan_id:
        actions.append(execute(view.team_button, verbs.REPORT_TEAM, team=view.team_id))
    if view.pair_button and view.plan_id and len(view.people) >= 2:
        actions.append(execute(view.pair_button, verbs.PARTNERS_PAIR, plan_id=view.plan_id))
    actions.append(execute(view.plans_button, verbs.PLANS_LIST))
    return card(body, actions)


def report_choice_card(view: ReportChoiceView) -> dict[str, Any]:
    body: list[ac.Element] = [heading(view.title)]
    if not view.plans:
        body.append(text(view.empty))
    for plan in view.plans[:MAX_CHOICES]:
        body.append(ac.Container(separator=True, spacing="Medium", items=[
            text(plan.title, weight="Bolder"),
            text(plan.details, subtle=True, spacing="Small"),
            ac.ActionSet(actions=[
                execute(view.button, verbs.REPORT_SHOW, plan_id=plan.plan_id),
                *([execute(view.team_button, verbs.REPORT_TEAM, team=plan.team_id)]
                  if plan.team_id and view.team_button else []),
            ]),
        ]))
    return card(body)


def my_learning_card(view: MyLearningView) -> dict[str, Any]:
    body: list[ac.Element] = [heading(view.title)]
    if not view.plans:
        body.append(text(view.empty))
    else:
        body.append(text(view.total, weight="Bolder", spacing="Small"))
    for plan in view.plans:
        body.append(ac.Container(separator=True, spacing="Medium", items=[
            text(plan.title, weight="Bolder"),
            text(plan.details, subtle=True, spacing="Small"),
            *([kept_hours_chart(view.chart_title, plan.kept, plan.lost,
                                kept_legend=view.kept_legend, lost_legend=view.lost_legend)]
              if plan.kept + plan.lost > 0 else []),
            text(plan.words, spacing="Small"),
        ]))
    if view.reflections:
        body.append(section(view.reflections_title))
        for item in view.reflections:
            body.append(ac.Container(spacing="Medium", items=[
                text(item.when, subtle=True, size="Small"),
                text(item.takeaway, spacing="Small"),
                *([text(item.action, spacing="Small", weight="Bolder")] if item.action else []),
                *([text(item.applied, spacing="None", color="good")] if item.applied else []),
            ]))
        body += more_line(view.reflections_more)
    body.append(small(view.privacy, spacing="Medium"))
    return card(body, [execute(view.refresh_button, verbs.MY_LEARNING)])


def _hours_row(name: str, kept: float, lost: float, words: str) -> ac.ColumnSet:
    bar = simple_bar(((kept, "good"), (lost, "attention"))) if kept + lost > 0 else None
    return ac.ColumnSet(spacing="Small", columns=[
        ac.Column(width=4, items=[text(name, size="Small")], vertical_content_alignment="Center"),
        ac.Column(width=4, items=[bar] if bar else [], vertical_content_alignment="Center"),
        ac.Column(width=3, items=[text(words, size="Small", horizontal_alignment="Right")],
                  vertical_content_alignment="Center"),
    ])
