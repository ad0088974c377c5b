"""What can be wrong with a form, or with one person's answers to it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from teams_app.domain.errors import DomainError


@dataclass(frozen=True)
class FormProblem:
    """One mistake in a form: where it is (the question, the choice) and in which field."""

    field: str  # "label", "choices", "max_length", "key", ...
    message: str  # names the field: 'translation "nl" of "label" is blank'
    question: str | None = None  # None: the form itself
    choice: str | None = None

    def __str__(self) -> str:
        where = [f'question "{self.question}"'] if self.question is not None else ["form"]
        if self.choice is not None:
            where.append(f'choice "{self.choice}"')
        return ": ".join([*where, self.message])


class InvalidForm(DomainError):
    code = "invalid_form"

    def __init__(self, problems: tuple[FormProblem, ...]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


class AnswerProblem(StrEnum):
    MISSING = "missing"  # a required question left empty
    TOO_LONG = "too_long"  # text over the question's limit
    NOT_OFFERED = "not_offered"  # a choice the question does not offer
    NOT_ONE = "not_one"  # more than one answer to a single-choice question
    OTHER_MISSING = "other_missing"  # "other" chosen, its text left empty
    WRONG_TYPE = "wrong_type"  # not the kind of value the question takes
    BAD_DATE = "bad_date"  # not a calendar date (YYYY-MM-DD)
    OUT_OF_RANGE = "out_of_range"  # a rating or scale value outside its range
    UNKNOWN_QUESTION = "unknown_question"  # a value for a question the form does not ask


@dataclass(frozen=True)
class AnswerError:
    """Why one answer was refused; `limit` is the length or range bound it broke, if any."""

    question: str
    problem: AnswerProblem
    limit: int | None = None


class InvalidAnswers(DomainError):
    code = "invalid_answers"

    def __init__(self, errors: tuple[AnswerError, ...]) -> None:
        # Only ids and codes: the answers themselves never go into a message or a log.
        super().__init__(", ".join(f"{e.question}: {e.problem}" for e in errors))
        self.errors = errors
