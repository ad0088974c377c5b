"""Presenters for the form cards of campaigns and reflection rounds: a form from the catalog,
the person's translator and what they sent (or the answers kept) become display-ready views.
Only here do choice ids become words and dates become the person's way of writing them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from cards import (
    AnswerLine,
    Choice,
    Fact,
    FormClosedView,
    FormSummaryView,
    FormView,
    QuestionInput,
    QuestionView,
    Translator,
)
from teams_app.bot.formatting import long_date
from teams_app.domain.forms.answers import (
    NO,
    YES,
    Answer,
    AnswerSet,
    ChoiceAnswer,
    DateAnswer,
    NumberAnswer,
    TextAnswer,
    YesNoAnswer,
    other_key,
)
from teams_app.domain.forms.definitions import Form
from teams_app.domain.forms.errors import AnswerError, AnswerProblem
from teams_app.domain.forms.questions import (
    CHOICE_KINDS,
    NUMBER_KINDS,
    OTHER,
    TEXT_KINDS,
    Question,
    QuestionKind,
)


def form_view(
    form: Form,
    t: Translator,
    *,
    campaign_id: str,
    submitted: Mapping[str, object] | None = None,
    errors: tuple[AnswerError, ...] = (),
    anonymous: bool | None = None,
) -> FormView:
    """The form to answer: blank, or again with what was `submitted` kept and each refused
    answer's message beside its question. `anonymous` None says nothing about names."""
    values = submitted or {}
    by_question = {e.question: e for e in errors}
    asked = {q.id for q in form.questions}
    language = t.language
    framework = form.framework
    return FormView(
        campaign_id=campaign_id,
        form_key=form.key,
        form_version=form.version,
        title=form.title.in_(language),
        intro=form.intro.in_(language) if form.intro else None,
        framework=() if framework is None else (
            Fact(t("form.framework.kind"), framework.kind.in_(language)),
            Fact(t("form.framework.about"), framework.about.in_(language)),
            Fact(t("form.framework.readers"), framework.readers.in_(language)),
        ),
        privacy_note=None if anonymous is None else t(
            "form.privacy.anonymous" if anonymous else "form.privacy.named"
        ),
        questions=tuple(
            _question(q, t, values, by_question.get(q.id)) for q in form.questions
        ),
        submit_label=t("form.submit"),
        errors_notice=t("form.errors_heading") if errors else None,
        problems=(t("form.error.unknown_question"),)
        if any(e.question not in asked for e in errors) else (),
    )


def summary_view(
    form: Form, t: Translator, answers: AnswerSet, *, campaign_id: str, editable: bool
) -> FormSummaryView:
    return FormSummaryView(
        campaign_id=campaign_id,
        form_key=form.key,
        form_version=form.version,
        title=form.title.in_(t.language),
        heading=t("form.summary.heading"),
        answers=answer_lines(form, t, answers),
        note=t("form.summary.editable") if editable else None,
        edit_label=t("form.edit") if editable else None,
    )


def closed_view(form: Form, t: Translator, answers: AnswerSet | None = None) -> FormClosedView:
    return FormClosedView(
        title=form.title.in_(t.language),
        message=t(f"form.closed.{form.kind}"),
        answers_heading=t("form.closed.answered") if answers else None,
        answers=answer_lines(form, t, answers) if answers else (),
    )


def answer_lines(form: Form, t: Translator, answers: AnswerSet) -> tuple[AnswerLine, ...]:
    return tuple(
        AnswerLine(q.label.in_(t.language), answer_text(q, answers.get(q.id), t))
        for q in form.questions
    )


def answer_text(question: Question, answer: Answer | None, t: Translator) -> str:
    language = t.language
    match answer:
        case None:
            return t("form.answer.none")
        case TextAnswer(_, text):
            return text
        case ChoiceAnswer(_, choices, other):
            titles = {c.id: c.label.in_(language) for c in question.choices}
            words = [titles[c] for c in choices if c != OTHER]
            if OTHER in choices and question.other is not None:
                words.append(f"{question.other.in_(language)}: {other or ''}".strip())
            if len(words) == 1:
                return words[0]
            return "\n".join(f"- {word}" for word in words) or t("form.answer.none")
        case NumberAnswer(_, value):
            return _number_title(question, value, language)
        case YesNoAnswer(_, value):
            return t("form.yes") if value else t("form.no")
        case DateAnswer(_, value):
            return long_date(t, value)


def _question(
    q: Question, t: Translator, values: Mapping[str, object], error: AnswerError | None
) -> QuestionView:
    language = t.language
    hints = [q.hint.in_(language)] if q.hint else []
    choices: tuple[Choice, ...] = ()
    if q.kind in CHOICE_KINDS:
        choices = tuple(Choice(c.id, c.label.in_(language)) for c in q.choices)
        if q.other is not None:
            choices += (Choice(OTHER, q.other.in_(language)),)
    elif q.kind is QuestionKind.YES_NO:
        choices = (Choice(YES, t("form.yes")), Choice(NO, t("form.no")))
    elif q.kind in NUMBER_KINDS:
        low, high = q.range
        choices = tuple(Choice(str(n), _number_title(q, n, language))
                        for n in range(low, high + 1))
        if q.kind is QuestionKind.RATING and (q.low or q.high):
            # Stars carry no words: say what the ends mean under them.
            hints.append(" · ".join(_number_title(q, n, language) for n in (low, high)))
    other = q.kind in CHOICE_KINDS and q.other is not None
    return QuestionView(
        input_id=q.id,
        kind=cast(QuestionInput, q.kind.value),  # the card's kinds are the domain's words
        label=q.label.in_(language),
        required=q.required,
        hint=" ".join(hints) or None,
        max_length=q.text_limit if q.kind in TEXT_KINDS else None,
        choices=choices,
        other_input_id=other_key(q.id) if other else None,
        other_label=q.other.in_(language) if other and q.other else None,
        other_placeholder=t("form.other.placeholder") if other else None,
        other_max_length=q.text_limit if other else None,
        value=_shown(values.get(q.id)),
        other_value=_shown(values.get(other_key(q.id))) if other else "",
        error=None if error is None else _message(q, error, t),
        required_message=t("form.error.missing") if q.required else None,
    )


def _message(q: Question, error: AnswerError, t: Translator) -> str:
    if error.problem is AnswerProblem.TOO_LONG:
        return t("form.error.too_long", max=error.limit)
    if error.problem is AnswerProblem.OUT_OF_RANGE:
        low, high = q.range
        return t("form.error.out_of_range", low=low, high=high)
    return t(f"form.error.{error.problem}")


def _number_title(q: Question, value: int, language: str) -> str:
    low, high = q.range
    meaning = q.low if value == low else q.high if value == high else None
    return f"{value} – {meaning.in_(language)}" if meaning else str(value)


def _shown(raw: object) -> str:
    # What Teams sent is a string; anything else was not typed by the person, so not kept.
    return raw if isinstance(raw, str) else ""
