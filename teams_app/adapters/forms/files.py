"""Form files (YAML or JSON) to forms. The file's shape is checked with pydantic, the form's
rules by the domain; either way every mistake comes back naming the file, the question (and
choice) and the field, all of them at once so an author fixes a file in one go."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr
from pydantic import ValidationError as ShapeError
from pydantic_core import ErrorDetails

from teams_app.adapters.forms.yaml_files import read_yaml
from teams_app.domain.forms.definitions import FeedbackFramework, Form, FormKind
from teams_app.domain.forms.errors import InvalidForm
from teams_app.domain.forms.questions import (
    Alert,
    ChoiceOption,
    Measure,
    Question,
    QuestionKind,
)
from teams_app.domain.forms.texts import LANGUAGES, Texts
from teams_app.ports.forms import InvalidFormFile

SUFFIXES = (".yaml", ".yml", ".json")
_FILE = ConfigDict(extra="forbid", frozen=True)
_TEXT_FIELDS = {"title", "intro", "label", "hint", "other", "low", "high", "kind", "about",
                "readers"}


class _Texts(BaseModel):
    model_config = _FILE
    en: StrictStr
    sv: StrictStr
    nl: StrictStr
    de: StrictStr

    def texts(self) -> Texts:
        return Texts(en=self.en, sv=self.sv, nl=self.nl, de=self.de)


class _Choice(BaseModel):
    model_config = _FILE
    id: StrictStr
    label: _Texts


class _Question(BaseModel):
    model_config = _FILE
    id: StrictStr
    type: QuestionKind
    label: _Texts
    required: StrictBool = False
    hint: _Texts | None = None
    max_length: StrictInt | None = None
    choices: list[_Choice] = Field(default_factory=list)
    other: _Texts | None = None
    low: _Texts | None = None
    high: _Texts | None = None
    alerts: Alert | None = None
    measures: Measure | None = None


class _Framework(BaseModel):
    model_config = _FILE
    kind: _Texts
    about: _Texts
    readers: _Texts


class _Form(BaseModel):
    model_config = _FILE
    key: StrictStr
    kind: FormKind
    version: StrictInt
    title: _Texts
    intro: _Texts | None = None
    framework: _Framework | None = None
    questions: list[_Question]


def load_form_file(path: Path) -> Form:
    """The form in `path` (.yaml, .yml or .json), or InvalidFormFile."""
    if path.suffix.lower() not in SUFFIXES:
        raise InvalidFormFile(path.name, (f"form: a form file ends in {', '.join(SUFFIXES)}",))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidFormFile(path.name, (f"form: cannot be read ({error})",)) from error
    return parse_form(path.name, text, json_text=path.suffix.lower() == ".json")


def parse_form(name: str, text: str, *, json_text: bool = False) -> Form:
    """The form in a file's text; `name` is the file's name, for the messages."""
    try:
        data = json.loads(text) if json_text else read_yaml(text)
    except (yaml.YAMLError, json.JSONDecodeError) as error:
        kind = "JSON" if json_text else "YAML"
        raise InvalidFormFile(name, (f"form: not valid {kind}: {_one_line(error)}",)) from error
    if not isinstance(data, dict):
        raise InvalidFormFile(name, ("form: the file must hold one form (a mapping of fields)",))
    try:
        shape = _Form.model_validate(data)
    except ShapeError as error:
        raise InvalidFormFile(name, tuple(_where(e, data) for e in error.errors())) from error
    try:
        return _form(shape)
    except InvalidForm as error:
        raise InvalidFormFile(name, tuple(map(str, error.problems))) from error


def _form(shape: _Form) -> Form:
    framework = shape.framework
    return Form(
        key=shape.key,
        kind=shape.kind,
        version=shape.version,
        title=shape.title.texts(),
        intro=_texts(shape.intro),
        framework=None if framework is None else FeedbackFramework(
            kind=framework.kind.texts(), about=framework.about.texts(),
            readers=framework.readers.texts(),
        ),
        questions=tuple(_question(q) for q in shape.questions),
    )


def _question(q: _Question) -> Question:
    return Question(
        id=q.id,
        kind=q.type,
        label=q.label.texts(),
        required=q.required,
        hint=_texts(q.hint),
        max_length=q.max_length,
        choices=tuple(ChoiceOption(c.id, c.label.texts()) for c in q.choices),
        other=_texts(q.other),
        low=_texts(q.low),
        high=_texts(q.high),
        alerts=q.alerts,
        measures=q.measures,
    )


def _texts(shape: _Texts | None) -> Texts | None:
    return None if shape is None else shape.texts()


def _where(error: ErrorDetails, data: dict[str, Any]) -> str:
    """'question "used_time": translation "nl" of "label" is missing', from pydantic's
    location ('questions', 0, 'label', 'nl'): indexes become the ids the author wrote."""
    loc = list(error["loc"])
    where = ["form"]
    if loc[:1] == ["questions"] and len(loc) > 1 and isinstance(loc[1], int):
        question = _item(data.get("questions"), loc[1])
        where = [f"question {_name(question, loc[1])}"]
        loc = loc[2:]
        if loc[:1] == ["choices"] and len(loc) > 1 and isinstance(loc[1], int):
            where.append(f'choice {_name(_item(question.get("choices"), loc[1]), loc[1])}')
            loc = loc[2:]
    return ": ".join([*where, _what(error, [str(part) for part in loc])])


def _what(error: ErrorDetails, path: list[str]) -> str:
    kind = error["type"]
    languages = ", ".join(LANGUAGES)
    if len(path) >= 2 and path[-2] in _TEXT_FIELDS and kind == "extra_forbidden":
        return f'translation "{path[-1]}" of "{".".join(path[:-1])}": forms speak {languages}'
    if path and path[-1] in _TEXT_FIELDS and kind == "model_type":
        return f'"{".".join(path)}" must give its text in each of {languages}'
    if len(path) >= 2 and path[-1] in LANGUAGES and path[-2] in _TEXT_FIELDS:
        translation = f'translation "{path[-1]}" of "{".".join(path[:-1])}"'
        if kind == "missing":
            return f"{translation} is missing"
        return f"{translation}: {error['msg']}"
    if not path:
        return str(error["msg"])  # the whole question or choice is of the wrong shape
    field = ".".join(path)
    if kind == "missing":
        return f'"{field}" is missing'
    if kind == "extra_forbidden":
        return f'"{field}" is not a field a form knows'
    return f'"{field}": {error["msg"]}'


def _item(items: object, index: int) -> dict[str, Any]:
    if isinstance(items, list) and index < len(items) and isinstance(items[index], dict):
        return items[index]
    return {}


def _name(item: dict[str, Any], index: int) -> str:
    # The id the author wrote; the position (from 1) when there is none to name it by.
    given = item.get("id")
    return f'"{given}"' if isinstance(given, str) and given else f"#{index + 1}"


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())
