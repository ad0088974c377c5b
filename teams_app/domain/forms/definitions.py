"""A form: a versioned question set that campaigns send. Building one checks every rule below,
so a form that exists is a form every card can show in every language."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from teams_app.domain.forms.errors import FormProblem, InvalidForm
from teams_app.domain.forms.questions import (
    CHOICE_KINDS,
    ID_PATTERN,
    MAX_CHOICES,
    MAX_TEXT_LENGTH,
    MIN_CHOICES,
    NUMBER_KINDS,
    OTHER,
    TEXT_KINDS,
    Question,
    QuestionKind,
)
from teams_app.domain.forms.texts import Texts

MAX_QUESTIONS = 30  # a card with more is past Teams' size limit, and past people's patience

# Card data carries these ids beside the answers (an Action.Submit adds "msteams"), so no
# question may be named like one of them.
RESERVED_IDS = frozenset({"verb", "campaign_id", "round", "form_key", "form_version", "msteams",
                          "round_id", "follow_up_id"})


class FormKind(StrEnum):
    CHECKIN = "checkin"  # after a learning occurrence
    SURVEY = "survey"  # before a session
    PULSE = "pulse"  # learning preferences
    FEEDBACK = "feedback"  # after a session
    REFLECTION = "reflection"  # a reflection round's card (docs/reflections.md)
    FOLLOW_UP = "follow_up"  # weeks after a round: was the planned action applied


@dataclass(frozen=True)
class FeedbackFramework:
    """What a feedback form says before its questions, so people know what they are asked."""

    kind: Texts  # what kind of feedback ("candid, constructive, about the content")
    about: Texts  # about what ("today's session on ...")
    readers: Texts  # who will read it ("the facilitator and the learning lead")


@dataclass(frozen=True)
class Form:
    key: str  # stable across versions: campaigns and answers refer to it
    kind: FormKind
    version: int  # raised whenever a question changes; answers keep the version they answered
    title: Texts
    questions: tuple[Question, ...]
    intro: Texts | None = None
    framework: FeedbackFramework | None = None  # required for session feedback

    def __post_init__(self) -> None:
        problems = tuple(_problems(self))
        if problems:
            raise InvalidForm(problems)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


def _problems(form: Form) -> Iterator[FormProblem]:
    if not ID_PATTERN.fullmatch(form.key):
        yield FormProblem("key", f'"key" must match {ID_PATTERN.pattern}')
    if form.version < 1:
        yield FormProblem("version", '"version" must be 1 or more')
    yield from _blank("title", form.title)
    if form.intro is not None:
        yield from _blank("intro", form.intro)
    if form.framework is not None:
        for name in ("kind", "about", "readers"):
            yield from _blank(f"framework.{name}", getattr(form.framework, name))
    elif form.kind is FormKind.FEEDBACK:
        yield FormProblem("framework", '"framework" is required for a feedback form')
    if not 1 <= len(form.questions) <= MAX_QUESTIONS:
        yield FormProblem("questions", f'"questions" must hold 1 to {MAX_QUESTIONS} questions')
    seen: set[str] = set()
    for question in form.questions:
        if question.id in seen:
            yield FormProblem("id", '"id" is used by another question', question.id)
        seen.add(question.id)
        yield from _question_problems(question)


def _question_problems(q: Question) -> Iterator[FormProblem]:
    def problem(field: str, message: str) -> FormProblem:
        return FormProblem(field, message, q.id)

    if not ID_PATTERN.fullmatch(q.id):
        yield problem("id", f'"id" must match {ID_PATTERN.pattern}')
    elif q.id in RESERVED_IDS:
        yield problem("id", f'"id" may not be one of {", ".join(sorted(RESERVED_IDS))}')
    for field in ("label", "hint", "other", "low", "high"):
        texts = getattr(q, field)
        if texts is not None:
            yield from _blank(field, texts, q.id)
    only = {
        "max_length": (q.max_length is not None, TEXT_KINDS, "text"),
        "choices": (bool(q.choices), CHOICE_KINDS, "choice"),
        "other": (q.other is not None, CHOICE_KINDS, "choice"),
        "low": (q.low is not None, NUMBER_KINDS, "rating and scale"),
        "high": (q.high is not None, NUMBER_KINDS, "rating and scale"),
        "alerts": (q.alerts is not None, {QuestionKind.YES_NO}, "yes/no"),
        "measures": (q.measures is not None, CHOICE_KINDS, "choice"),
    }
    for field, (given, kinds, name) in only.items():
        if given and q.kind not in kinds:
            yield problem(field, f'"{field}" is only for {name} questions, not {q.kind}')
    if q.max_length is not None and not 1 <= q.max_length <= MAX_TEXT_LENGTH:
        yield problem("max_length", f'"max_length" must be 1 to {MAX_TEXT_LENGTH}')
    if q.kind in CHOICE_KINDS:
        yield from _choice_problems(q)


def _choice_problems(q: Question) -> Iterator[FormProblem]:
    if not MIN_CHOICES <= len(q.choices) <= MAX_CHOICES:
        yield FormProblem("choices", f'"choices" must hold {MIN_CHOICES} to {MAX_CHOICES}',
                          q.id)
    seen: set[str] = set()
    for choice in q.choices:
        if not ID_PATTERN.fullmatch(choice.id):
            yield FormProblem("id", f'"id" must match {ID_PATTERN.pattern}', q.id, choice.id)
        elif choice.id == OTHER:
            yield FormProblem("id", f'"{OTHER}" is the "other" option: set "other" instead',
                              q.id, choice.id)
        elif choice.id in seen:
            yield FormProblem("id", '"id" is used by another choice', q.id, choice.id)
        seen.add(choice.id)
        yield from _blank("label", choice.label, q.id, choice.id)


def _blank(
    field: str, texts: Texts, question: str | None = None, choice: str | None = None
) -> Iterator[FormProblem]:
    for language in texts.blank_languages():
        yield FormProblem(field, f'translation "{language}" of "{field}" is blank', question,
                          choice)
