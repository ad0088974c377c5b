"""Reading the reflection and follow-up cards' data: their ids and the answers. Ids that are
missing or of the wrong shape are refused; the answers go to the form's check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_MAX_ID = 100
_IDS = ("verb", "round_id", "follow_up_id", "ask", "form_key", "form_version", "msteams")


class BadCardData(ValueError):
    """The card's ids cannot be read: not a card this service made."""


@dataclass(frozen=True)
class CardIds:
    target_id: str  # the round (reflection card) or the follow-up
    form_key: str
    form_version: int
    ask: int = 0  # a follow-up card: which asking it was made for


def parse_card(data: Any, id_field: str) -> tuple[CardIds, dict[str, object]]:
    if not isinstance(data, dict):
        raise BadCardData("data")
    target, key = _text(data, id_field), _text(data, "form_key")
    version = _number(data.get("form_version"), "form_version", 100000)
    ask = _number(data.get("ask"), "ask", 100) if id_field == "follow_up_id" else 0
    answers = {str(k): v for k, v in data.items() if k not in _IDS}
    return CardIds(target, key, version, ask), answers


def parse_follow_up_id(data: Any) -> str:
    if not isinstance(data, dict):
        raise BadCardData("data")
    return _text(data, "follow_up_id")


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > _MAX_ID:
        raise BadCardData(name)
    return value.strip()


def _number(value: object, name: str, below: int) -> int:
    if isinstance(value, str) and value.isdigit() and len(value) < 7:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value < below:
        raise BadCardData(name)
    return value
