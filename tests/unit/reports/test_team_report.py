"""The report over several plans of one team (`report_of`): hours add up per person across the
plans, each person once; answers are shown under the strictest k, and a team figure that the
plans' own reports would give away by subtraction stays hidden. A plan's report is the one-plan
case of the same function."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from cards import learning_report_card, report_choice_card, translator_for, verbs
from teams_app.bot.reports.presenters import choice_view, report_view
from teams_app.domain.learning_plans import LearningPlan, MemberSource, PlanMode
from teams_app.domain.learning_report import (
    HindranceAnswer,
    PlanFacts,
    report_of,
    team_key,
)
from teams_app.domain.occurrences import Tally
from teams_app.domain.reflections.follow_ups import Applied, FollowUp, FollowUpState
from tests.card_schema import assert_valid_card
from tests.card_texts import nodes
from tests.unit.defend.test_slot_presenters import a_plan

MARCH = datetime(2026, 3, 10, 9, tzinfo=UTC)
H = timedelta(hours=1)


def plan(plan_id: str, source: MemberSource | None = None,
         mode: PlanMode = PlanMode.PERSONAL) -> LearningPlan:
    base = a_plan()
    spec = replace(base.spec, members=source or MemberSource.of_group("g-1"), mode=mode)
    return replace(base, id=plan_id, spec=spec)


def kept(hours: float, due: float) -> Tally:
    return Tally(booked=due * H, due=due * H, kept=hours * H, lost=(due - hours) * H)


def facts(plan_id: str, *, members: tuple[str, ...] = (), hours: dict[str, Tally] | None = None,
          checkins: tuple[int, int] | None = None, hindrances: int = 0, k: int = 5,
          mode: PlanMode = PlanMode.PERSONAL) -> PlanFacts:
    answers = tuple(HindranceAnswer(MARCH + n * H, frozenset({"meeting"}))
                    for n in range(hindrances))
    return PlanFacts(plan(plan_id, mode=mode), frozenset(members), hours or {}, checkins,
                     answers, (k,))


def follow_up(person: str, applied: Applied | None) -> FollowUp:
    return FollowUp(f"f-{person}-{applied}", person, "round", f"r-{person}", "Act", None,
                    MARCH.date(), MARCH,
                    state=FollowUpState.ANSWERED if applied else FollowUpState.ASKED,
                    applied=applied, answered_at=MARCH if applied else None)


def test_a_person_in_two_plans_has_their_hours_added_and_counts_once() -> None:
    report = report_of([
        facts("q1", hours={"ann": kept(3, 4), "bo": kept(1, 2)}),
        facts("q2", hours={"ann": kept(2, 2), "cy": kept(0, 1)}),
    ], [], labels={})
    people = {p.person_id: p.hours for p in report.people}
    assert sorted(people) == ["ann", "bo", "cy"]
    assert people["ann"].kept == 5 * H and people["ann"].due == 6 * H
    assert report.team.kept == 6 * H and report.team.due == 9 * H
    assert [p.id for p in report.plans] == ["q1", "q2"]


def test_a_team_sessions_plan_adds_to_the_team_but_lists_nobody() -> None:
    report = report_of([facts("s", hours={"org": kept(1, 1)}, mode=PlanMode.TEAM_SESSION),
                        facts("q1", hours={"ann": kept(2, 2)})], [], labels={})
    assert [p.person_id for p in report.people] == ["ann"]
    assert report.team.kept == 3 * H


def test_the_strictest_k_of_every_plan_counts() -> None:
    report = report_of([facts("q1", k=3, hindrances=3), facts("q2", k=7)], [], labels={})
    assert report.k == 7
    (month,) = report.hindrances
    assert (month.answers, month.shown, month.counts) == (3, False, ())


def test_a_team_below_k_shows_counts_only() -> None:
    report = report_of([facts("q1", checkins=(6, 2), hindrances=2, members=("a", "b")),
                        facts("q2", checkins=(4, 1), hindrances=1, members=("c",))],
                       [follow_up("a", Applied.YES), follow_up("c", Applied.PARTLY)],
                       labels={})
    assert report.checkins is not None and report.checkins.rate is None
    assert (report.checkins.asked, report.checkins.answered) == (10, 3)
    assert report.applied is not None and report.applied.rate is None
    assert [(m.answers, m.shown, m.counts) for m in report.hindrances] == [(3, False, ())]
    assert report.hindrance_totals == ()


def test_one_plans_few_answers_cannot_be_had_by_subtracting_its_sibling() -> None:
    # q1's March shows on its own report (6 answers); q2's two do not. Were the team's eight
    # shown, eight minus six would give q2's two people's choices away.
    report = report_of([facts("q1", hindrances=6), facts("q2", hindrances=2)], [], labels={})
    (month,) = report.hindrances
    assert month.answers == 8 and not month.shown and month.withheld and month.counts == ()
    assert report.hindrance_totals == ()


def test_a_check_in_share_is_counts_every_plan_shows_so_it_is_never_withheld() -> None:
    report = report_of([facts("q1", checkins=(12, 9)), facts("q2", checkins=(6, 2))], [],
                       labels={})
    assert report.checkins is not None and report.checkins.rate == pytest.approx(11 / 18)


def test_a_team_figure_shows_when_what_is_left_is_k_or_more() -> None:
    report = report_of([facts("q1", hindrances=6), facts("q2", hindrances=5)], [], labels={})
    (month,) = report.hindrances
    assert month.shown and month.counts == (("meeting", 11),)


def test_an_applied_rate_that_one_plan_would_reveal_a_person_by_is_withheld() -> None:
    # Six people in q1 answered their follow-ups; q2 has the same six and one more. Team minus
    # q1 would be that one person's answer.
    six = tuple(f"p{n}" for n in range(6))
    answers = [follow_up(p, Applied.YES) for p in six] + [follow_up("p6", Applied.NOT_YET)]
    report = report_of([facts("q1", members=six), facts("q2", members=(*six, "p6"))],
                       answers, labels={})
    assert report.applied is not None and report.applied.withheld
    assert report.applied.rate is None and not report.applied.shown
    alone = report_of([facts("q2", members=(*six, "p6"))], answers, labels={})
    assert alone.applied is not None and alone.applied.rate == pytest.approx(6 / 7)


def test_one_plans_report_is_the_one_plan_case() -> None:
    report = report_of([facts("q1", checkins=(10, 6), hindrances=5, members=("a",))],
                       [follow_up("a", Applied.YES)], labels={})
    assert report.team_id is None and report.team_plans == 1
    assert report.checkins is not None and report.checkins.rate == 0.6
    assert not report.checkins.withheld and report.hindrances[0].shown


def test_the_same_team_is_the_same_group_the_owners_reports_or_the_same_people() -> None:
    assert team_key(plan("a")) == team_key(plan("b")) == "group:g-1"
    assert team_key(plan("a", MemberSource.of_group("g-2"))) != team_key(plan("a"))
    reports = team_key(plan("a", MemberSource.direct_reports()))
    assert reports == "direct-reports"
    same = team_key(plan("a", MemberSource.of_people("u1", "u2")))
    assert same == team_key(plan("b", MemberSource.of_people("u2", "u1")))
    assert same != team_key(plan("b", MemberSource.of_people("u1", "u2", "u3")))
    assert same.startswith("people:") and len(same) <= 100  # fits a card's id


def executes(card: dict[str, object]) -> list[dict[str, object]]:
    return [n for n in nodes(card) if n.get("type") == "Action.Execute"]


@pytest.mark.parametrize("language", ["en", "sv", "nl", "de"])
def test_the_team_report_card_in_every_language(language: str) -> None:
    t = translator_for(language)
    report = replace(report_of([facts("q1", hindrances=6, hours={"p1": kept(2, 3)}),
                                facts("q2", hindrances=2, hours={"p2": kept(1, 1)})], [],
                               labels={}), team_id="group:g-1", team_plans=2)
    card = learning_report_card(report_view(t, report, {"p1": "Astrid Lind"}))
    assert_valid_card(card)
    shown = json.dumps(card, ensure_ascii=False)
    assert t("learning.report.team.title") in shown and "Astrid Lind" in shown
    assert t("learning.report.month.withheld", count=8) in shown
    actions = executes(card)
    assert actions[0]["data"] == {"verb": verbs.REPORT_TEAM, "team": "group:g-1"}
    assert all(a["verb"] not in (verbs.PARTNERS_PAIR, verbs.REPORT_SHOW) for a in actions)


def test_a_plans_report_offers_the_whole_team_only_when_it_has_more_plans() -> None:
    t = translator_for("en")
    one = report_of([facts("q1")], [], labels={})
    assert verbs.REPORT_TEAM not in [a["verb"] for a in executes(
        learning_report_card(report_view(t, one, {})))]
    card = learning_report_card(report_view(t, replace(one, team_plans=2), {}))
    assert_valid_card(card)
    (team,) = [a for a in executes(card) if a["verb"] == verbs.REPORT_TEAM]
    assert team["data"] == {"verb": verbs.REPORT_TEAM, "team": "group:g-1"}
    assert team["title"] == t("learning.report.team")


def test_the_chooser_offers_the_whole_team_beside_plans_of_one_team() -> None:
    t = translator_for("sv")
    card = report_choice_card(choice_view(t, [plan("q1"), plan("q2"),
                                              plan("x", MemberSource.direct_reports())]))
    assert_valid_card(card)
    teams = [a["data"] for a in executes(card) if a["verb"] == verbs.REPORT_TEAM]
    assert teams == [{"verb": verbs.REPORT_TEAM, "team": "group:g-1"}] * 2


def test_a_withheld_rate_says_why_in_every_language() -> None:
    six = tuple(f"p{n}" for n in range(6))
    answers = [follow_up(p, Applied.YES) for p in six] + [follow_up("p6", Applied.NOT_YET)]
    report = report_of([facts("q1", members=six), facts("q2", members=(*six, "p6"))],
                       answers, labels={})
    for language in ("en", "sv", "nl", "de"):
        t = translator_for(language)
        shown = json.dumps(learning_report_card(report_view(t, report, {})),
                           ensure_ascii=False)
        assert t("learning.report.rate.withheld", answered=7, asked=7) in shown
