"""Layout pieces shared by the plan and slot cards (beside cards.elements)."""

from __future__ import annotations

from typing import Any

from cards import models as ac
from cards.elements import text
from cards.views import Fact, ReachNotice


def section(title: str) -> ac.TextBlock:
    """A bold heading with a line above it, to start a part of a long card."""
    return text(title, weight="Bolder", separator=True, spacing="Large")


def small(value: str, **props: Any) -> ac.TextBlock:
    """Small print: hints and notes."""
    return text(value, subtle=True, size="Small", **props)


def more_line(more: str | None) -> list[ac.Element]:
    """"…and 12 more" under a cut list, when there is more."""
    return [small(more)] if more else []


def facts(items: tuple[Fact, ...]) -> ac.FactSet:
    return ac.FactSet(facts=[ac.Fact(title=i.title, value=i.value) for i in items])


def columns(
    *cells: list[ac.Element], weights: tuple[int, ...] = (), centered: bool = False
) -> ac.ColumnSet:
    """Columns side by side, equally wide or as wide as their `weights`; `centered` centres each
    column's content vertically (for a hint beside an input)."""
    return ac.ColumnSet(columns=[
        ac.Column(width=weights[i] if weights else "stretch", items=items,
                  vertical_content_alignment="Center" if centered else None)
        for i, items in enumerate(cells)
    ])


def reach_block(notice: ReachNotice) -> ac.Container:
    """Who cannot be reached, in the attention style: each is a card someone never saw."""
    return ac.Container(
        style="attention",
        spacing="Medium",
        items=[
            text(notice.heading, weight="Bolder"),
            facts(notice.people),
            *more_line(notice.more),
            *(small(advice, spacing="Small") for advice in notice.advice),
        ],
    )
