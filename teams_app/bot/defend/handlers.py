"""Bot handlers for the member's answer on a collision card: Move, Keep, Skip (Action.Execute).

Each invoke is answered with the card as it should look now: what happened, or, when nothing
could be done, the collision card again with the reason, so the member can answer again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import structlog
from microsoft_agents.hosting.core import TurnContext

from cards import Translator, slot_collision_card, slot_decision_card
from teams_app.bot.defend import presenters as present
from teams_app.bot.routing import translator_of
from teams_app.domain.calendar import TimeSpan
from teams_app.domain.occurrence_records import Decision
from teams_app.ports import (
    GraphForbidden,
    GraphNotFound,
    GraphThrottled,
    GraphUnavailable,
)
from teams_app.ports.services import Services
from teams_app.use_cases.defend.collision_cards import CollisionFacts
from teams_app.use_cases.defend.decisions import (
    DecideOccurrence,
    MoveTargetInvalid,
    MoveTargetTaken,
    NotYourSlot,
    StaleCard,
    card_for,
    decide_occurrence,
)

log = structlog.get_logger()

_MAX_ID = 200
_GRAPH_PROBLEMS: tuple[tuple[type[Exception], str], ...] = (
    (GraphForbidden, "forbidden"),
    (GraphNotFound, "gone"),
    (GraphThrottled, "busy"),
    (GraphUnavailable, "busy"),
)


def parse_answer(data: Any, decision: Decision, *, sender: str) -> DecideOccurrence:
    """The card's data: plan_id, slot_id, occurrence_id (+ move_to). Raises ValueError when
    an id is missing or malformed; a bad move_to arrives as None for the use case to refuse."""
    if not isinstance(data, dict):
        raise ValueError("card data is an object")
    fields: dict[str, str] = {}
    for name in ("plan_id", "slot_id", "occurrence_id"):
        value = data.get(name)  # type: ignore[union-attr]
        if not isinstance(value, str) or not value.strip() or len(value) > _MAX_ID:
            raise ValueError(f"{name} is missing")
        fields[name] = value.strip()
    slot = present.parse_slot_id(fields["plan_id"], fields["slot_id"])
    move_to = None
    if decision is Decision.MOVED:
        move_to = _instant(data.get("move_to"))  # type: ignore[union-attr]
    return DecideOccurrence(slot, fields["occurrence_id"], decision, sender, move_to)


def _instant(value: object) -> datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


async def on_move(context: TurnContext, services: Services, data: Any) -> dict[str, Any]:
    return await answer(context, services, Decision.MOVED, data)


async def on_keep(context: TurnContext, services: Services, data: Any) -> dict[str, Any]:
    return await answer(context, services, Decision.KEPT, data)


async def on_skip(context: TurnContext, services: Services, data: Any) -> dict[str, Any]:
    return await answer(context, services, Decision.SKIPPED, data)


async def answer(
    context: TurnContext, services: Services, decision: Decision, data: Any
) -> dict[str, Any]:
    t = translator_of(context, services)
    sender = context.activity.from_property
    # Only the directory id can own a slot; a sender without one owns none.
    by = (sender.aad_object_id if sender is not None else None) or ""
    try:
        cmd = parse_answer(data, decision, sender=by)
    except ValueError:
        return slot_decision_card(present.stale_view(t, "unknown"))
    if services.calendar is None:
        return slot_decision_card(present.problem_view(t, "busy"))
    try:
        decided = await decide_occurrence(
            cmd, uow=services.uow, calendar=services.calendar, clock=services.clock
        )
    except NotYourSlot:
        return slot_decision_card(present.problem_view(t, "not_yours"))
    except StaleCard as stale:
        return slot_decision_card(present.stale_view(t, stale.reason))
    except MoveTargetTaken as taken:
        return _collision(t, taken.card)
    except MoveTargetInvalid:
        return await _again(services, t, cmd, "invalid")
    except (GraphForbidden, GraphNotFound, GraphThrottled, GraphUnavailable) as error:
        problem = next(code for kind, code in _GRAPH_PROBLEMS if isinstance(error, kind))
        log.warning("slot_answer_failed", decision=decision.value, problem=problem)
        return await _again(services, t, cmd, problem)
    log.info("slot_answered", plan_id=cmd.slot.plan_id, decision=decision.value)
    return slot_decision_card(present.decision_view(t, decided))


async def _again(
    services: Services, t: Translator, cmd: DecideOccurrence, notice: str
) -> dict[str, Any]:
    """The collision card once more, saying why nothing changed."""
    try:
        facts = await card_for(cmd.slot, cmd.occurrence_key, uow=services.uow, clock=services.clock)
    except StaleCard as stale:
        return slot_decision_card(present.stale_view(t, stale.reason))
    moves: tuple[TimeSpan, ...] = ()
    if cmd.move_to is not None and notice != "invalid":  # Outlook failed: offer it again
        moves = (TimeSpan(cmd.move_to, cmd.move_to + facts.span.duration),)
    return _collision(t, replace(facts, notice=notice, moves=moves))


def _collision(t: Translator, facts: CollisionFacts) -> dict[str, Any]:
    return slot_collision_card(present.collision_view(t, facts))
