"""Presenters for the member's cards: slot booked, collision, and the answer to Move, Keep or
Skip, in the member's language (their chat's locale) and time zone (their mailbox's)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from cards import (
    Fact,
    SlotBookedView,
    SlotCollisionView,
    SlotDecisionView,
    Translator,
    slot_booked_card,
    slot_collision_card,
)
from teams_app.bot.presenters import CardRenderer, first_name
from teams_app.bot.zones import zone_label
from teams_app.domain.cadences import CadenceKind
from teams_app.domain.calendar import TimeSpan, Weekday
from teams_app.domain.conversations import ConversationRef
from teams_app.domain.learning_plans import PlanSpec
from teams_app.domain.messages import OutboundMessage
from teams_app.domain.occurrence_records import Decision, SlotRef
from teams_app.domain.occurrences import CollisionKind
from teams_app.use_cases.defend.decisions import OccurrenceDecided
from teams_app.use_cases.member_cards import CollisionFacts, SlotBookedFacts

_DAY_KEYS = {
    Weekday.MONDAY: "plan.day.mon",
    Weekday.TUESDAY: "plan.day.tue",
    Weekday.WEDNESDAY: "plan.day.wed",
    Weekday.THURSDAY: "plan.day.thu",
    Weekday.FRIDAY: "plan.day.fri",
    Weekday.SATURDAY: "plan.day.sat",
    Weekday.SUNDAY: "plan.day.sun",
}
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


def when(t: Translator, instant: datetime, zone: str) -> str:
    """"Tuesday 10 March, 10:00" in the member's zone and language."""
    local = instant.astimezone(ZoneInfo(zone))
    return t(
        "slot.when",
        weekday=t(_DAY_KEYS[Weekday.of(local.date())]),
        date=t(f"slot.month.{local.month}", day=local.day),
        time=local.strftime("%H:%M"),
    )


def weekly_when(t: Translator, span: TimeSpan, zone: str) -> str:
    """"Tuesday 10:00–11:00 (CET)": when a slot recurs, for the booked card (bot/zones.py)."""
    tz = ZoneInfo(zone)
    start, end = span.start.astimezone(tz), span.end.astimezone(tz)
    weekday = t(_DAY_KEYS[Weekday.of(start.date())])
    return f"{weekday} {start:%H:%M}–{end:%H:%M} ({zone_label(zone, span.start)})"


def cadence_label(t: Translator, spec: PlanSpec) -> str:
    cadence = spec.cadence
    if cadence.kind is CadenceKind.WEEKLY:
        if cadence.every == 1:
            return t("plan.cadence.weekly")
        return t("plan.cadence.weeks", count=cadence.every)
    if cadence.kind is CadenceKind.MONTHLY_RELATIVE and cadence.week is not None:
        return t(f"plan.cadence.monthly.{cadence.week.value}")
    return t("slot.cadence.monthly.day", day=cadence.day_of_month or 1)


def booked_view(t: Translator, facts: SlotBookedFacts) -> SlotBookedView:
    spec, zone = facts.plan.spec, facts.slot.time_zone
    rows: list[Fact] = []
    if facts.first is not None:
        rows += [
            Fact(t("slot.booked.when"), weekly_when(t, facts.first, zone)),
            Fact(t("slot.booked.how_often"), cadence_label(t, spec)),
            Fact(t("slot.booked.first"), when(t, facts.first.start, zone)),
        ]
    else:
        rows.append(Fact(t("slot.booked.how_often"), cadence_label(t, spec)))
    by_someone_else = facts.owner_name and facts.plan.owner_id != facts.slot.member_id
    intro = (
        t("slot.booked.intro", name=first_name(facts.owner_name or ""))
        if by_someone_else
        else t("slot.booked.intro.anonymous")  # nobody else set it aside: no name to thank
    )
    material = spec.material_url
    return SlotBookedView(
        title=t("slot.booked.title"),
        intro=intro,
        facts=tuple(rows),
        goal_heading=t("slot.booked.goal"),
        goal=spec.goal.strip() or None,
        protected_note=t("slot.booked.protected"),
        material_button=t("slot.booked.material") if material else None,
        material_url=material,
    )


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
    move = facts.move_to
    notice = t(f"slot.problem.{facts.notice}") if facts.notice else None
    return SlotCollisionView(
        plan_id=facts.slot.plan_id,
        slot_id=slot_id(facts.slot),
        occurrence_id=facts.occurrence_key,
        title=title,
        detail=t("slot.collision.detail" if move else "slot.collision.detail.no_move"),
        move_button=t("slot.collision.move", when=when(t, move.start, facts.time_zone))
        if move
        else None,
        move_to=move.start.strftime("%Y-%m-%dT%H:%M:%SZ") if move else None,
        # After a failed answer the notice says why; "no free time" would be a guess.
        no_move_note=None if notice else t("slot.collision.no_free_time"),
        keep_button=t("slot.collision.restore" if facts.restore else "slot.collision.keep"),
        skip_button=t("slot.collision.skip"),
        notice=notice,
    )


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


class SlotCardRenderer:
    """The member-card renderer the card jobs use (use_cases.member_cards.MemberCardRenderer)."""

    def __init__(self, cards: CardRenderer) -> None:
        self._cards = cards

    def slot_booked(self, facts: SlotBookedFacts, ref: ConversationRef) -> OutboundMessage:
        t = self._cards.translator(ref.locale)
        view = booked_view(t, facts)
        return OutboundMessage(card=slot_booked_card(view), summary=view.title)

    def slot_collision(self, facts: CollisionFacts, ref: ConversationRef) -> OutboundMessage:
        t = self._cards.translator(ref.locale)
        view = collision_view(t, facts)
        return OutboundMessage(card=slot_collision_card(view), summary=view.title)
