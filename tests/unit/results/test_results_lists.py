"""The SharePoint lists derived from the forms: one per kind plus campaigns, typed columns per
question, the fixed indexed columns, the unique key, and the item fields of a response."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from teams_app.domain.directory import MAX_INDEXED_COLUMNS, ColumnKind
from teams_app.domain.forms.answers import other_key, validate_answers
from teams_app.domain.forms.definitions import Form, FormKind
from teams_app.domain.forms.questions import ChoiceOption, Question, QuestionKind
from teams_app.domain.results.items import UnknownColumn, campaign_fields, response_fields
from teams_app.domain.results.lists import ListKind, ResultsList, results_list, results_lists
from tests.unit.forms.support import FULL_ANSWERS, builtin_forms, every_kind_form, texts

AT = datetime(2026, 3, 10, 14, 30, tzinfo=UTC)


def by_kind(*forms: Form) -> dict[ListKind, ResultsList]:
    return {r.kind: r for r in results_lists(forms)}


def test_one_list_per_form_kind_plus_campaigns() -> None:
    lists = results_lists(builtin_forms())
    assert [r.kind for r in lists] == [ListKind.CHECKIN, ListKind.SURVEY, ListKind.PULSE,
                                       ListKind.FEEDBACK, ListKind.REFLECTION,
                                       ListKind.FOLLOW_UP, ListKind.CAMPAIGNS]
    assert len({r.schema.name for r in lists}) == 7
    for results in lists:
        key = results.schema.column("LoopKey")
        assert key is not None and key.unique and key.indexed  # unique needs an index
        assert len(results.schema.indexed_columns) <= MAX_INDEXED_COLUMNS


def test_the_reflections_list_says_whether_a_reflection_came_late() -> None:
    reflections = by_kind(*builtin_forms())[ListKind.REFLECTION].schema
    late = reflections.column("Late")
    assert late is not None and late.kind is ColumnKind.BOOLEAN
    assert by_kind(*builtin_forms())[ListKind.CHECKIN].schema.column("Late") is None


def test_builtin_checkin_columns_are_typed() -> None:
    checkin = by_kind(*builtin_forms())[ListKind.CHECKIN]
    schema = checkin.schema
    kinds = {c.name: c.kind for c in schema.columns}
    assert kinds["used_time"] is ColumnKind.CHOICE
    assert schema.column("used_time").choices == ("yes", "partly", "no")
    assert kinds["worked_on"] is ColumnKind.NOTE
    assert kinds["obstacles"] is ColumnKind.MULTI_CHOICE
    assert kinds["will_apply"] is ColumnKind.NOTE  # allows more than a line's 255 characters
    assert {c.name for c in schema.indexed_columns} == {
        "LoopKey", "CampaignId", "SubmittedAt", "PersonId", "FormKey"}
    assert schema.column("used_time").display_name == "Did you use your learning time?"


def test_every_question_type_maps_to_its_column() -> None:
    schema = by_kind(every_kind_form())[ListKind.CHECKIN].schema
    kinds = {c.name: c.kind for c in schema.columns}
    assert kinds["name"] is ColumnKind.TEXT
    assert kinds["story"] is ColumnKind.NOTE
    assert kinds["pick"] is ColumnKind.CHOICE and kinds["pick_other"] is ColumnKind.TEXT
    assert schema.column("pick").choices == ("a", "b", "other")
    assert kinds["many"] is ColumnKind.MULTI_CHOICE
    assert kinds["stars"] is kinds["score"] is ColumnKind.NUMBER
    assert kinds["help"] is ColumnKind.BOOLEAN
    assert kinds["when"] is ColumnKind.DATE_TIME


def test_forms_of_a_kind_share_columns_and_clashes_get_their_own() -> None:
    first = every_kind_form()
    later = replace(first, version=3, questions=(
        Question("pick", QuestionKind.SINGLE_CHOICE, texts("Pick"),
                 choices=(ChoiceOption("a", texts("A")), ChoiceOption("c", texts("C")))),
        Question("stars", QuestionKind.SHORT_TEXT, texts("Stars as words")),
        Question("title", QuestionKind.SHORT_TEXT, texts("A title")),
    ))
    results = by_kind(first, later)[ListKind.CHECKIN]
    schema = results.schema
    assert schema.column("pick").choices == ("a", "b", "other", "c")  # one column, merged
    assert results.column_of("every_kind", 2, "stars") == "stars"
    assert results.column_of("every_kind", 3, "stars") == "stars_every_kind"
    renamed = results.column_of("every_kind", 3, "title")
    assert renamed != "title" and renamed.lower() != "title"  # SharePoint's own Title
    assert len({c.name.lower() for c in schema.columns}) == len(schema.columns)
    assert all(len(c.name) <= 32 for c in schema.columns)


def test_the_same_forms_give_the_same_lists() -> None:
    forms = builtin_forms()
    assert results_lists(forms) == results_lists(tuple(reversed(forms)))


def test_a_response_becomes_item_fields() -> None:
    form = every_kind_form()
    results = by_kind(form)[ListKind.CHECKIN]
    answers = validate_answers(form, {**FULL_ANSWERS, "pick": "other",
                                      other_key("pick"): "Pairing"})
    fields = response_fields(results, answers, response_key="r-1",
                             campaign_id="c-1", submitted_at=AT, person_id=None)
    assert fields["LoopKey"] == fields["Title"] == "r-1"
    assert fields["PersonId"] is None  # anonymous: nobody named
    assert fields["pick"] == "other" and fields["pick_other"] == "Pairing"
    assert fields["many"] == ("a", "c")
    assert (fields["stars"], fields["help"]) == (4, True)
    assert fields["when"] == datetime(2026, 3, 10, tzinfo=UTC)
    assert fields["FormVersion"] == 2
    assert fields["SubmittedAt"] == datetime(2026, 3, 10, tzinfo=UTC)  # anonymous: the day only
    named = response_fields(results, answers, response_key="r-2", campaign_id="c-1",
                            submitted_at=AT, person_id="p-1")
    assert (named["PersonId"], named["SubmittedAt"]) == ("p-1", AT)


def test_a_campaign_becomes_item_fields_of_the_campaigns_list() -> None:
    campaigns = results_list(builtin_forms(), ListKind.CAMPAIGNS)
    fields = campaign_fields(campaign_id="c-1", form_key="learning_checkin",
                             form_kind="checkin", owner_id="o-1", opens_at=AT, closes_at=None,
                             anonymous=True, minimum_answers=5, state="open")
    assert {name for name in fields if name != "Title"} == {
        c.name for c in campaigns.schema.columns}


def test_an_answer_without_a_column_is_refused() -> None:
    form = every_kind_form()
    other_kind = by_kind(replace(form, kind=FormKind.PULSE))[ListKind.CHECKIN]
    answers = validate_answers(form, FULL_ANSWERS)
    with pytest.raises(UnknownColumn):
        response_fields(other_kind, answers, response_key="r", campaign_id="c",
                        submitted_at=AT, person_id="p")
