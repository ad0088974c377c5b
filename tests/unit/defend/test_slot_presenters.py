"""The member's cards as the presenters fill them, in every language and in the member's zone:
valid Adaptive Cards 1.5, the ids the handlers expect, what happened after an answer."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from cards import (
    SUPPORTED_LOCALES,
    slot_booked_card,
    slot_collision_card,
    slot_decision_card,
    translator_for,
    verbs,
)
from teams_app.bot.defend import presenters as present
from teams_app.bot.plans.booked_card import booked_view
from teams_app.domain.bookings import BookedSlot, SlotState
from teams_app.domain.cadences import Cadence, Horizon, LearningWindow
from teams_app.domain.calendar import TimeSpan, Weekday, WeekIndex
from teams_app.domain.learning_plans import LearningPlan, MemberSource, PlanSpec
from teams_app.domain.occurrence_records import Decision, SlotRef
from teams_app.domain.occurrences import CollisionKind
from teams_app.use_cases.defend.collision_cards import CollisionFacts
from teams_app.use_cases.defend.decisions import OccurrenceDecided
from teams_app.use_cases.plans.booked_cards import SlotBookedFacts
from tests.card_schema import assert_valid_card
from tests.card_texts import texts

AT = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
SESSION = TimeSpan(datetime(2026, 3, 10, 9, tzinfo=UTC), datetime(2026, 3, 10, 10, tzinfo=UTC))
SLOT = SlotRef("p-7", "aad-3", 2)
MEETING = TimeSpan(SESSION.start - timedelta(minutes=30), SESSION.start + timedelta(minutes=30))


def a_plan(cadence: Cadence | None = None, material: str | None = "https://learn.example.com/x"
           ) -> LearningPlan:
    spec = PlanSpec(
        members=MemberSource.direct_reports(),
        cadence=cadence or Cadence.weekly(),
        duration_minutes=60,
        window=LearningWindow((Weekday.TUESDAY,), time(9), time(16)),
        horizon=Horizon(date(2026, 3, 3), occurrences=6),
        goal="Finish the cloud security course",
        material_url=material,
    )
    return LearningPlan("p-7", "owner", spec, created_at=AT, updated_at=AT, revision=2)


def collision(kind: CollisionKind = CollisionKind.OVERLAPPED, *, move: bool = True,
              subject: str | None = "Sprint review", notice: str | None = None
              ) -> CollisionFacts:
    moves = tuple(TimeSpan(SESSION.start + timedelta(days=2, hours=h),
                           SESSION.end + timedelta(days=2, hours=h)) for h in (4, 2, 6)) \
        if move else ()
    overlapped = kind is CollisionKind.OVERLAPPED
    return CollisionFacts(SLOT, "20260310T0900Z", kind, SESSION, "Europe/Stockholm", moves,
                          restore=kind is CollisionKind.DELETED, subject=subject, notice=notice,
                          goal="Finish the cloud security course",
                          colliding=MEETING if overlapped else None)


@pytest.mark.parametrize("language", SUPPORTED_LOCALES)
def test_every_member_card_is_valid_in_every_language(language: str) -> None:
    t = translator_for(language)
    booked = BookedSlot("p-7", "aad-3", 2, "tx", (Weekday.TUESDAY,), time(10), "Europe/Stockholm",
                        SlotState.BOOKED, "series-1")
    cards = [
        slot_booked_card(booked_view(t, SlotBookedFacts(a_plan(), booked, SESSION,
                                                                "Berg, Anna"))),
        slot_booked_card(booked_view(t, SlotBookedFacts(
            a_plan(Cadence.monthly_on(WeekIndex.FIRST, Weekday.TUESDAY), None), booked, None))),
        *(slot_collision_card(present.collision_view(t, collision(kind)))
          for kind in CollisionKind),
        slot_collision_card(present.collision_view(t, collision(move=False, subject=None,
                                                                notice="not_free"))),
        *(slot_decision_card(present.decision_view(
            t, OccurrenceDecided(SLOT, "20260310T0900Z", decision, SESSION, "Europe/Stockholm",
                                 restored))) for decision, restored in
          ((Decision.MOVED, False), (Decision.KEPT, False), (Decision.KEPT, True),
           (Decision.SKIPPED, False))),
        *(slot_decision_card(present.stale_view(t, r)) for r in ("passed", "cancelled", "x")),
        slot_decision_card(present.problem_view(t, "not_yours")),
    ]
    for card in cards:
        assert_valid_card(card)
        assert "{" not in texts(card)  # every placeholder filled


def test_the_collision_card_speaks_the_members_zone_and_carries_the_ids() -> None:
    t = translator_for("en-US")
    card = slot_collision_card(present.collision_view(t, collision()))
    shown = texts(card)
    # 09:00 UTC is 10:00 in Stockholm in March (CET); CLDR puts a narrow space before AM.
    assert ("Your learning time on Tuesday, March 10 at 10:00\u202fAM collides with “Sprint review”"
            in shown)
    (plan, meeting), = [b["facts"] for b in card["body"] if b["type"] == "FactSet"]
    assert plan == {"title": "Learning plan", "value": "Finish the cloud security course"}
    assert meeting == {"title": "Collides with",
                       "value": "“Sprint review”, Tuesday, March 10 at 9:30\u202fAM until "
                                "10:30\u202fAM"}
    *moves, keep, skip = card["actions"]
    assert [m["title"] for m in moves] == ["Move to Thursday, March 12 at 2:00\u202fPM",
                                           "Move to Thursday, March 12 at 12:00\u202fPM",
                                           "Move to Thursday, March 12 at 4:00\u202fPM"]
    british = slot_collision_card(present.collision_view(translator_for("en-GB"), collision()))
    assert "Your learning time on Tuesday, 10 March at 10:00 collides" in texts(british)
    assert moves[0]["data"] == {"verb": verbs.SLOT_MOVE, "plan_id": "p-7", "slot_id": "2:aad-3",
                                "occurrence_id": "20260310T0900Z",
                                "move_to": "2026-03-12T13:00:00Z"}
    assert [m["data"]["move_to"] for m in moves[1:]] == ["2026-03-12T11:00:00Z",
                                                         "2026-03-12T15:00:00Z"]
    assert (keep["verb"], skip["verb"]) == (verbs.SLOT_KEEP, verbs.SLOT_SKIP)
    assert present.parse_slot_id("p-7", moves[0]["data"]["slot_id"]) == SLOT
    with pytest.raises(ValueError):
        present.parse_slot_id("p-7", "x:aad-3")

    deleted = slot_collision_card(present.collision_view(
        translator_for("de"), collision(CollisionKind.DELETED, move=False)))
    assert "Wiederherstellen" in [a["title"] for a in deleted["actions"]]
    assert "Dienstag, 10. März um 10:00" in texts(deleted)


def test_the_booked_card_names_the_owner_and_the_first_session() -> None:
    t = translator_for("sv")
    booked = BookedSlot("p-7", "aad-3", 2, "tx", (Weekday.TUESDAY,), time(10), "Europe/Stockholm")
    view = booked_view(t, SlotBookedFacts(a_plan(), booked, SESSION, "Berg, Anna"))
    assert view.intro == "Anna har avsatt skyddad tid för ditt lärande."
    assert [f.value for f in view.facts] == [
        "tisdag 10:00–11:00 (CET)", "Varje vecka", "tisdag 10 mars kl. 10:00"
    ]


def test_the_booked_card_does_not_thank_the_member_for_their_own_plan() -> None:
    t = translator_for("en")
    plan = a_plan()
    own = BookedSlot(plan.id, plan.owner_id, 2, "tx", (Weekday.TUESDAY,), time(10),
                     "Europe/Stockholm")
    view = booked_view(t, SlotBookedFacts(plan, own, SESSION, "Berg, Anna"))
    assert view.intro == t("slot.booked.intro.anonymous")
