"""Checking one person's answers against a form: typed answers, or every refusal by question."""

from __future__ import annotations

from datetime import date

import pytest

from teams_app.domain.forms.answers import (
    AnswerSet,
    ChoiceAnswer,
    DateAnswer,
    NumberAnswer,
    TextAnswer,
    YesNoAnswer,
    alerts_raised,
    to_submitted,
    validate_answers,
)
from teams_app.domain.forms.errors import AnswerError, AnswerProblem, InvalidAnswers
from teams_app.domain.forms.questions import Alert
from tests.unit.forms.support import FULL_ANSWERS, every_kind_form

P = AnswerProblem


def refusals(submitted: dict[str, object]) -> tuple[AnswerError, ...]:
    with pytest.raises(InvalidAnswers) as caught:
        validate_answers(every_kind_form(), submitted)
    return caught.value.errors


def test_full_answers_come_back_typed() -> None:
    answers = validate_answers(every_kind_form(), {**FULL_ANSWERS, "name": "  Astrid "})
    assert answers == AnswerSet("every_kind", 2, (
        TextAnswer("name", "Astrid"),
        TextAnswer("story", "Read the chapter on retries."),
        ChoiceAnswer("pick", ("b",)),
        ChoiceAnswer("many", ("a", "c")),  # the form's order, whatever order they came in
        NumberAnswer("stars", 4),
        NumberAnswer("score", 10),
        YesNoAnswer("help", True),
        DateAnswer("when", date(2026, 3, 10)),
    ))


def test_the_ids_riding_along_in_card_data_are_not_answers() -> None:
    ids = {"verb": "form.submit", "campaign_id": "c1", "form_key": "every_kind",
           "form_version": "2", "msteams": {"x": 1}}
    assert validate_answers(every_kind_form(), {**FULL_ANSWERS, **ids}).get("name")


def test_every_missing_required_answer_is_named_in_form_order() -> None:
    assert refusals({"story": "only this", "name": "   "}) == (
        AnswerError("name", P.MISSING), AnswerError("pick", P.MISSING),
        AnswerError("stars", P.MISSING),
    )


def test_optional_questions_left_empty_have_no_answer() -> None:
    answers = validate_answers(every_kind_form(),
                               {"name": "A", "pick": "a", "stars": "1", "many": "", "when": ""})
    assert [a.question for a in answers.answers] == ["name", "pick", "stars"]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"name": "x" * 11}, AnswerError("name", P.TOO_LONG, 10)),
        ({"story": "x" * 2001}, AnswerError("story", P.TOO_LONG, 2000)),
        ({"pick": "other", "pick.other": "y" * 201}, AnswerError("pick", P.TOO_LONG, 200)),
        ({"pick": "c"}, AnswerError("pick", P.NOT_OFFERED)),
        ({"many": "a,z"}, AnswerError("many", P.NOT_OFFERED)),
        ({"many": "other"}, AnswerError("many", P.NOT_OFFERED)),  # it offers no "other"
        ({"pick": "a,b"}, AnswerError("pick", P.NOT_ONE)),
        ({"pick": "a", "pick.other": "mine"}, AnswerError("pick", P.NOT_ONE)),
        ({"pick": "other"}, AnswerError("pick", P.OTHER_MISSING)),
        ({"stars": "6"}, AnswerError("stars", P.OUT_OF_RANGE)),
        ({"stars": "0"}, AnswerError("stars", P.OUT_OF_RANGE)),
        ({"score": "11"}, AnswerError("score", P.OUT_OF_RANGE)),
        ({"score": "-1"}, AnswerError("score", P.WRONG_TYPE)),
        ({"stars": "four"}, AnswerError("stars", P.WRONG_TYPE)),
        ({"stars": "4.5"}, AnswerError("stars", P.WRONG_TYPE)),
        ({"stars": 3.5}, AnswerError("stars", P.WRONG_TYPE)),
        ({"stars": True}, AnswerError("stars", P.WRONG_TYPE)),
        ({"name": 42}, AnswerError("name", P.WRONG_TYPE)),
        ({"many": {"a": 1}}, AnswerError("many", P.WRONG_TYPE)),
        ({"many": ["a", 2]}, AnswerError("many", P.WRONG_TYPE)),
        ({"help": "maybe"}, AnswerError("help", P.NOT_OFFERED)),
        ({"help": True}, AnswerError("help", P.WRONG_TYPE)),
        ({"when": "2026-02-30"}, AnswerError("when", P.BAD_DATE)),
        ({"when": "20260310"}, AnswerError("when", P.BAD_DATE)),
        ({"when": "10/03/2026"}, AnswerError("when", P.BAD_DATE)),
        ({"salary": "100"}, AnswerError("salary", P.UNKNOWN_QUESTION)),
        ({"name.other": "x"}, AnswerError("name.other", P.UNKNOWN_QUESTION)),
    ],
)
def test_tampered_or_mistaken_answers_are_refused(
    change: dict[str, object], error: AnswerError
) -> None:
    assert refusals({**FULL_ANSWERS, **change}) == (error,)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"stars": "4.0"}, NumberAnswer("stars", 4)),  # a rating may come as a decimal
        ({"stars": 5}, NumberAnswer("stars", 5)),
        ({"score": "0"}, NumberAnswer("score", 0)),
        ({"many": ["b", "b"]}, ChoiceAnswer("many", ("b",))),
        ({"pick": "", "pick.other": " mine "}, ChoiceAnswer("pick", ("other",), "mine")),
        ({"pick": "other", "pick.other": "mine"}, ChoiceAnswer("pick", ("other",), "mine")),
        ({"help": "no"}, YesNoAnswer("help", False)),
    ],
)
def test_what_clients_may_send_is_accepted(change: dict[str, object], expected: object) -> None:
    answers = validate_answers(every_kind_form(), {**FULL_ANSWERS, **change})
    assert expected in answers.answers


def test_an_unknown_key_is_cut_before_it_goes_into_the_error() -> None:
    (error,) = refusals({**FULL_ANSWERS, "k" * 500: "x"})
    assert error.question == "k" * 40


def test_refusals_never_carry_what_was_typed() -> None:
    with pytest.raises(InvalidAnswers) as caught:
        validate_answers(every_kind_form(), {**FULL_ANSWERS, "name": "Secret thoughts"})
    assert "Secret" not in str(caught.value)
    assert "Secret" not in repr(TextAnswer("name", "Secret thoughts"))
    assert "Secret" not in repr(ChoiceAnswer("pick", ("other",), "Secret"))


def test_answers_turn_back_into_what_the_card_submits() -> None:
    form = every_kind_form()
    answers = validate_answers(form, {**FULL_ANSWERS, "pick": "other", "pick.other": "mine"})
    submitted = to_submitted(answers)
    assert submitted["pick"] == "other" and submitted["pick.other"] == "mine"
    assert submitted["many"] == "a,c" and submitted["help"] == "yes"
    assert validate_answers(form, submitted) == answers


@pytest.mark.parametrize(("help_answer", "alerts"), [("yes", {Alert.SUPPORT}), ("no", set()),
                                                     ("", set())])
def test_a_yes_to_a_question_marked_alerts_support_raises_the_alert(
    help_answer: str, alerts: set[Alert]
) -> None:
    form = every_kind_form()
    answers = validate_answers(form, {**FULL_ANSWERS, "help": help_answer})
    assert alerts_raised(form, answers) == alerts
