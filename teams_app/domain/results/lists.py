"""The SharePoint lists the organisation's results live in, derived from the forms.

One list per form kind (every check-in form answers into the check-ins list) plus a campaigns
list. Each answer list has the same fixed columns, indexed where the product or an analyst
filters (SharePoint refuses filters on non-indexed columns past 5,000 items), and one typed
column per question across the kind's forms and versions; a question answered "other" gets a
text column beside it for the words. Pure: the same forms give the same lists.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from teams_app.domain.directory import (
    MAX_INDEXED_COLUMNS,
    ColumnKind,
    ListColumn,
    ListSchema,
)
from teams_app.domain.forms.definitions import Form, FormKind
from teams_app.domain.forms.questions import Question, QuestionKind

KEY = "LoopKey"  # the response key: unique and indexed, what makes every write idempotent
CAMPAIGN = "CampaignId"
SUBMITTED = "SubmittedAt"
PERSON = "PersonId"  # Entra object id; empty for an anonymous response
FORM = "FormKey"
VERSION = "FormVersion"
TITLE = "Title"  # SharePoint's own required column on every list
NAME_LENGTH = 32  # SharePoint cuts internal column names at 32 characters
TEXT_COLUMN_LIMIT = 255  # a single line of text holds at most 255 characters
OTHER_SUFFIX = "_other"


class ListKind(StrEnum):
    CHECKIN = FormKind.CHECKIN.value
    SURVEY = FormKind.SURVEY.value
    PULSE = FormKind.PULSE.value
    FEEDBACK = FormKind.FEEDBACK.value
    REFLECTION = FormKind.REFLECTION.value
    FOLLOW_UP = FormKind.FOLLOW_UP.value
    CAMPAIGNS = "campaigns"


LIST_NAMES = {
    ListKind.CHECKIN: "Learning Loop check-ins",
    ListKind.SURVEY: "Learning Loop surveys",
    ListKind.PULSE: "Learning Loop pulses",
    ListKind.FEEDBACK: "Learning Loop feedback",
    ListKind.REFLECTION: "Learning Loop reflections",
    ListKind.FOLLOW_UP: "Learning Loop follow-ups",
    ListKind.CAMPAIGNS: "Learning Loop campaigns",
}

ANSWER_COLUMNS = (
    ListColumn(KEY, indexed=True, unique=True, display_name="Response key"),
    ListColumn(CAMPAIGN, indexed=True, display_name="Campaign"),
    ListColumn(SUBMITTED, ColumnKind.DATE_TIME, indexed=True, display_name="Submitted"),
    ListColumn(PERSON, indexed=True, display_name="Person (object id; empty if anonymous)"),
    ListColumn(FORM, indexed=True, display_name="Form"),
    ListColumn(VERSION, ColumnKind.NUMBER, display_name="Form version"),
)

# A reflection's round goes in the CampaignId column (its source); whether it came after the
# round had closed in its own column. How it was shared is the form's own "sharing" question.
LATE = "Late"
EXTRA_COLUMNS: Mapping[FormKind, tuple[ListColumn, ...]] = {
    FormKind.REFLECTION: (
        ListColumn(LATE, ColumnKind.BOOLEAN, display_name="After the round closed"),
    ),
}

CAMPAIGN_COLUMNS = (
    ListColumn(KEY, indexed=True, unique=True, display_name="Campaign id"),
    ListColumn(FORM, indexed=True, display_name="Form"),
    ListColumn("FormKind", ColumnKind.CHOICE, indexed=True, display_name="Form kind",
               choices=tuple(kind.value for kind in FormKind)),
    ListColumn("OwnerId", indexed=True, display_name="Owner (object id)"),
    ListColumn("OpensAt", ColumnKind.DATE_TIME, indexed=True, display_name="Opens"),
    ListColumn("ClosesAt", ColumnKind.DATE_TIME, display_name="Closes"),
    ListColumn("Anonymous", ColumnKind.BOOLEAN, display_name="Anonymous"),
    ListColumn("MinimumAnswers", ColumnKind.NUMBER, display_name="Answers before results"),
    ListColumn("State", display_name="State"),
)


@dataclass(frozen=True)
class ResultsList:
    kind: ListKind
    schema: ListSchema
    # (form key, version, question id) -> column; the "other" words of a choice question
    # under its id + "_other". Versions apart: a later version may change a question's type.
    columns: Mapping[tuple[str, int, str], str] = field(default_factory=dict, repr=False)

    def column_of(self, form_key: str, version: int, question_id: str) -> str | None:
        return self.columns.get((form_key, version, question_id))


def results_lists(forms: Iterable[Form]) -> tuple[ResultsList, ...]:
    """Every list, answer lists in FormKind order then campaigns, from every form version."""
    ordered = sorted(forms, key=lambda form: (form.key, form.version))
    lists = [_answer_list(kind, [f for f in ordered if f.kind is kind]) for kind in FormKind]
    campaigns = ListSchema(LIST_NAMES[ListKind.CAMPAIGNS], CAMPAIGN_COLUMNS, key_column=KEY,
                           description="Learning Loop: one item per campaign.")
    return (*lists, ResultsList(ListKind.CAMPAIGNS, campaigns))


def results_list(forms: Iterable[Form], kind: ListKind) -> ResultsList:
    """One kind's list, as `results_lists` derives it (pass every version of every form)."""
    return next(r for r in results_lists(forms) if r.kind is kind)


def _answer_list(kind: FormKind, forms: list[Form]) -> ResultsList:
    columns: dict[str, ListColumn] = {
        c.name: c for c in (*ANSWER_COLUMNS, *EXTRA_COLUMNS.get(kind, ()))
    }
    taken = {name.lower() for name in columns} | {TITLE.lower()}
    names: dict[tuple[str, int, str], str] = {}
    by_question: dict[tuple[str, ColumnKind], str] = {}  # same id and type share a column
    others: dict[str, str] = {}  # a choice column -> its "other" words column
    for form in forms:
        for question in form.questions:
            wanted = _column_for(question)
            shared = by_question.get((question.id, wanted.kind))
            if shared is not None:
                columns[shared] = _merged(columns[shared], wanted)
                name = shared
            else:
                name = _free_name(question.id, form.key, taken)
                columns[name] = _named(wanted, name)
                by_question[(question.id, wanted.kind)] = name
            names[(form.key, form.version, question.id)] = name
            if question.other is not None:
                others[name] = others.get(name) or _other_column(columns, taken, name)
                names[(form.key, form.version, question.id + OTHER_SUFFIX)] = others[name]
    schema = ListSchema(LIST_NAMES[ListKind(kind.value)], tuple(columns.values()),
                        key_column=KEY,
                        description=f"Learning Loop: one item per {kind.value} response.")
    if len(schema.indexed_columns) > MAX_INDEXED_COLUMNS:  # ListSchema refuses it already
        raise ValueError(f"{schema.name}: more than {MAX_INDEXED_COLUMNS} indexed columns")
    return ResultsList(ListKind(kind.value), schema, names)


def _other_column(columns: dict[str, ListColumn], taken: set[str], name: str) -> str:
    other = _free_name(name + OTHER_SUFFIX, "", taken)
    label = columns[name].display_name or name
    columns[other] = ListColumn(other, ColumnKind.TEXT, display_name=f"{label} (other)")
    return other


def _column_for(question: Question) -> ListColumn:
    label = question.label.en[:TEXT_COLUMN_LIMIT]
    kind = {
        QuestionKind.LONG_TEXT: ColumnKind.NOTE,
        QuestionKind.SINGLE_CHOICE: ColumnKind.CHOICE,
        QuestionKind.MULTIPLE_CHOICE: ColumnKind.MULTI_CHOICE,
        QuestionKind.RATING: ColumnKind.NUMBER,
        QuestionKind.SCALE: ColumnKind.NUMBER,
        QuestionKind.YES_NO: ColumnKind.BOOLEAN,
        QuestionKind.DATE: ColumnKind.DATE_TIME,
    }.get(question.kind, ColumnKind.TEXT)
    if kind is ColumnKind.TEXT and question.text_limit > TEXT_COLUMN_LIMIT:
        kind = ColumnKind.NOTE  # a longer limit than one line holds
    choices = question.choice_ids() if kind in (ColumnKind.CHOICE,
                                                 ColumnKind.MULTI_CHOICE) else ()
    return ListColumn(question.id, kind, choices=choices, display_name=label)


def _merged(have: ListColumn, wanted: ListColumn) -> ListColumn:
    extra = tuple(c for c in wanted.choices if c not in have.choices)
    if not extra:
        return have
    return ListColumn(have.name, have.kind, choices=have.choices + extra,
                      display_name=have.display_name)


def _named(column: ListColumn, name: str) -> ListColumn:
    return ListColumn(name, column.kind, choices=column.choices,
                      display_name=column.display_name)


def _free_name(base: str, form_key: str, taken: set[str]) -> str:
    """An internal name nobody else in the list has (SharePoint compares them ignoring case),
    at most 32 characters; a clash adds the form key, then a checksum."""
    for candidate in (base, f"{base}_{form_key}" if form_key else ""):
        if candidate and len(candidate) <= NAME_LENGTH and candidate.lower() not in taken:
            taken.add(candidate.lower())
            return candidate
    digest = f"{zlib.crc32(f'{base}:{form_key}'.encode()):08x}"
    candidate = f"{base[:NAME_LENGTH - 9]}_{digest}"
    while candidate.lower() in taken:  # a checksum clash: practically never
        digest = f"{zlib.crc32(candidate.encode()):08x}"
        candidate = f"{base[:NAME_LENGTH - 9]}_{digest}"
    taken.add(candidate.lower())
    return candidate
