"""Presenters for the member's collision card (in their language, use_cases/languages.py) and
the answer to Move, Keep or Skip (in the turn's), in the time zone of their mailbox."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from cards import (
    Fact,
    MoveChoice,
    SlotCollisionView,
    SlotDecisionView,
    Translator,
    slot_collision_card,
)
from teams_app.bot.formatting import time_of_day
from teams_app.bot.slot_texts import when
from teams_app.domain.messages import OutboundMessage
from teams_app.domain.occurrence_records import Decision, SlotRef
from teams_app.domain.occurrences import CollisionKind
from teams_app.ports.services import CardRenderer
from teams_app.use_cases.defend.collision_cards import CollisionFacts
from teams_app.use_cases.defend.decisions import OccurrenceDecided

_TITLES = {
    CollisionKind.DECLINED: "slot.collision.declined",
    CollisionKind.MOVED: "slot.collision.moved",
    CollisionKind.DELETED: "slot.collision.deleted",
}


def slot_id(slot: SlotRef) -> str:
    """What a card's `slot_id` carries: revision and member (the plan id travels beside it)."""
    return f"{slot.revision}:{slot.member_id}"


def parse_slot_id(plan_id: str, value: str) -> SlotRef:
    revision, _, member_id = value.partition(":")
    if not revision.isdigit() or not member_id:
        raise ValueError("slot_id is <revision>:<member id>")
    return SlotRef(plan_id, member_id, int(revision))


def collision_view(t: Translator, facts: CollisionFacts) -> SlotCollisionView:
    at = when(t, facts.span.start, facts.time_zone)
    if facts.kind is CollisionKind.OVERLAPPED:
        title = (
            t("slot.collision.overlap", when=at, subject=facts.subject)
            if facts.subject
            else t("slot.collision.overlap.unknown", when=at)
        )
    else:
        title = t(_TITLES[facts.kind], when=at)
    notice = t(f"slot.problem.{facts.notice}") if facts.notice else None
    return SlotCollisionView(
        plan_id=facts.slot.plan_id,
        slot_id=slot_id(facts.slot),
        occurrence_id=facts.occurrence_key,
        title=title,
        detail=t(_detail_key(facts)),
        moves=tuple(
            MoveChoice(
                t("slot.collision.move", when=when(t, move.start, facts.time_zone)),
                move.start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            )
            for move in facts.moves
        ),
        # After a failed answer the notice says why; "no free time" would be a guess.
        no_move_note=None if notice or facts.attendee else t("slot.collision.no_free_time"),
        keep_button=t("slot.collision.restore" if facts.restore else "slot.collision.keep"),
        skip_button=t("slot.collision.skip.team" if facts.team else "slot.collision.skip"),
        notice=notice,
        facts=_collision_facts(t, facts),
    )


def _detail_key(facts: CollisionFacts) -> str:
    if facts.team:
        return "slot.collision.detail.team"
    if facts.attendee:
        return "slot.collision.detail.attendee"
    return "slot.collision.detail" if facts.moves else "slot.collision.detail.no_move"


def _collision_facts(t: Translator, facts: CollisionFacts) -> tuple[Fact, ...]:
    """Which plan the session belongs to, and what it collides with and when."""
    shown: list[Fact] = []
    if facts.goal:
        shown.append(Fact(t("slot.collision.plan"), facts.goal))
    if facts.colliding is not None:
        end = time_of_day(t, facts.colliding.end.astimezone(ZoneInfo(facts.time_zone)).time())
        span = t("slot.collision.meeting.when",
                 when=when(t, facts.colliding.start, facts.time_zone), end=end)
        value = (t("slot.collision.meeting.named", subject=facts.subject, when=span)
                 if facts.subject else span)
        shown.append(Fact(t("slot.collision.meeting"), value))
    return tuple(shown)


def decision_view(t: Translator, decided: OccurrenceDecided) -> SlotDecisionView:
    at = when(t, decided.span.start, decided.time_zone)
    if decided.decision is Decision.MOVED:
        name = "moved"
    elif decided.decision is Decision.SKIPPED:
        name = "skipped"
    else:
        name = "restored" if decided.restored else "kept"
    return SlotDecisionView(
        title=t(f"slot.decision.{name}.title", when=at),
        detail=t(f"slot.decision.{name}.detail"),
    )


def stale_view(t: Translator, reason: str) -> SlotDecisionView:
    detail = reason if reason in ("passed", "cancelled", "unknown") else "unknown"
    return SlotDecisionView(t("slot.stale.title"), t(f"slot.stale.{detail}"), good=False)


def problem_view(t: Translator, problem: str) -> SlotDecisionView:
    """A refusal that leaves the session as it was (not yours)."""
    return SlotDecisionView(t("slot.stale.title"), t(f"slot.problem.{problem}"), good=False)


class CollisionCardRenderer:
    """The renderer the collision card job uses (use_cases.defend.collision_cards)."""

    def __init__(self, cards: CardRenderer) -> None:
        self._cards = cards

    def slot_collision(self, facts: CollisionFacts, locale: str | None) -> OutboundMessage:
        t = self._cards.translator(locale)
        view = collision_view(t, facts)
        return OutboundMessage(card=slot_collision_card(view), summary=view.title)
