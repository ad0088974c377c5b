"""The questions a form asks: what kind of answer each takes and the limits on it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from teams_app.domain.forms.texts import Texts


class QuestionKind(StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    RATING = "rating"  # 1 to 5
    SCALE = "scale"  # 0 to 10
    YES_NO = "yes_no"
    DATE = "date"


TEXT_KINDS = frozenset({QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT})
CHOICE_KINDS = frozenset({QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE})
NUMBER_KINDS = frozenset({QuestionKind.RATING, QuestionKind.SCALE})

# The range of the numeric kinds, low and high included.
RANGES = {QuestionKind.RATING: (1, 5), QuestionKind.SCALE: (0, 10)}

# Text limits in characters. The defaults fit a line and a few paragraphs; the ceiling keeps an
# answer inside one SharePoint multi-line column and the card under Teams' size limit.
DEFAULT_MAX_LENGTH = {QuestionKind.SHORT_TEXT: 200, QuestionKind.LONG_TEXT: 2000}
MAX_TEXT_LENGTH = 4000
OTHER_MAX_LENGTH = 200  # the free text of an "other" choice

MIN_CHOICES = 2
MAX_CHOICES = 20

# Question and choice ids become card input ids, answer keys and SharePoint column names:
# lower-case ASCII, so they read the same everywhere and can never hold a comma (Teams joins
# a multi-select's values with commas).
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,39}")

# The value of the "other" option, so no choice may take it.
OTHER = "other"


class Measure(StrEnum):
    """What a question measures across forms, so reports can put the answers of different
    forms (a check-in, a reflection) side by side without knowing their question ids."""

    HINDRANCES = "hindrances"  # a choice question: what got in the way of learning


class Alert(StrEnum):
    """Whom a "yes" to a yes/no question alerts at once."""

    SUPPORT = "support"  # the campaign's named support contact


@dataclass(frozen=True)
class ChoiceOption:
    """One offered answer. Its id is stable across versions and languages: answers and reports
    keep the id, never the words."""

    id: str
    label: Texts


@dataclass(frozen=True)
class Question:
    id: str
    kind: QuestionKind
    label: Texts
    required: bool = False
    hint: Texts | None = None
    max_length: int | None = None  # text kinds; None takes the kind's default
    choices: tuple[ChoiceOption, ...] = ()  # choice kinds
    other: Texts | None = None  # choice kinds: the label of a free-text "other" option
    low: Texts | None = None  # numeric kinds: what the lowest value means ("not at all")
    high: Texts | None = None  # numeric kinds: what the highest value means ("completely")
    alerts: Alert | None = None  # yes/no: whom a "yes" alerts
    measures: Measure | None = None  # choice kinds: what the learning report reads it as

    @property
    def text_limit(self) -> int:
        """How many characters a text answer may have (the "other" text for choice kinds)."""
        if self.kind in TEXT_KINDS:
            return self.max_length or DEFAULT_MAX_LENGTH[self.kind]
        return OTHER_MAX_LENGTH

    @property
    def range(self) -> tuple[int, int]:
        return RANGES[self.kind]

    def offers(self, choice_id: str) -> bool:
        if choice_id == OTHER:
            return self.other is not None
        return any(choice.id == choice_id for choice in self.choices)

    def choice_ids(self) -> tuple[str, ...]:
        """Every value a choice question accepts, in the order shown."""
        return tuple(c.id for c in self.choices) + ((OTHER,) if self.other is not None else ())
