"""Reading a card the way a person sees it: its texts, its buttons by verb, its elements."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cards.elements import CONTENT_TYPE as CARD


def nodes(card: Any) -> Iterator[dict[str, Any]]:
    """Every object in the card, depth first in card order: elements, actions, facts."""
    if isinstance(card, dict):
        yield card
        for value in card.values():
            yield from nodes(value)
    elif isinstance(card, list):
        for item in card:
            yield from nodes(item)


def texts(card: dict[str, Any]) -> str:
    """Every TextBlock's text, one per line, in card order."""
    return "\n".join(str(n.get("text")) for n in nodes(card) if n.get("type") == "TextBlock")


def actions(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The card's Action.Execute buttons by verb."""
    return {a["data"]["verb"]: a for a in card.get("actions", []) if "data" in a}


def card_of(activity: dict) -> dict:
    """The one Adaptive Card an activity carries."""
    (attachment,) = activity["attachments"]
    assert attachment["contentType"] == CARD
    return attachment["content"]


def all_texts(card: dict) -> str:
    """Every text, title and value anywhere in the card (buttons and inputs too), one per line."""
    return "\n".join(n[key] for n in nodes(card) for key in ("text", "title", "value")
                     if isinstance(n.get(key), str))


def elements(card: dict[str, Any], type_prefix: str) -> list[dict[str, Any]]:
    """Every element whose type starts with the prefix ("Chart." finds the charts)."""
    return [n for n in nodes(card) if str(n.get("type", "")).startswith(type_prefix)]
