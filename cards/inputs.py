"""Input elements (Adaptive Cards 1.5) with labels, client-side checks and inline errors."""

from __future__ import annotations

from collections.abc import Iterable

from cards import models as ac
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
) -> ac.ChoiceSetInput:
    selected = value if isinstance(value, str) else ",".join(value)
    return ac.ChoiceSetInput(
        id=input_id,
        label=label,
        choices=[ac.Choice(title=c.title, value=c.value) for c in choices],
        style="expanded" if expanded else "compact",
        wrap=True,
        is_multi_select=multi or None,
        value=selected or None,
        placeholder=placeholder or None,
        **_checks(required, error),
    )


def time_input(input_id: str, label: str, value: str, *, error: str | None = None) -> ac.TimeInput:
    return ac.TimeInput(id=input_id, label=label, value=value or None, **_checks(True, error))


def date_input(
    input_id: str, label: str, value: str, *, required: bool = False, error: str | None = None
) -> ac.DateInput:
    return ac.DateInput(id=input_id, label=label, value=value or None, **_checks(required, error))


def number_input(
    input_id: str,
    label: str,
    value: int | None,
    *,
    low: int,
    high: int,
    required: bool = False,
    error: str | None = None,
) -> ac.NumberInput:
    return ac.NumberInput(id=input_id, label=label, min=low, max=high, value=value,
                          **_checks(required, error))


def rating_input(
    input_id: str,
    label: str,
    value: int | None,
    *,
    top: int,
    fallback: ac.Input,
    required: bool = False,
    error: str | None = None,
) -> ac.RatingInput:
    """Teams' stars, 1 to `top`. Not Adaptive Cards 1.5: `fallback` (a 1.5 input with the same
    id and values) is what other clients show, and its answer arrives the same way."""
    return ac.RatingInput(id=input_id, label=label, max=top, value=value, fallback=fallback,
                          **_checks(required, error))


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
) -> ac.TextInput:
    return ac.TextInput(
        id=input_id,
        label=label,
        value=value or None,
        placeholder=placeholder or None,
        is_multiline=multiline or None,
        max_length=max_length or None,
        style="url" if url else None,
        regex=pattern or None,
        **_checks(required, error),
    )


def _checks(required: bool, error: str | None) -> dict[str, bool | str | None]:
    # Clients that validate (Teams does) show errorMessage when the check fails on submit.
    return {"is_required": required or None, "error_message": error or None}


def errors_for(errors: Iterable[FieldError], field: str) -> list[ac.Element]:
    """The server's messages for one input, as red text to put right under it."""
    return [field_error(e.message) for e in errors if e.field == field]


def field_error(message: str) -> ac.TextBlock:
    return ac.TextBlock(text=message, color="attention", wrap=True, size="Small", spacing="Small")
