"""View models of the form cards (issue 12): display-ready, already translated primitives.
The presenter turns a form from the catalog into these; the cards never see the form itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cards.verbs import FORM_EDIT, FORM_REFRESH, FORM_SUBMIT
from cards.views import Choice, Fact

# How a question is asked on the card; the same words as the form files' question types.
QuestionInput = Literal["short_text", "long_text", "single_choice", "multiple_choice", "rating",
                        "scale", "yes_no", "date"]


@dataclass(frozen=True)
class QuestionView:
    input_id: str  # the key its answer arrives under
    kind: QuestionInput
    label: str
    required: bool = False
    hint: str | None = None  # shown under the input (with what a scale's ends mean)
    max_length: int | None = None  # text kinds
    # Choice kinds, yes/no and scale; for a rating the 1.5 fallback's options, lowest first.
    choices: tuple[Choice, ...] = ()
    other_input_id: str | None = None  # a free-text "other" under the choices
    other_label: str | None = None
    other_placeholder: str | None = None
    other_max_length: int | None = None
    value: str = ""  # what the person typed or chose, as the card sends it ("a,b", "4")
    other_value: str = ""
    error: str | None = None  # the server's message, shown beside the question
    required_message: str | None = None  # the client's message for an empty required input


@dataclass(frozen=True)
class FormActions:
    """Which verbs a form card's buttons and refresh use, and the ids they carry: a campaign's
    (the default: its campaign, round and form version) or another capability's."""

    submit: str = FORM_SUBMIT
    edit: str = FORM_EDIT
    refresh: str = FORM_REFRESH
    ids: tuple[tuple[str, str | int], ...] = ()  # replaces the campaign's ids when given


@dataclass(frozen=True)
class FormView:
    """A form to answer. Ids ride in the card data; everything else is words and inputs."""

    campaign_id: str
    form_key: str
    form_version: int
    title: str
    questions: tuple[QuestionView, ...]
    submit_label: str
    intro: str | None = None
    round: str = ""  # the campaign's round the card asks about
    refresh_user_ids: tuple[str, ...] = ()  # its recipient: Teams refreshes it for them
    framework: tuple[Fact, ...] = ()  # session feedback: what kind, about what, who reads it
    privacy_note: str | None = None  # anonymous or named
    errors_notice: str | None = None  # above the questions when some answers were refused
    problems: tuple[str, ...] = ()  # refusals that belong to no question shown (tampered data)
    actions: FormActions = FormActions()


@dataclass(frozen=True)
class AnswerLine:
    question: str
    answer: str  # already worded: choice titles, a date in the person's locale, "No answer"


@dataclass(frozen=True)
class FormSummaryView:
    """A person's answers, read-only, with Edit while the campaign is open."""

    campaign_id: str
    form_key: str
    form_version: int
    title: str
    heading: str
    answers: tuple[AnswerLine, ...]
    note: str | None = None
    edit_label: str | None = None  # None: no Edit (the campaign no longer takes changes)
    round: str = ""
    refresh_user_ids: tuple[str, ...] = ()
    actions: FormActions = FormActions()


@dataclass(frozen=True)
class FormClosedView:
    """A form whose campaign has closed, with the person's answers if they gave any."""

    title: str
    message: str
    answers_heading: str | None = None
    answers: tuple[AnswerLine, ...] = ()
