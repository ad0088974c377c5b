"""Form files: the built-in forms load, and every kind of mistake in a file is named by file,
question (and choice) and field."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from teams_app.adapters.forms.catalog import BUILTIN, FileFormCatalog, form_files, load_forms
from teams_app.adapters.forms.files import load_form_file
from teams_app.domain.forms.definitions import Form, FormKind
from teams_app.domain.forms.errors import InvalidForm
from teams_app.domain.forms.questions import Alert, Measure, QuestionKind
from teams_app.domain.forms.texts import LANGUAGES
from teams_app.ports.forms import InvalidFormFile
from tests.unit.forms.support import builtin_forms, texts


def words(word: str) -> dict[str, str]:
    return {language: f"{word} {language}" for language in LANGUAGES}


GOOD: dict[str, Any] = {
    "key": "team_checkin",
    "kind": "checkin",
    "version": 1,
    "title": words("Check-in"),
    "questions": [
        {"id": "used_time", "type": "single_choice", "required": True, "label": words("Used?"),
         "choices": [{"id": "yes", "label": words("Yes")},
                     {"id": "partly", "label": words("Partly")}]},
        {"id": "notes", "type": "long_text", "max_length": 500, "label": words("Notes")},
    ],
}


def write(tmp_path: Path, data: object, name: str = "checkin.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def problems_of(path: Path) -> tuple[str, ...]:
    with pytest.raises(InvalidFormFile) as caught:
        load_form_file(path)
    return caught.value.problems


def test_the_built_in_forms_load() -> None:
    forms = {form.key: form for form in builtin_forms()}
    assert {k: f.kind for k, f in forms.items()} == {
        "learning_checkin": FormKind.CHECKIN, "pre_session_survey": FormKind.SURVEY,
        "learning_preferences": FormKind.PULSE, "session_feedback": FormKind.FEEDBACK,
        "reflection": FormKind.REFLECTION, "follow_up": FormKind.FOLLOW_UP,
    }
    checkin = forms["learning_checkin"]
    used = checkin.question("used_time")
    assert used is not None and [c.id for c in used.choices] == ["yes", "partly", "no"]
    blockers = checkin.question("obstacles")
    assert blockers is not None and blockers.other is not None
    assert blockers.measures is Measure.HINDRANCES  # the learning report counts its choices
    help_question = forms["pre_session_survey"].question("needs_help")
    assert help_question is not None and help_question.alerts is Alert.SUPPORT
    ways = forms["learning_preferences"].question("ways")
    assert ways is not None and [c.id for c in ways.choices] == [
        "classic", "social", "experiential", "organisational", "informal", "strategic",
        "self_directed"]
    feedback = forms["session_feedback"]
    assert feedback.framework is not None
    quality = feedback.question("quality")
    assert quality is not None and quality.kind is QuestionKind.RATING


def test_built_in_texts_are_translated_not_copied() -> None:
    for form in builtin_forms():
        for question in form.questions:
            label = question.label
            assert len({label.en, label.sv, label.nl, label.de}) > 1, question.id


async def test_the_catalog_serves_the_newest_version_and_any_asked_for(tmp_path: Path) -> None:
    write(tmp_path, {**GOOD, "version": 1}, "v1.yaml")
    write(tmp_path, {**GOOD, "version": 3}, "v3.yml")
    (tmp_path / "notes.txt").write_text("not a form", encoding="utf-8")
    catalog = FileFormCatalog.load(tmp_path)
    newest = await catalog.get("team_checkin")
    assert newest is not None and newest.version == 3
    old = await catalog.get("team_checkin", 1)
    assert old is not None and old.version == 1
    assert await catalog.get("team_checkin", 2) is None
    assert await catalog.get("nothing") is None
    assert len(await catalog.forms()) == len(builtin_forms()) + 1


def test_a_json_form_file_loads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "checkin.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    assert load_form_file(path) == load_form_file(write(tmp_path, GOOD))


def test_yes_and_no_stay_words_in_yaml(tmp_path: Path) -> None:
    # YAML 1.1 (PyYAML's default) reads them as booleans; choice ids must stay as written.
    text = (BUILTIN / "learning_checkin.yaml").read_text(encoding="utf-8")
    assert "- id: no\n" in text
    path = tmp_path / "copy.yaml"
    path.write_text(text, encoding="utf-8")
    question = load_form_file(path).question("used_time")
    assert question is not None and question.choice_ids() == ("yes", "partly", "no")


Mistake = Callable[[dict[str, Any]], None]


def _set(path: tuple[Any, ...], value: Any) -> Mistake:
    def change(data: dict[str, Any]) -> None:
        target = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return change


def _drop(*path: Any) -> Mistake:
    def change(data: dict[str, Any]) -> None:
        target = data
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]
    return change


Q0, Q1 = ("questions", 0), ("questions", 1)
MISTAKES: dict[str, tuple[Mistake, str]] = {
    "missing translation": (_drop(*Q0, "label", "nl"),
                            'question "used_time": translation "nl" of "label" is missing'),
    "blank translation": (_set((*Q0, "label", "de"), "  "),
                          'question "used_time": translation "de" of "label" is blank'),
    "missing choice translation": (
        _drop(*Q0, "choices", 1, "label", "sv"),
        'question "used_time": choice "partly": translation "sv" of "label" is missing'),
    "missing title translation": (_drop("title", "de"),
                                  'form: translation "de" of "title" is missing'),
    "unknown language": (_set((*Q1, "label", "fr"), "Notes"),
                         'question "notes": translation "fr" of "label": forms speak'),
    "text not translated": (_set((*Q1, "label"), "Notes"),
                            'question "notes": "label" must give its text in each of en, sv'),
    "unknown question type": (_set((*Q0, "type"), "ratng"),
                              'question "used_time": "type": Input should be'),
    "unknown field": (_set((*Q0, "colour"), "red"),
                      'question "used_time": "colour" is not a field a form knows'),
    "limit not a number": (_set((*Q1, "max_length"), "lots"),
                           'question "notes": "max_length": Input should be a valid integer'),
    "limit too high": (_set((*Q1, "max_length"), 99999),
                       'question "notes": "max_length" must be 1 to 4000'),
    "limit on a choice": (_set((*Q0, "max_length"), 10),
                          'question "used_time": "max_length" is only for text questions'),
    "choices on text": (_set((*Q1, "choices"), [{"id": "a", "label": words("A")}]),
                        'question "notes": "choices" is only for choice questions'),
    "required as a word": (_set((*Q0, "required"), "yes"),
                           'question "used_time": "required": Input should be a valid boolean'),
    "same question id twice": (_set((*Q1, "id"), "used_time"),
                               'question "used_time": "id" is used by another question'),
    "same choice id twice": (_set((*Q0, "choices", 1, "id"), "yes"),
                             'question "used_time": choice "yes": "id" is used by another'),
    "a choice named other": (_set((*Q0, "choices", 1, "id"), "other"),
                             'question "used_time": choice "other": "other" is the "other"'),
    "too few choices": (lambda d: d["questions"][0]["choices"].pop(),
                        'question "used_time": "choices" must hold 2 to 20'),
    "question id unusable": (_set((*Q1, "id"), "My Notes"),
                             'question "My Notes": "id" must match'),
    "question id reserved": (_set((*Q1, "id"), "campaign_id"),
                             'question "campaign_id": "id" may not be one of'),
    "question without id": (_drop(*Q1, "id"), 'question #2: "id" is missing'),
    "alert on a text": (_set((*Q1, "alerts"), "support"),
                        'question "notes": "alerts" is only for yes/no questions'),
    "unknown alert": (_set((*Q0, "alerts"), "boss"), 'question "used_time": "alerts": Input'),
    "measures on a text": (_set((*Q1, "measures"), "hindrances"),
                           'question "notes": "measures" is only for choice questions'),
    "unknown measure": (_set((*Q0, "measures"), "mood"), 'question "used_time": "measures": '),
    "feedback without framework": (_set(("kind",), "feedback"),
                                   'form: "framework" is required for a feedback form'),
    "no questions": (_set(("questions",), []), 'form: "questions" must hold 1 to 30'),
    "no version": (_drop("version"), 'form: "version" is missing'),
    "bad key": (_set(("key",), "Team check-in"), 'form: "key" must match'),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_a_mistake_names_the_file_the_question_and_the_field(
    tmp_path: Path, mistake: str
) -> None:
    change, expected = MISTAKES[mistake]
    data = copy.deepcopy(GOOD)
    change(data)
    problems = problems_of(write(tmp_path, data))
    assert any(p.startswith(f"checkin.yaml: {expected}") for p in problems), problems


def test_every_mistake_in_a_file_is_named_at_once(tmp_path: Path) -> None:
    data = copy.deepcopy(GOOD)
    del data["questions"][0]["label"]["nl"]
    del data["questions"][1]["label"]["de"]
    assert len(problems_of(write(tmp_path, data))) == 2


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("broken.yaml", "key: [unclosed", "broken.yaml: form: not valid YAML: "),
        ("twice.yaml", "key: a\nkey: b\n", 'twice.yaml: form: not valid YAML: "key" is given '
                                            "twice in one mapping"),
        ("list.yaml", "- key: a\n", "list.yaml: form: the file must hold one form"),
        ("broken.json", '{"key": ', "broken.json: form: not valid JSON: "),
        ("form.txt", "key: a", "form.txt: form: a form file ends in .yaml, .yml, .json"),
    ],
)
def test_a_file_that_is_no_form_at_all_says_so(
    tmp_path: Path, name: str, text: str, expected: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (problem,) = problems_of(path)
    assert problem.startswith(expected)


def test_two_files_may_not_claim_one_form_version(tmp_path: Path) -> None:
    write(tmp_path, GOOD, "a.yaml")
    write(tmp_path, GOOD, "b.yaml")
    with pytest.raises(InvalidFormFile, match='b.yaml: form: "key" team_checkin version 1 is '
                                              "also in a.yaml"):
        load_forms(form_files(tmp_path))


def test_a_form_built_in_code_is_checked_the_same() -> None:
    form = builtin_forms()[0]
    with pytest.raises(InvalidForm) as caught:
        Form(key=form.key, kind=FormKind.FEEDBACK, version=0, title=texts("T"),
             questions=form.questions)
    assert {p.field for p in caught.value.problems} == {"version", "framework"}
