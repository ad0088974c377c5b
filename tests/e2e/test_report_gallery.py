"""The learning report and learning partner cards as the Agents Playground renders them: a
plan's report from k answers and below k, a whole team's (a month withheld), the chooser of
plans, `my learning`, who your partners are (of a plan and of a reflection round), the coaching
check-in (blank, refused, answered), the owner's pairing of a plan and the organiser's pairing
of a round, in Swedish, German, Dutch and English. Screenshots go to
artifacts/e2e/gallery/reports/."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from cards import (
    learning_report_card,
    my_learning_card,
    pairing_card,
    partner_answered_card,
    partner_check_in_card,
    partners_card,
    report_choice_card,
    translator_for,
)
from teams_app.bot.partners.presenters import (
    answered_view,
    check_in_view,
    pairing_view,
    partners_view,
)
from teams_app.bot.reports.presenters import choice_view, my_learning_view, report_view
from teams_app.domain.forms.questions import Measure
from teams_app.domain.learning_report import (
    HindranceAnswer,
    LearningReport,
    PersonHours,
    PlanFacts,
    ShownRate,
    hindrance_months,
    report_of,
)
from teams_app.domain.occurrences import Tally
from teams_app.domain.partners import Pairing
from teams_app.domain.reflections.follow_ups import Applied
from teams_app.domain.reflections.sharing import Sharing
from teams_app.ports.partners import PartnerCheckIn
from teams_app.use_cases.learning_hours import PersonPlanHours
from teams_app.use_cases.partners.pairing import MyPartners, PairedOf, SharedLearning
from teams_app.use_cases.reports.my_learning import MyLearning, MyReflection
from tests.e2e.conftest import ARTIFACTS, World
from tests.e2e.gallery import show_gallery
from tests.unit.defend.test_slot_presenters import a_plan
from tests.unit.forms.support import builtin_forms

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

GALLERY = ARTIFACTS / "gallery" / "reports"
H = timedelta(hours=1)
PEOPLE = {"p1": "Astrid Lindqvist", "p2": "Bram de Vries", "p3": "Carl Weber",
          "p4": "Dana Ek", "p5": "Eva Holm"}


def tally(kept: float, lost: float, ahead: float) -> Tally:
    return Tally(booked=(kept + lost + ahead) * H, due=(kept + lost) * H, kept=kept * H,
                 lost=lost * H, upcoming=ahead * H)


def a_report(answers_per_month: tuple[int, int, int]) -> LearningReport:
    obstacles = next(q for f in builtin_forms() for q in f.questions
                     if q.measures is Measure.HINDRANCES)
    choices = [c.id for c in obstacles.choices]
    start = datetime(2026, 9, 8, 9, tzinfo=UTC)
    answers = [HindranceAnswer(start + timedelta(days=31 * month, hours=n),
                               frozenset(choices[(n + month) % len(choices)::3][:2]))
               for month, count in enumerate(answers_per_month) for n in range(count)]
    people = tuple(PersonHours(p, tally(kept, lost, 3)) for p, kept, lost in (
        ("p1", 5, 1), ("p2", 3, 3), ("p3", 6, 0), ("p4", 2, 1), ("p5", 4, 2)))
    return LearningReport(
        plans=(a_plan(),), people=people, team=sum((p.hours for p in people), Tally()),
        checkins=ShownRate(24, sum(answers_per_month), 5),
        applied=ShownRate(9, 5, 5, 7), hindrances=hindrance_months(answers, k=5), k=5,
        labels={c.id: c.label for c in obstacles.choices} | (
            {"other": obstacles.other} if obstacles.other else {}),
    )


def a_team_report() -> LearningReport:
    """Two quarters' plans for one group: September shown, October withheld (the summer plan's
    report shows its five answers, and the autumn's two would follow by subtraction)."""
    obstacles = next(q for f in builtin_forms() for q in f.questions
                     if q.measures is Measure.HINDRANCES)
    choices = [c.id for c in obstacles.choices]
    september, october = datetime(2026, 9, 8, 9, tzinfo=UTC), datetime(2026, 10, 6, 9, tzinfo=UTC)

    def answers(at: datetime, count: int) -> tuple[HindranceAnswer, ...]:
        return tuple(HindranceAnswer(at + timedelta(hours=n),
                                     frozenset(choices[n % len(choices)::4][:2]))
                     for n in range(count))

    summer, autumn = a_plan(), replace(a_plan(), id="p-8", spec=replace(
        a_plan().spec, goal="Practise threat modelling together"))
    hours = {p: tally(kept, lost, 0) for p, kept, lost in (
        ("p1", 5, 1), ("p2", 3, 3), ("p3", 6, 0), ("p4", 2, 1))}
    facts = [
        PlanFacts(summer, frozenset(hours), hours, (12, 9), answers(october, 5), (5,)),
        PlanFacts(autumn, frozenset(hours) | {"p5"}, {"p1": tally(2, 0, 4), "p5": tally(1, 1, 4)},
                  (6, 4), answers(september, 6) + answers(october, 2), (5,)),
    ]
    report = report_of(facts, [], labels={c.id: c.label for c in obstacles.choices})
    return replace(report, team_id="group:g-1", team_plans=2)


def gallery() -> dict[str, dict[str, Any]]:
    cards: dict[str, dict[str, Any]] = {}
    for language in ("sv", "de"):
        t = translator_for(language)
        cards[f"{language}-report"] = learning_report_card(
            report_view(t, a_report((6, 3, 8)), PEOPLE))
    cards["nl-report-below-k"] = learning_report_card(
        report_view(translator_for("nl"), a_report((2, 1, 0)), PEOPLE))
    for language in ("en", "sv"):
        cards[f"{language}-team-report"] = learning_report_card(
            report_view(translator_for(language), a_team_report(), PEOPLE))
    plan = a_plan()
    mine = MyLearning((PersonPlanHours(plan, None, tally(5, 1, 3)),  # type: ignore[arg-type]
                       PersonPlanHours(plan, None, tally(1, 0, 6))),  # type: ignore[arg-type]
                      tally(6, 1, 9), (
        MyReflection(datetime(2026, 11, 24, 15, tzinfo=UTC), Sharing.NAMED,
                     "Threat modelling is easier on a whiteboard with the team.",
                     "Run a threat model for the billing service", date(2026, 12, 18),
                     Applied.PARTLY),
        MyReflection(datetime(2026, 11, 10, 15, tzinfo=UTC), Sharing.PRIVATE,
                     "I learn best when I try things on real tickets first.")), 3)
    for language in ("nl", "en"):
        t = translator_for(language)
        cards[f"{language}-my-learning"] = my_learning_card(my_learning_view(t, mine, "owner"))
    cards["sv-choose"] = report_choice_card(choice_view(translator_for("sv"), [plan, plan]))
    return cards | partner_cards()


SHARED = SharedLearning("Threat modelling is easier on a whiteboard with the team.",
                        "Run a threat model for the billing service", date(2026, 12, 18))


def partner_cards() -> dict[str, dict[str, Any]]:
    at = datetime(2026, 9, 7, 9, tzinfo=UTC)
    pairing = Pairing("pairing-1", "p-7", (("p1", "p2"), ("p3", "p4", "p5")), 2, at)
    of_round = Pairing("pairing-2", None, (("p1", "p2", "p3"),), 2, at, round_id="round-1")
    cards: dict[str, dict[str, Any]] = {}
    for language in ("sv", "de"):
        t = translator_for(language)
        cards[f"{language}-partners"] = partners_card(partners_view(
            t, [MyPartners(pairing, ("p4", "p5"), PairedOf("Finish the cloud security course"),
                           {"p4": SHARED}),
                MyPartners(of_round, ("p2",), PairedOf(round_on=date(2026, 12, 3)))],
            PEOPLE))
        cards[f"{language}-partner-check-in"] = partner_check_in_card(
            check_in_view(t, pairing, 1, ("p2",), PEOPLE, shared={"p2": SHARED}))
    t = translator_for("nl")
    cards["nl-partner-check-in-refused"] = partner_check_in_card(check_in_view(
        t, pairing, 1, ("p4", "p5"), PEOPLE, error=t("partners.checkin.empty")))
    answered = PartnerCheckIn("pairing-1", "p1", 1, at, at, None, at,
                              "Bram finished the second module and tried it on a real ticket.",
                              "An hour without meetings on Thursdays.")
    cards["en-partner-answered"] = partner_answered_card(
        answered_view(translator_for("en"), answered, newly=True, partners=("p2",),
                      names=PEOPLE))
    cards["sv-partners-none"] = partners_card(partners_view(translator_for("sv"), [], {}))
    cards["sv-pairing"] = pairing_card(pairing_view(
        translator_for("sv"), pairing, PairedOf("Finish the cloud security course"), PEOPLE,
        notice=translator_for("sv")("partners.pairing.done")))
    # A reflection round's pairing, as its organiser sees it: fresh, and from an old card.
    for language in ("en", "nl"):
        t = translator_for(language)
        cards[f"{language}-round-pairing"] = pairing_card(pairing_view(
            t, of_round, PairedOf(round_on=date(2026, 12, 3)), PEOPLE,
            notice=t("partners.pairing.done_round")))
    t = translator_for("de")
    cards["de-round-pairing-old-card"] = pairing_card(pairing_view(
        t, of_round, PairedOf(round_on=date(2026, 12, 3)), PEOPLE,
        notice=t("partners.pairing.changed"), changed=False, unreached={"not_installed": 1}))
    return cards


async def test_every_report_card_renders(world: World) -> None:
    await show_gallery(world, gallery(), GALLERY)
