"""Bot handlers for the member's answer on a collision card: Move, Keep, Skip (Action.Execute).

Each invoke is answered with the card as it should look now: what happened, or, when nothing
could be done, the collision card again with the reason, so the member can answer again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from http import HTTPStatus
from typing import Any

import structlog
from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    AdaptiveCardInvokeResponse,
    Attachment,
)
from microsoft_agents.hosting.core import AgentApplication, TurnContext, TurnState

from cards import Translator, slot_collision_card, slot_decision_card, verbs
from cards.elements import CONTENT_TYPE as ADAPTIVE_CARD
from teams_app.bot.defend import presenters as present
from teams_app.domain.calendar import TimeSpan
from teams_app.domain.occurrence_records import Decision
from teams_app.ports import (
    GraphForbidden,
    GraphNotFound,
    GraphThrottled,
    GraphUnavailable,
)
from teams_app.ports.services import Services
from teams_app.use_cases.defend.decisions import (
    DecideOccurrence,
    MoveTargetInvalid,
    MoveTargetTaken,
    NotYourSlot,
    StaleCard,
    card_for,
    decide_occurrence,
)
from teams_app.use_cases.member_cards import CollisionFacts

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


def register(app: AgentApplication[TurnState], services: Services) -> None:
    def respond(card: dict[str, Any]) -> AdaptiveCardInvokeResponse:
        return AdaptiveCardInvokeResponse(
            status_code=HTTPStatus.OK, type=ADAPTIVE_CARD, value=card
        )

    async def again(t: Translator, cmd: DecideOccurrence, notice: str) -> dict[str, Any]:
        """The collision card once more, saying why nothing changed."""
        try:
            facts = await card_for(
                cmd.slot, cmd.occurrence_key, uow=services.uow, clock=services.clock
            )
        except StaleCard as stale:
            return slot_decision_card(present.stale_view(t, stale.reason))
        move_to = None
        if cmd.move_to is not None and notice != "invalid":  # Outlook failed: offer it again
            move_to = TimeSpan(cmd.move_to, cmd.move_to + facts.span.duration)
        return collision(t, replace(facts, notice=notice, move_to=move_to))

    def collision(t: Translator, facts: CollisionFacts) -> dict[str, Any]:
        return slot_collision_card(present.collision_view(t, facts))

    async def answer(context: TurnContext, decision: Decision, data: Any) -> dict[str, Any]:
        t = services.renderer.translator(context.activity.locale)
        sender = context.activity.from_property
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
            return collision(t, taken.card)
        except MoveTargetInvalid:
            return await again(t, cmd, "invalid")
        except (GraphForbidden, GraphNotFound, GraphThrottled, GraphUnavailable) as error:
            problem = next(code for kind, code in _GRAPH_PROBLEMS if isinstance(error, kind))
            log.warning("slot_answer_failed", decision=decision.value, problem=problem)
            return await again(t, cmd, problem)
        log.info("slot_answered", plan_id=cmd.slot.plan_id, decision=decision.value)
        return slot_decision_card(present.decision_view(t, decided))

    @app.adaptive_card.action_execute(verbs.SLOT_MOVE)
    async def on_slot_move(
        context: TurnContext, _state: TurnState, data: Any
    ) -> AdaptiveCardInvokeResponse:
        return respond(await answer(context, Decision.MOVED, data))

    @app.adaptive_card.action_execute(verbs.SLOT_KEEP)
    async def on_slot_keep(
        context: TurnContext, _state: TurnState, data: Any
    ) -> AdaptiveCardInvokeResponse:
        return respond(await answer(context, Decision.KEPT, data))

    @app.adaptive_card.action_execute(verbs.SLOT_SKIP)
    async def on_slot_skip(
        context: TurnContext, _state: TurnState, data: Any
    ) -> AdaptiveCardInvokeResponse:
        return respond(await answer(context, Decision.SKIPPED, data))

    # Clients without Universal Actions press the Action.Submit fallback: the same answer
    # arrives as a message, and the card with what happened follows as a new message.
    async def reply(context: TurnContext, decision: Decision, data: Any) -> None:
        card = await answer(context, decision, data)
        await context.send_activity(
            Activity(
                type=ActivityTypes.message,
                attachments=[Attachment(content_type=ADAPTIVE_CARD, content=card)],
            )
        )

    @app.adaptive_card.action_submit(verbs.SLOT_MOVE)
    async def on_slot_move_submit(context: TurnContext, _state: TurnState, data: Any) -> None:
        await reply(context, Decision.MOVED, data)

    @app.adaptive_card.action_submit(verbs.SLOT_KEEP)
    async def on_slot_keep_submit(context: TurnContext, _state: TurnState, data: Any) -> None:
        await reply(context, Decision.KEPT, data)

    @app.adaptive_card.action_submit(verbs.SLOT_SKIP)
    async def on_slot_skip_submit(context: TurnContext, _state: TurnState, data: Any) -> None:
        await reply(context, Decision.SKIPPED, data)
