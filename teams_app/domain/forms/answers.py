"""One person's answers to a form: checked against the form, typed, and turned back into what
a card submits (to fill the card again for an edit).

What arrives is card data after the bot took its ids out, or with them still in (they are
skipped): question id -> value, every value a string as Teams sends it (a multi-select "a,b", a
date "YYYY-MM-DD", a number "4"), and the free text of an "other" choice under `other_key(id)`.
Anything else is refused with the question it belongs to, never silently dropped or fixed."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from teams_app.domain.forms.definitions import RESERVED_IDS, Form
from teams_app.domain.forms.errors import AnswerError, AnswerProblem, InvalidAnswers
from teams_app.domain.forms.questions import (
    CHOICE_KINDS,
    NUMBER_KINDS,
    OTHER,
    TEXT_KINDS,
    Alert,
    Question,
    QuestionKind,
)

YES = "yes"
NO = "no"
OTHER_SUFFIX = ".other"  # question ids cannot hold a dot, so this never names a question
_WHOLE = re.compile(r"[0-9]{1,3}(\.0+)?")  # Teams may send a rating as "4" or "4.0"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ID_SHOWN = 40  # an unknown key is cut before it goes into an error (it is not ours)


def other_key(question_id: str) -> str:
    return question_id + OTHER_SUFFIX


@dataclass(frozen=True)
class TextAnswer:
    question: str
    text: str = field(repr=False)  # personal free text: never in repr or logs


@dataclass(frozen=True)
class ChoiceAnswer:
    question: str
    choices: tuple[str, ...]  # choice ids in the form's order; OTHER when "other" was chosen
    other: str | None = field(default=None, repr=False)  # the "other" text


@dataclass(frozen=True)
class NumberAnswer:
    question: str
    value: int  # a rating 1-5 or a scale 0-10


@dataclass(frozen=True)
class YesNoAnswer:
    question: str
    value: bool


@dataclass(frozen=True)
class DateAnswer:
    question: str
    value: date


Answer = TextAnswer | ChoiceAnswer | NumberAnswer | YesNoAnswer | DateAnswer


@dataclass(frozen=True)
class AnswerSet:
    """The answers given; a question left empty has none. Carries the form version answered."""

    form_key: str
    form_version: int
    answers: tuple[Answer, ...]

    def get(self, question_id: str) -> Answer | None:
        return next((a for a in self.answers if a.question == question_id), None)


def validate_answers(form: Form, submitted: Mapping[str, object]) -> AnswerSet:
    """The typed answers, or InvalidAnswers naming every refused question (in form order)."""
    answers: list[Answer] = []
    errors: list[AnswerError] = []
    for question in form.questions:
        raw = submitted.get(question.id)
        other = submitted.get(other_key(question.id)) if question.other is not None else None
        result = _check(question, raw, other)
        if result is None and question.required:
            result = AnswerError(question.id, AnswerProblem.MISSING)
        if isinstance(result, AnswerError):
            errors.append(result)
        elif result is not None:
            answers.append(result)
    errors += _unknown(form, submitted)
    if errors:
        raise InvalidAnswers(tuple(errors))
    return AnswerSet(form.key, form.version, tuple(answers))


def to_submitted(answers: AnswerSet) -> dict[str, str]:
    """The answers as a card submits them, so a card can show them again for an edit."""
    data: dict[str, str] = {}
    for answer in answers.answers:
        match answer:
            case TextAnswer(question, text):
                data[question] = text
            case ChoiceAnswer(question, choices, other):
                data[question] = ",".join(choices)
                if other:
                    data[other_key(question)] = other
            case NumberAnswer(question, value):
                data[question] = str(value)
            case YesNoAnswer(question, value):
                data[question] = YES if value else NO
            case DateAnswer(question, value):
                data[question] = value.isoformat()
    return data


def alerts_raised(form: Form, answers: AnswerSet) -> frozenset[Alert]:
    """Whom these answers alert at once: a "yes" to a question marked with `alerts`."""
    return frozenset(
        q.alerts for q in form.questions
        if q.alerts is not None and answers.get(q.id) == YesNoAnswer(q.id, True)
    )


def _check(q: Question, raw: object, other: object) -> Answer | AnswerError | None:
    if q.kind in CHOICE_KINDS:
        return _choice(q, raw, other)
    if _empty(raw):
        return None
    if q.kind in NUMBER_KINDS:
        return _number(q, raw)
    if not isinstance(raw, str):
        return AnswerError(q.id, AnswerProblem.WRONG_TYPE)
    value = raw.strip()
    if q.kind in TEXT_KINDS:
        if len(value) > q.text_limit:
            return AnswerError(q.id, AnswerProblem.TOO_LONG, q.text_limit)
        return TextAnswer(q.id, value)
    if q.kind is QuestionKind.YES_NO:
        if value not in (YES, NO):
            return AnswerError(q.id, AnswerProblem.NOT_OFFERED)
        return YesNoAnswer(q.id, value == YES)
    return _date(q, value)


def _choice(q: Question, raw: object, other: object) -> Answer | AnswerError | None:
    chosen = _choice_ids(raw)
    if chosen is None or not (other is None or isinstance(other, str)):
        return AnswerError(q.id, AnswerProblem.WRONG_TYPE)
    other_text = (other or "").strip()
    if len(other_text) > q.text_limit:
        return AnswerError(q.id, AnswerProblem.TOO_LONG, q.text_limit)
    if other_text and OTHER not in chosen:
        chosen.append(OTHER)  # typing under "other" is choosing it
    if any(not q.offers(choice) for choice in chosen):
        return AnswerError(q.id, AnswerProblem.NOT_OFFERED)
    if not chosen:
        return None
    if q.kind is QuestionKind.SINGLE_CHOICE and len(set(chosen)) > 1:
        return AnswerError(q.id, AnswerProblem.NOT_ONE)
    if OTHER in chosen and not other_text:
        return AnswerError(q.id, AnswerProblem.OTHER_MISSING)
    in_order = tuple(c for c in q.choice_ids() if c in chosen)
    return ChoiceAnswer(q.id, in_order, other_text or None)


def _choice_ids(raw: object) -> list[str] | None:
    if raw is None:
        return []
    if isinstance(raw, str):
        items: Sequence[object] = raw.split(",")
    elif isinstance(raw, list | tuple):
        items = raw
    else:
        return None
    if not all(isinstance(item, str) for item in items):
        return None
    return [item.strip() for item in items if isinstance(item, str) and item.strip()]


def _number(q: Question, raw: object) -> Answer | AnswerError:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        return AnswerError(q.id, AnswerProblem.WRONG_TYPE)
    if isinstance(raw, str) and not _WHOLE.fullmatch(raw.strip()):
        return AnswerError(q.id, AnswerProblem.WRONG_TYPE)
    value = float(raw)
    if not value.is_integer():
        return AnswerError(q.id, AnswerProblem.WRONG_TYPE)
    low, high = q.range
    if not low <= value <= high:
        return AnswerError(q.id, AnswerProblem.OUT_OF_RANGE)
    return NumberAnswer(q.id, int(value))


def _date(q: Question, value: str) -> Answer | AnswerError:
    # fromisoformat alone also takes "20260310" and week dates; cards send only YYYY-MM-DD.
    if not _DATE.fullmatch(value):
        return AnswerError(q.id, AnswerProblem.BAD_DATE)
    try:
        return DateAnswer(q.id, date.fromisoformat(value))
    except ValueError:
        return AnswerError(q.id, AnswerProblem.BAD_DATE)


def _empty(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _unknown(form: Form, submitted: Mapping[str, object]) -> Iterator[AnswerError]:
    known = {q.id for q in form.questions} | {
        other_key(q.id) for q in form.questions if q.other is not None
    }
    for key in submitted:
        if key not in known and key not in RESERVED_IDS:
            yield AnswerError(str(key)[:_ID_SHOWN], AnswerProblem.UNKNOWN_QUESTION)
