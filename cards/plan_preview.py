"""The preview card: the proposed time per person, busy weeks, and who cannot be booked."""

from __future__ import annotations

from typing import Any

from cards import models as ac
from cards import verbs
from cards.blocks import more_line, small
from cards.elements import card, execute, heading, text
from cards.plans import form_data
from cards.views import PlanPreviewView, ProposedSlot, Unbookable

# People listed per table or list; the card stays far under Teams' size limit with this many
# (see tests/unit/test_plan_cards.py). The presenter sends at most this many and says how many
# more there are; the card cuts any beyond it.
MAX_ROWS = 50


def plan_preview_card(view: PlanPreviewView) -> dict[str, Any]:
    body: list[ac.Element] = [heading(view.title), text(view.summary)]
    if view.goal:
        body.append(text(view.goal, subtle=True))
    if view.slots:
        body += [
            text(view.slots_heading, weight="Bolder", separator=True, spacing="Medium"),
            slot_table(view),
        ]
        body += more_line(view.slots_more)
    if view.conflicts_note:
        body.append(small(view.conflicts_note))
    if view.unbookable:
        body.append(unbookable_block(view.unbookable_heading, view.unbookable,
                                     view.unbookable_more))
    ids = {"plan_id": view.plan_id, "revision": view.revision}
    if view.edit_answers is None:
        actions: list[ac.Action] = [
            execute(view.book_button, verbs.PLAN_BOOK, style="positive", **ids),
            execute(view.edit_button, verbs.PLAN_EDIT, **ids),
        ]
        if view.discard_button:
            actions.append(execute(view.discard_button, verbs.PLAN_DISCARD,
                                   style="destructive", **ids))
    else:  # the edit is not stored until Save: both buttons carry it back
        answers = form_data(view.edit_answers)
        actions = [
            execute(view.book_button, verbs.PLAN_SAVE, style="positive", **ids, **answers),
            execute(view.edit_button, verbs.PLAN_EDIT, **ids, **answers),
        ]
    return card(body, actions)


def slot_table(view: PlanPreviewView) -> ac.Table:
    headers = (view.member_header, view.time_header, view.conflicts_header)
    return ac.Table(
        columns=[ac.ColumnDefinition(width=w) for w in (3, 4, 2)],
        first_row_as_header=True,
        show_grid_lines=False,
        rows=[_row(*(text(h, weight="Bolder") for h in headers)),
              *(_slot_row(slot) for slot in view.slots[:MAX_ROWS])],
    )


def _slot_row(slot: ProposedSlot) -> ac.TableRow:
    conflicts = text(slot.conflicts, color="attention" if slot.has_conflicts else None)
    return _row(text(slot.member), text(slot.when), conflicts)


def _row(*cells: ac.Element) -> ac.TableRow:
    return ac.TableRow(cells=[ac.TableCell(items=[cell]) for cell in cells])


def unbookable_block(
    title: str, people: tuple[Unbookable, ...], more: str | None = None
) -> ac.Container:
    """Who could not be booked and why; also used by the booking summary."""
    facts = [ac.Fact(title=p.member, value=p.reason) for p in people[:MAX_ROWS]]
    return ac.Container(
        style="warning",
        spacing="Medium",
        items=[text(title, weight="Bolder"), ac.FactSet(facts=facts), *more_line(more)],
    )
