"""Small shared card pieces, so every card looks and behaves the same."""

from __future__ import annotations

from typing import Any

SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"  # an attachment's contentType


def card(body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": "1.5",
        "body": body,
    }
    if actions:
        result["actions"] = actions
    return result


def heading(text: str) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "size": "Large", "weight": "Bolder", "wrap": True,
            "style": "heading"}


def text(value: str, *, subtle: bool = False, weight: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "TextBlock", "text": value, "wrap": True}
    if subtle:
        block["isSubtle"] = True
    if weight:
        block["weight"] = weight
    return block


def bullets(items: tuple[str, ...]) -> dict[str, Any]:
    # Markdown lists render in Teams TextBlocks; one block keeps the spacing tight.
    return {"type": "TextBlock", "text": "\n".join(f"- {item}" for item in items), "wrap": True}


def execute(title: str, verb: str, **data: Any) -> dict[str, Any]:
    """Action.Execute with an Action.Submit fallback for clients that predate Universal Actions."""
    payload = {"verb": verb, **data}
    return {
        "type": "Action.Execute",
        "title": title,
        "verb": verb,
        "data": payload,
        "fallback": {"type": "Action.Submit", "title": title, "data": payload},
    }
