"""Layout pieces shared by the plan and slot cards (beside cards.elements)."""

from __future__ import annotations

from typing import Any

from cards.elements import text
from cards.views import Fact


def section(title: str) -> dict[str, Any]:
    """A bold heading with a line above it, to start a part of a long card."""
    return {**text(title, weight="Bolder"), "separator": True, "spacing": "Large"}


def small(value: str) -> dict[str, Any]:
    """Small print: hints and notes."""
    return {**text(value, subtle=True), "size": "Small"}


def more_line(more: str | None) -> list[dict[str, Any]]:
    """"…and 12 more" under a cut list, when there is more."""
    return [small(more)] if more else []


def facts(items: tuple[Fact, ...]) -> dict[str, Any]:
    return {"type": "FactSet", "facts": [{"title": i.title, "value": i.value} for i in items]}


def columns(
    *cells: list[dict[str, Any]], weights: tuple[int, ...] = (), centered: bool = False
) -> dict[str, Any]:
    """Columns side by side, equally wide or as wide as their `weights`; `centered` centres each
    column's content vertically (for a hint beside an input)."""
    result: list[dict[str, Any]] = []
    for i, items in enumerate(cells):
        width: int | str = weights[i] if weights else "stretch"
        column: dict[str, Any] = {"type": "Column", "width": width, "items": items}
        if centered:
            column["verticalContentAlignment"] = "Center"
        result.append(column)
    return {"type": "ColumnSet", "columns": result}
