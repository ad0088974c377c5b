"""The learning report's k rule, month by month, and its cards in every language: what is
below k never reaches a card, and what is shown adds up."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from cards import learning_report_card, my_learning_card, report_choice_card, translator_for
from teams_app.bot.reports.presenters import choice_view, my_learning_view, report_view
from teams_app.domain.forms.texts import Texts
from teams_app.domain.learning_report import (
    HindranceAnswer,
    LearningReport,
    PersonHours,
    ShownRate,
    hindrance_months,
    strictest_k,
)
from teams_app.domain.occurrences import Tally
from teams_app.use_cases.learning_hours import PersonPlanHours
from teams_app.use_cases.reports.my_learning import MyLearning
from tests.card_schema import assert_valid_card
from tests.unit.defend.test_slot_presenters import a_plan

MARCH, APRIL = datetime(2026, 3, 10, 9, tzinfo=UTC), datetime(2026, 4, 2, 9, tzinfo=UTC)


def answers(at: datetime, *choices: frozenset[str]) -> list[HindranceAnswer]:
    return [HindranceAnswer(at + timedelta(hours=n), c) for n, c in enumerate(choices)]


def test_a_month_below_k_shows_its_count_only() -> None:
    march = answers(MARCH, *[frozenset({"meeting"})] * 4)
    april = answers(APRIL, *[frozenset({"meeting", "urgent_work"})] * 5)
    shown = hindrance_months([*march, *april], k=5)
    assert [(m.month.month, m.answers, m.shown) for m in shown] == [(3, 4, False), (4, 5, True)]
    assert shown[0].counts == ()  # four people's choices: not even whether they agree
    assert shown[1].counts == (("meeting", 5), ("urgent_work", 5))


def test_totals_add_up_only_the_months_shown() -> None:
    # Were March's four in the total, subtracting April from it would give them away.
    months = hindrance_months([*answers(MARCH, *[frozenset({"technical"})] * 4),
                               *answers(APRIL, *[frozenset({"meeting"})] * 5)], k=5)
    report = a_report(hindrances=months)
    assert report.hindrance_totals == (("meeting", 5),)


def test_a_month_where_nothing_got_in_the_way_is_shown_as_such() -> None:
    months = hindrance_months(answers(MARCH, *[frozenset()] * 5), k=5)
    assert months[0].shown and months[0].counts == ()


@pytest.mark.parametrize(("asked", "answered", "responded", "k", "rate"), [
    (10, 4, None, 5, None),  # below k
    (10, 5, None, 5, 0.5),
    (10, 2, 5, 5, 0.2),  # an applied rate: five answered the follow-up, two applied
    (10, 2, 4, 5, None),  # four answered the follow-up: not shown, not even the two
    (0, 0, None, 3, None),
])
def test_a_rate_shows_only_from_k_answers(
    asked: int, answered: int, responded: int | None, k: int, rate: float | None
) -> None:
    assert ShownRate(asked, answered, k, responded).rate == rate


def test_the_strictest_k_of_the_campaigns_counts() -> None:
    assert strictest_k([3, 7, 5]) == 7 and strictest_k([]) == 5


def a_report(**changes: object) -> LearningReport:
    values: dict[str, object] = {
        "plans": (a_plan(),), "people": (), "team": Tally(), "checkins": None, "applied": None,
        "hindrances": (), "k": 5,
    }
    values.update(changes)
    return LearningReport(**values)  # type: ignore[arg-type]


HOURS = Tally(booked=timedelta(hours=4), due=timedelta(hours=2), kept=timedelta(hours=1.5),
              lost=timedelta(minutes=30), upcoming=timedelta(hours=2))
LABELS = {"meeting": Texts("A meeting", "Ett möte", "Een vergadering", "Ein Termin")}


@pytest.mark.parametrize("language", ["en", "sv", "nl", "de"])
def test_the_report_card_in_every_language(language: str) -> None:
    t = translator_for(language)
    months = hindrance_months([*answers(MARCH, *[frozenset({"meeting"})] * 2),
                               *answers(APRIL, *[frozenset({"meeting"})] * 5)], k=5)
    report = a_report(people=(PersonHours("p1", HOURS), PersonHours("p2", Tally())),
                      team=HOURS, checkins=ShownRate(10, 6, 5), applied=ShownRate(8, 1, 5, 3),
                      hindrances=months, labels=LABELS)
    card = learning_report_card(report_view(t, report, {"p1": "Astrid Lind"}))
    assert_valid_card(card)
    shown = json.dumps(card, ensure_ascii=False)
    assert "Astrid Lind" in shown and "p2" in shown  # a name unknown to the directory: its id
    assert LABELS["meeting"].in_(language) in shown
    assert t("learning.report.month.below_k", count=2) in shown
    assert t("learning.report.rate.below_k", answered=3, asked=8, k=5) in shown
    assert '"Chart.HorizontalBar.Stacked"' in shown and '"Chart.HorizontalBar"' in shown


def test_a_report_without_answers_says_no_follow_up_asked_yet() -> None:
    t = translator_for("en")
    card = learning_report_card(report_view(t, a_report(), {}))
    assert_valid_card(card)
    shown = json.dumps(card)
    assert t("learning.report.applied.none") in shown
    assert "Chart." not in shown  # nothing kept or lost yet: no empty chart


@pytest.mark.parametrize("language", ["en", "sv", "nl", "de"])
def test_my_learning_and_the_chooser_in_every_language(language: str) -> None:
    t = translator_for(language)
    plan = a_plan()
    mine = MyLearning((PersonPlanHours(plan, None, HOURS),), HOURS)  # type: ignore[arg-type]
    card = my_learning_card(my_learning_view(t, mine, "someone-else"))
    assert_valid_card(card)
    assert t("learning.mine.privacy") in json.dumps(card, ensure_ascii=False)
    assert_valid_card(my_learning_card(my_learning_view(t, MyLearning((), Tally()), "x")))
    assert_valid_card(report_choice_card(choice_view(t, [plan, plan])))
    assert_valid_card(report_choice_card(choice_view(t, [])))
