"""The preview card: the proposed time per person, busy weeks, and who cannot be booked."""

from __future__ import annotations

from typing import Any

from cards import verbs
from cards.blocks import more_line, small
from cards.elements import card, execute, heading, text
from cards.views import PlanPreviewView, ProposedSlot, Unbookable

# People listed per table or list; the card stays far under Teams' size limit with this many
# (see tests/unit/test_plan_cards.py). The presenter sends at most this many and says how many
# more there are; the card cuts any beyond it.
MAX_ROWS = 50


def plan_preview_card(view: PlanPreviewView) -> dict[str, Any]:
    body: list[dict[str, Any]] = [heading(view.title), text(view.summary)]
    if view.goal:
        body.append(text(view.goal, subtle=True))
    if view.slots:
        body += [
            {**text(view.slots_heading, weight="Bolder"), "separator": True, "spacing": "Medium"},
            slot_table(view),
        ]
        body += more_line(view.slots_more)
    if view.conflicts_note:
        body.append(small(view.conflicts_note))
    if view.unbookable:
        body.append(unbookable_block(view.unbookable_heading, view.unbookable,
                                     view.unbookable_more))
    actions = [
        {**execute(view.book_button, verbs.PLAN_BOOK, plan_id=view.plan_id), "style": "positive"},
        execute(view.edit_button, verbs.PLAN_EDIT, plan_id=view.plan_id),
    ]
    return card(body, actions)


def slot_table(view: PlanPreviewView) -> dict[str, Any]:
    header = _row((view.member_header, view.time_header, view.conflicts_header), bold=True)
    return {
        "type": "Table",
        "columns": [{"width": 3}, {"width": 4}, {"width": 2}],
        "firstRowAsHeader": True,
        "showGridLines": False,
        "rows": [header, *(_slot_row(slot) for slot in view.slots[:MAX_ROWS])],
    }


def _slot_row(slot: ProposedSlot) -> dict[str, Any]:
    row = _row((slot.member, slot.when, slot.conflicts))
    if slot.has_conflicts:
        row["cells"][2]["items"][0]["color"] = "attention"
    return row


def _row(values: tuple[str, ...], *, bold: bool = False) -> dict[str, Any]:
    cells = [
        {"type": "TableCell", "items": [text(v, weight="Bolder" if bold else None)]}
        for v in values
    ]
    return {"type": "TableRow", "cells": cells}


def unbookable_block(
    title: str, people: tuple[Unbookable, ...], more: str | None = None
) -> dict[str, Any]:
    """Who could not be booked and why; also used by the booking summary."""
    facts = [{"title": p.member, "value": p.reason} for p in people[:MAX_ROWS]]
    return {
        "type": "Container",
        "style": "warning",
        "spacing": "Medium",
        "items": [text(title, weight="Bolder"), {"type": "FactSet", "facts": facts},
                  *more_line(more)],
    }
