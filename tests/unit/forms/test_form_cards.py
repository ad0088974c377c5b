"""Every form card (each built-in form and one of every question kind; blank, with errors, the
summary, closed; in en, sv, nl and de) is valid Adaptive Cards 1.5 and shows what it should."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cards import (
    SUPPORTED_LOCALES,
    form_card,
    form_closed_card,
    form_summary_card,
    translator_for,
    verbs,
)
from teams_app.bot.forms import closed_view, form_view, summary_view
from teams_app.domain.forms.answers import validate_answers
from teams_app.domain.forms.definitions import Form
from teams_app.domain.forms.errors import InvalidAnswers
from tests.card_schema import assert_valid_card
from tests.unit.forms.support import FULL_ANSWERS, builtin_forms, every_kind_form

CAMPAIGN = "c-42"


def forms() -> tuple[Form, ...]:
    return (*builtin_forms(), every_kind_form())


def nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from nodes(value)
    elif isinstance(node, list):
        for item in node:
            yield from nodes(item)


def by_id(card: dict[str, Any], input_id: str) -> dict[str, Any]:
    return next(n for n in nodes(card["body"]) if n.get("id") == input_id)


def texts_of(node: Any) -> list[str]:
    return [n["text"] for n in nodes(node) if n.get("type") == "TextBlock"]


def refused(form: Form, submitted: dict[str, object]) -> InvalidAnswers:
    with pytest.raises(InvalidAnswers) as caught:
        validate_answers(form, submitted)
    return caught.value


def every_card(form: Form, language: str) -> list[dict[str, Any]]:
    t = translator_for(language)
    errors = refused(form, {"nonsense": "x"}).errors  # every required question + tampering
    answered = {q.id: "1" for q in form.questions if q.required}
    answers = validate_answers(form, FULL_ANSWERS if form.key == "every_kind" else {
        **answered, **_plausible(form)})
    return [
        form_card(form_view(form, t, campaign_id=CAMPAIGN)),
        form_card(form_view(form, t, campaign_id=CAMPAIGN, anonymous=True)),
        form_card(form_view(form, t, campaign_id=CAMPAIGN, submitted={"nonsense": "x"},
                            errors=errors)),
        form_summary_card(summary_view(form, t, answers, campaign_id=CAMPAIGN, editable=True)),
        form_summary_card(summary_view(form, t, answers, campaign_id=CAMPAIGN,
                                       editable=False)),
        form_closed_card(closed_view(form, t)),
        form_closed_card(closed_view(form, t, answers)),
    ]


def _plausible(form: Form) -> dict[str, str]:
    # A valid answer to each built-in question: the first choice, a yes, a 4, some words.
    values: dict[str, str] = {}
    for q in form.questions:
        if q.choices:
            values[q.id] = q.choices[0].id
        elif q.kind == "yes_no":
            values[q.id] = "yes"
        elif q.kind in ("rating", "scale"):
            values[q.id] = "4"
        elif q.kind in ("short_text", "long_text"):
            values[q.id] = "Practised the new report."
    return values


@pytest.mark.parametrize("language", SUPPORTED_LOCALES)
@pytest.mark.parametrize("form", forms(), ids=lambda form: form.key)
def test_every_form_card_is_valid_adaptive_cards_1_5(form: Form, language: str) -> None:
    cards = every_card(form, language)
    assert len(cards) == 7
    for card in cards:
        assert_valid_card(card)


@pytest.mark.parametrize("language", SUPPORTED_LOCALES)
def test_the_card_speaks_the_persons_language(language: str) -> None:
    t = translator_for(language)
    card = form_card(form_view(every_kind_form(), t, campaign_id=CAMPAIGN))
    assert texts_of(card["body"])[0] == f"Every kind ({language})"
    assert by_id(card, "name")["label"] == f"Name ({language})"
    assert card["actions"][0]["title"] == t("form.submit")


def test_the_card_data_carries_ids_only() -> None:
    card = form_card(form_view(every_kind_form(), translator_for("en"), campaign_id=CAMPAIGN))
    (submit,) = card["actions"]
    data = {"verb": verbs.FORM_SUBMIT, "campaign_id": CAMPAIGN, "form_key": "every_kind",
            "form_version": 2}
    assert submit["type"] == "Action.Execute" and submit["data"] == data
    assert submit["fallback"] == {"type": "Action.Submit", "title": submit["title"],
                                  "data": data}


def test_each_kind_of_question_gets_its_input() -> None:
    card = form_card(form_view(every_kind_form(), translator_for("en"), campaign_id=CAMPAIGN))
    name, story = by_id(card, "name"), by_id(card, "story")
    assert (name["type"], name["maxLength"], name["isRequired"]) == ("Input.Text", 10, True)
    assert story.get("isMultiline") is True and story["maxLength"] == 2000
    pick, many = by_id(card, "pick"), by_id(card, "many")
    assert [c["value"] for c in pick["choices"]] == ["a", "b", "other"]
    assert pick["style"] == "expanded" and "isMultiSelect" not in pick
    assert many["isMultiSelect"] is True
    assert by_id(card, "pick.other")["type"] == "Input.Text"
    stars = by_id(card, "stars")
    assert (stars["type"], stars["max"]) == ("Input.Rating", 5)
    fallback = stars["fallback"]
    assert (fallback["type"], fallback["id"]) == ("Input.ChoiceSet", "stars")
    assert [c["title"] for c in fallback["choices"]] == [
        "1 – Poor (en)", "2", "3", "4", "5 – Great (en)"]
    score = by_id(card, "score")
    assert score["style"] == "compact" and len(score["choices"]) == 11
    assert [c["value"] for c in by_id(card, "help")["choices"]] == ["yes", "no"]
    assert by_id(card, "when")["type"] == "Input.Date"


def test_refused_answers_show_beside_their_question_with_everything_typed_kept() -> None:
    form = every_kind_form()
    submitted = {**FULL_ANSWERS, "name": "A name that is too long", "pick": "",
                 "story": "Kept words", "stars": "9"}
    t = translator_for("sv")
    errors = refused(form, submitted).errors
    card = form_card(form_view(form, t, campaign_id=CAMPAIGN, submitted=submitted,
                               errors=errors))
    assert t("form.errors_heading") in texts_of(card["body"])
    assert by_id(card, "name")["value"] == "A name that is too long"
    assert by_id(card, "story")["value"] == "Kept words"
    assert by_id(card, "many")["value"] == "c,a"

    def beside(input_id: str) -> list[str]:
        container = next(n for n in nodes(card["body"]) if n.get("type") == "Container"
                         and any(i.get("id") == input_id for i in n["items"]))
        return texts_of(container)

    assert t("form.error.too_long", max=10) in beside("name")
    assert t("form.error.missing") in beside("pick")
    assert t("form.error.out_of_range", low=1, high=5) in beside("stars")
    assert not any(message.startswith("Skriv högst") for message in beside("story"))
    # Our message is shown; the client's own one would say it a second time.
    assert "errorMessage" not in by_id(card, "pick")


def test_tampered_data_is_named_above_the_questions() -> None:
    form = every_kind_form()
    t = translator_for("de")
    submitted = {**FULL_ANSWERS, "salary": "100"}
    card = form_card(form_view(form, t, campaign_id=CAMPAIGN, submitted=submitted,
                               errors=refused(form, submitted).errors))
    notice = card["body"][2]  # under the title and the intro, above the questions
    assert notice["style"] == "attention"
    assert t("form.error.unknown_question") in texts_of(notice)


def test_session_feedback_states_its_framework() -> None:
    feedback = next(f for f in builtin_forms() if f.key == "session_feedback")
    t = translator_for("nl")
    card = form_card(form_view(feedback, t, campaign_id=CAMPAIGN))
    facts = next(n for n in nodes(card["body"]) if n.get("type") == "FactSet")["facts"]
    assert [f["title"] for f in facts] == [t("form.framework.kind"), t("form.framework.about"),
                                           t("form.framework.readers")]
    assert facts[2]["value"] == "De begeleider en de leercoördinator die erom vroeg."


def test_the_summary_shows_the_answers_in_words_and_offers_edit_while_open() -> None:
    form = every_kind_form()
    t = translator_for("sv-SE")
    answers = validate_answers(form, {**FULL_ANSWERS, "pick": "other", "pick.other": "Mitt"})
    open_card = form_summary_card(summary_view(form, t, answers, campaign_id=CAMPAIGN,
                                               editable=True))
    shown = texts_of(open_card["body"])
    assert "Other (sv): Mitt" in shown
    assert "- A (sv)\n- C (sv)" in shown
    assert "4" in shown and t("form.yes") in shown and "10 mars 2026" in shown
    (edit,) = open_card["actions"]
    assert edit["verb"] == verbs.FORM_EDIT and edit["data"]["campaign_id"] == CAMPAIGN
    skipped = validate_answers(form, {"name": "A", "pick": "a", "stars": "2"})
    late = form_summary_card(summary_view(form, t, skipped, campaign_id=CAMPAIGN,
                                          editable=False))
    assert "actions" not in late and t("form.answer.none") in texts_of(late["body"])


def test_edit_fills_the_form_with_the_answers_kept() -> None:
    from teams_app.domain.forms.answers import to_submitted

    form = every_kind_form()
    answers = validate_answers(form, FULL_ANSWERS)
    card = form_card(form_view(form, translator_for("en"), campaign_id=CAMPAIGN,
                               submitted=to_submitted(answers)))
    assert by_id(card, "many")["value"] == "a,c"
    assert by_id(card, "stars")["value"] == 4 and by_id(card, "stars")["fallback"]["value"] == "4"
    assert by_id(card, "when")["value"] == "2026-03-10"


@pytest.mark.parametrize("language", SUPPORTED_LOCALES)
def test_a_closed_form_says_so_in_its_own_words(language: str) -> None:
    t = translator_for(language)
    for form in builtin_forms():
        card = form_closed_card(closed_view(form, t))
        assert t(f"form.closed.{form.kind}") in texts_of(card["body"])
        assert "actions" not in card
