"""Member cards: a slot was booked, and a booked occurrence collides with other work."""

from __future__ import annotations

from typing import Any

from cards import models as ac
from cards import verbs
from cards.blocks import facts
from cards.elements import card, execute, heading, text
from cards.views import (
    LeaveChoice,
    MemberLeftView,
    SlotBookedView,
    SlotCollisionView,
    SlotDecisionView,
)


def slot_booked_card(view: SlotBookedView) -> dict[str, Any]:
    body: list[ac.Element] = [heading(view.title), text(view.intro), facts(view.facts)]
    if view.goal:
        body += [
            text(view.goal_heading, weight="Bolder", spacing="Medium"),
            text(view.goal, spacing="Small"),
        ]
    body.append(ac.Container(style="good", spacing="Medium", items=[text(view.protected_note)]))
    actions: list[ac.Action] = []
    if view.material_url and view.material_button:
        actions.append(ac.OpenUrlAction(title=view.material_button, url=view.material_url))
    if view.leave is not None:
        actions.append(leave_action(view.leave))
    return card(body, actions)


def leave_action(leave: LeaveChoice) -> ac.ShowCardAction:
    """Leave asks first, like Cancel in the plans list: the Yes button sends the ids."""
    confirm = ac.AdaptiveCard(
        version=None,  # the model's default; a ShowCard's card has none
        body=[text(leave.question)],
        actions=[execute(leave.confirm_button, verbs.PLAN_LEAVE, style="destructive",
                         plan_id=leave.plan_id, revision=leave.revision,
                         member_id=leave.member_id)],
    )
    return ac.ShowCardAction(title=leave.button, card=confirm)


def member_left_card(view: MemberLeftView) -> dict[str, Any]:
    """The owner's card when a member left their plan."""
    return card(
        [heading(view.title, size="Medium"), text(view.detail)],
        [execute(view.plans_button, verbs.PLANS_LIST)],
    )


def slot_collision_card(view: SlotCollisionView) -> dict[str, Any]:
    ids = {"plan_id": view.plan_id, "slot_id": view.slot_id, "occurrence_id": view.occurrence_id}
    body: list[ac.Element] = [heading(view.title, size="Medium")]
    if view.notice:
        body.append(text(view.notice, weight="Bolder", color="Attention"))
    if view.facts:
        body.append(facts(view.facts))
    actions: list[ac.Action] = [
        execute(move.button, verbs.SLOT_MOVE, style="positive" if n == 0 else None, **ids,
                move_to=move.move_to)
        for n, move in enumerate(view.moves)
    ]
    if not view.moves and view.no_move_note:
        body.append(text(view.no_move_note))
    if view.detail:
        body.append(text(view.detail))
    actions += [
        execute(view.keep_button, verbs.SLOT_KEEP, **ids),
        execute(view.skip_button, verbs.SLOT_SKIP, **ids),
    ]
    return card(body, actions)


def slot_decision_card(view: SlotDecisionView) -> dict[str, Any]:
    return card(
        [
            heading(view.title, size="Medium"),
            ac.Container(style="good" if view.good else "warning", items=[text(view.detail)]),
        ]
    )
