"""Input elements (Adaptive Cards 1.5) with labels, client-side checks and inline errors."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cards.views import Choice, FieldError


def choice_set(
    input_id: str,
    label: str,
    choices: Iterable[Choice],
    value: str | Iterable[str] = "",
    *,
    multi: bool = False,
    expanded: bool = False,
    placeholder: str | None = None,
    required: bool = False,
    error: str | None = None,
) -> dict[str, Any]:
    selected = value if isinstance(value, str) else ",".join(value)
    element: dict[str, Any] = {
        "type": "Input.ChoiceSet",
        "id": input_id,
        "label": label,
        "choices": [{"title": c.title, "value": c.value} for c in choices],
        "style": "expanded" if expanded else "compact",
        "wrap": True,
    }
    if multi:
        element["isMultiSelect"] = True
    if selected:
        element["value"] = selected
    if placeholder:
        element["placeholder"] = placeholder
    return _checked(element, required, error)


def time_input(
    input_id: str, label: str, value: str, *, error: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "Input.Time", "id": input_id, "label": label}
    if value:
        element["value"] = value
    return _checked(element, True, error)


def date_input(
    input_id: str, label: str, value: str, *, required: bool = False, error: str | None = None
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "Input.Date", "id": input_id, "label": label}
    if value:
        element["value"] = value
    return _checked(element, required, error)


def number_input(
    input_id: str,
    label: str,
    value: int | None,
    *,
    low: int,
    high: int,
    required: bool = False,
    error: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "Input.Number",
        "id": input_id,
        "label": label,
        "min": low,
        "max": high,
    }
    if value is not None:
        element["value"] = value
    return _checked(element, required, error)


def text_input(
    input_id: str,
    label: str,
    value: str,
    *,
    placeholder: str | None = None,
    multiline: bool = False,
    max_length: int | None = None,
    url: bool = False,
    pattern: str | None = None,
    required: bool = False,
    error: str | None = None,
) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "Input.Text", "id": input_id, "label": label}
    if value:
        element["value"] = value
    if placeholder:
        element["placeholder"] = placeholder
    if multiline:
        element["isMultiline"] = True
    if max_length:
        element["maxLength"] = max_length
    if url:
        element["style"] = "url"
    if pattern:
        element["regex"] = pattern
    return _checked(element, required, error)


def _checked(element: dict[str, Any], required: bool, error: str | None) -> dict[str, Any]:
    # Clients that validate (Teams does) show errorMessage when the check fails on submit.
    if required:
        element["isRequired"] = True
    if error:
        element["errorMessage"] = error
    return element


def errors_for(errors: Iterable[FieldError], field: str) -> list[dict[str, Any]]:
    """The server's messages for one input, as red text to put right under it."""
    return [field_error(e.message) for e in errors if e.field == field]


def field_error(message: str) -> dict[str, Any]:
    return {"type": "TextBlock", "text": message, "color": "attention", "wrap": True,
            "size": "Small", "spacing": "Small"}
