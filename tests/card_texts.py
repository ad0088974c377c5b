"""Reading a card the way a person sees it: its texts and its buttons by verb."""

from __future__ import annotations

from typing import Any

from cards.elements import CONTENT_TYPE as CARD


def texts(card: dict[str, Any]) -> str:
    """Every TextBlock's text, one per line, in card order."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                found.append(str(node.get("text")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return "\n".join(found)


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
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key in ("text", "title", "value"):
                if isinstance(node.get(key), str):
                    found.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return "\n".join(found)


def elements(card: dict[str, Any], type_prefix: str) -> list[dict[str, Any]]:
    """Every element whose type starts with the prefix ("Chart." finds the charts)."""
    found: list[dict[str, Any]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith(type_prefix):
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found
