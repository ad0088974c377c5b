"""A campaign's responses as CSV for the owner: one row per response, one column per question
in the form's order, in the owner's language; a choice question also gets a column of the raw
choice ids (stable across languages and form wording, for formulas and joins). UTF-8 with a
byte order mark: without it Excel reads the file as the system code page and shows å, ä, ö, ü
as two characters each."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from pathlib import Path

from cards import Translator
from teams_app.domain.forms.answers import (
    Answer,
    ChoiceAnswer,
    DateAnswer,
    NumberAnswer,
    TextAnswer,
    YesNoAnswer,
)
from teams_app.domain.forms.questions import CHOICE_KINDS, OTHER, Question
from teams_app.use_cases.campaigns.exports import ExportedResponse, ResponseExport

ENCODING = "utf-8-sig"  # UTF-8 with BOM
# A cell starting with one of these is a formula to Excel; people's free text must stay text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_csv(export: ResponseExport, out: Path, t: Translator,
              names: Mapping[str, str]) -> int:
    """Writes the file; returns how many responses it holds."""
    with out.open("w", encoding=ENCODING, newline="") as file:
        writer = csv.writer(file)
        writer.writerow(header(export, t))
        for response in export.responses:
            writer.writerow([_safe(cell) for cell in row(export, response, t, names)])
    return len(export.responses)


def header(export: ResponseExport, t: Translator) -> list[str]:
    cells = ["response", "date"]
    if not export.campaign.spec.anonymous:
        cells += ["person_id", "person", "round"]
    for question in export.form.questions:
        label = question.label.in_(t.language)
        cells.append(label)
        if question.kind in CHOICE_KINDS:
            cells.append(f"{question.id} (ids)")
    return cells


def row(export: ResponseExport, response: ExportedResponse, t: Translator,
        names: Mapping[str, str]) -> list[str]:
    cells = [response.key, response.day.isoformat()]
    if not export.campaign.spec.anonymous:
        person = response.person_id or ""
        cells += [person, names.get(person, ""), response.round or ""]
    for question in export.form.questions:
        cells += list(_cells(question, response.answers.get(question.id), t))
    return cells


def _cells(question: Question, answer: Answer | None, t: Translator) -> Iterator[str]:
    language = t.language
    match answer:
        case ChoiceAnswer(_, choices, other):
            labels = {c.id: c.label.in_(language) for c in question.choices}
            words = [labels.get(c, c) for c in choices if c != OTHER]
            if OTHER in choices and question.other is not None:
                words.append(f"{question.other.in_(language)}: {other or ''}")
            yield "; ".join(words)
            yield ";".join(choices)
            return
        case TextAnswer(_, text):
            yield text
        case NumberAnswer(_, value):
            yield str(value)
        case YesNoAnswer(_, value):
            yield t("form.yes") if value else t("form.no")
        case DateAnswer(_, value):
            yield value.isoformat()
        case None:
            yield ""
    if question.kind in CHOICE_KINDS:
        yield ""  # no answer: the ids column stays empty too


def _safe(cell: str) -> str:
    return f"'{cell}" if cell.startswith(_FORMULA_STARTS) else cell
