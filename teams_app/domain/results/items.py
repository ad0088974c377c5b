"""A response as the fields of its SharePoint item, for the outbox to write.

Choice answers keep their ids (stable across versions and languages, as the forms promise);
"other" words go to the question's "other" column. An anonymous response has no person: the
person column stays empty, and its submitted time is only the day, so that no time precise
enough to match the record of who answered (kept apart, for reminders) says who it was.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from teams_app.domain.directory import ColumnKind, FieldValue
from teams_app.domain.forms.answers import (
    AnswerSet,
    ChoiceAnswer,
    DateAnswer,
    NumberAnswer,
    TextAnswer,
    YesNoAnswer,
)
from teams_app.domain.results.lists import (
    CAMPAIGN,
    FORM,
    KEY,
    OTHER_SUFFIX,
    PERSON,
    SUBMITTED,
    TITLE,
    VERSION,
    ResultsList,
)


class UnknownColumn(ValueError):
    """The lists were derived from other forms than the answer's: provision again."""


def response_fields(
    results: ResultsList,
    answers: AnswerSet,
    *,
    response_key: str,
    campaign_id: str,
    submitted_at: datetime,
    person_id: str | None,
) -> dict[str, FieldValue]:
    """The item's fields; `person_id` None for an anonymous response."""
    if submitted_at.tzinfo is None:
        raise ValueError("submitted_at is tz-aware")
    submitted = submitted_at.astimezone(UTC)
    if person_id is None:
        submitted = _midnight(submitted.date())
    fields: dict[str, FieldValue] = {
        TITLE: response_key,
        KEY: response_key,
        CAMPAIGN: campaign_id,
        SUBMITTED: submitted,
        PERSON: person_id,
        FORM: answers.form_key,
        VERSION: answers.form_version,
    }
    for answer in answers.answers:
        column = results.column_of(answers.form_key, answers.form_version, answer.question)
        if column is None:
            raise UnknownColumn(f"{answers.form_key}: no column for {answer.question}")
        match answer:
            case TextAnswer(text=text):
                fields[column] = text
            case ChoiceAnswer(choices=choices, other=other):
                shape = results.schema.column(column)
                many = shape is not None and shape.kind is ColumnKind.MULTI_CHOICE
                fields[column] = tuple(choices) if many else (choices[0] if choices else None)
                if other is not None:
                    other_column = results.column_of(answers.form_key, answers.form_version,
                                                     answer.question + OTHER_SUFFIX)
                    if other_column is None:
                        raise UnknownColumn(f"{answers.form_key}: no column for other words")
                    fields[other_column] = other
            case NumberAnswer(value=value):
                fields[column] = value
            case YesNoAnswer(value=value):
                fields[column] = value
            case DateAnswer(value=value):
                fields[column] = _midnight(value)
    return fields


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


def campaign_closed_fields(*, campaign_id: str, closed_at: datetime) -> dict[str, FieldValue]:
    """What closing changes on the campaign's item (the outbox updates only these fields of
    the item its creation wrote)."""
    return {TITLE: campaign_id, KEY: campaign_id, "ClosesAt": closed_at, "State": "closed"}


def campaign_fields(
    *,
    campaign_id: str,
    form_key: str,
    form_kind: str,
    owner_id: str,
    opens_at: datetime,
    closes_at: datetime | None,
    anonymous: bool,
    minimum_answers: int,
    state: str,
) -> dict[str, FieldValue]:
    """A campaign as the fields of its item in the campaigns list (key: the campaign id)."""
    return {TITLE: campaign_id, KEY: campaign_id, FORM: form_key, "FormKind": form_kind,
            "OwnerId": owner_id, "OpensAt": opens_at, "ClosesAt": closes_at,
            "Anonymous": anonymous, "MinimumAnswers": minimum_answers, "State": state}
