"""Event texts in the member's language: the locale picks the words, the domain builds the
event from them, unknown locales fall back to English."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from teams_app.domain.cadences import Cadence, Horizon, LearningWindow
from teams_app.domain.calendar import Weekday
from teams_app.domain.learning_plans import CreatePlan, LearningPlan, MemberSource, PlanSpec
from teams_app.domain.slot_events import SlotTexts, slot_event_draft
from teams_app.domain.slots import SlotTime
from teams_app.use_cases.plans.event_texts import LANGUAGES, slot_texts


@pytest.mark.parametrize(
    ("locale", "subject"),
    [
        ("sv-SE", "Lärtid"), ("nl-NL", "Leertijd"), ("de-DE", "Lernzeit"),
        ("de_AT", "Lernzeit"), ("en-GB", "Learning time"), ("fr-FR", "Learning time"),
        (None, "Learning time"), ("", "Learning time"),
    ],
)
def test_the_locale_picks_the_words(locale: str | None, subject: str) -> None:
    assert slot_texts(locale).subject == subject


def test_every_language_says_every_part() -> None:
    assert LANGUAGES == ("en", "sv", "nl", "de")
    for language in LANGUAGES:
        texts = slot_texts(language)
        parts = ("subject", "goal_label", "material_label", "protected")
        assert all(getattr(texts, part) for part in parts)
        assert texts == SlotTexts() or texts.protected != SlotTexts().protected


def test_a_swedish_member_gets_a_swedish_event() -> None:
    spec = PlanSpec(
        members=MemberSource.of_people("m-1"),
        cadence=Cadence.weekly(),
        duration_minutes=45,
        window=LearningWindow((Weekday.TUESDAY,), time(9, 0), time(12, 0)),
        horizon=Horizon(date(2026, 12, 1), occurrences=3),
        goal="Läs kapitel 3 <snabbt>",
        material_url="https://example.org/kapitel-3",
    )
    plan, _ = LearningPlan.create(
        CreatePlan("owner", spec), plan_id="p-1", at=datetime(2026, 11, 30, tzinfo=UTC)
    )
    slot = SlotTime((Weekday.TUESDAY,), time(10, 0), "Europe/Stockholm")
    draft = slot_event_draft(plan, "m-1", slot, texts=slot_texts("sv-SE"))
    assert draft.subject == "Lärtid: Läs kapitel 3 <snabbt>"
    assert "<strong>Mål:</strong> Läs kapitel 3 &lt;snabbt&gt;" in draft.body_html
    assert "Läs före passet" in draft.body_html and "skyddad för lärande" in draft.body_html
