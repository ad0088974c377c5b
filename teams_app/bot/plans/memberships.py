"""Presenters for a member's side of a plan: the plans they are in (below their own in the
plans list), their Leave button with its confirmation, and the owner's card when a member
left. Times are in the member's own zone (their slot's), in the reader's language."""

from __future__ import annotations

from collections.abc import Sequence

from cards import (
    MAX_PLANS,
    LeaveChoice,
    MemberLeftView,
    MemberPlanSummary,
    MembershipsView,
    Translator,
    member_left_card,
)
from teams_app.bot.formatting import decimal, hours_of
from teams_app.bot.plans.presenters import more
from teams_app.bot.slot_texts import cadence_label, weekly_when, when
from teams_app.domain.learning_plans import LearningPlan
from teams_app.domain.messages import OutboundMessage
from teams_app.domain.occurrences import Tally
from teams_app.ports.services import CardRenderer
from teams_app.use_cases.plans.leaving import MemberLeftFacts
from teams_app.use_cases.plans.reports import MembershipReport


def leave_choice(t: Translator, plan: LearningPlan, member_id: str) -> LeaveChoice:
    return LeaveChoice(
        plan_id=plan.id,
        revision=plan.revision,
        member_id=member_id,
        button=t("plans.leave"),
        question=t("plans.leave.question"),
        confirm_button=t("plans.leave.confirm"),
    )


def memberships_view(
    t: Translator, reports: Sequence[MembershipReport]
) -> MembershipsView | None:
    if not reports:
        return None
    return MembershipsView(
        title=t("plans.members.title"),
        plans=tuple(_membership(t, r) for r in reports[:MAX_PLANS]),
        more=more(t, len(reports), MAX_PLANS),
    )


def _membership(t: Translator, report: MembershipReport) -> MemberPlanSummary:
    spec, slot = report.plan.spec, report.slot
    cadence = cadence_label(t, spec)
    upcoming = report.next_session
    return MemberPlanSummary(
        title=spec.goal.strip() or t("plans.untitled"),
        when=(f"{weekly_when(t, upcoming, slot.time_zone)} · {cadence}" if upcoming
              else cadence),
        next_session=(t("plans.member.next", when=when(t, upcoming.start, slot.time_zone))
                      if upcoming else None),
        hours=hours_text(t, report.hours),
        leave=leave_choice(t, report.plan, report.member_id),
    )


def hours_text(t: Translator, hours: Tally) -> str:
    """"1.5 of 2 hours kept · 6 hours booked ahead": the member's own sessions."""
    kept, due, ahead = hours_of(hours.kept), hours_of(hours.due), hours_of(hours.upcoming)
    parts = [t("plans.hours", kept=decimal(t, kept), booked=decimal(t, due)) if due
             else t("plans.hours.none")]
    if ahead:
        parts.append(t("plans.member.ahead", hours=decimal(t, ahead)))
    return " · ".join(parts)


def member_left_view(t: Translator, facts: MemberLeftFacts) -> MemberLeftView:
    goal = facts.plan.spec.goal.strip() or t("plans.untitled")
    return MemberLeftView(
        title=t("member_left.title", name=facts.member_name or t("member_left.unnamed"),
                goal=goal),
        detail=t("member_left.detail"),
        plans_button=t("member_left.plans"),
    )


class MemberLeftCardRenderer:
    """The renderer the owner's "member left" card job uses (use_cases.plans.leaving)."""

    def __init__(self, cards: CardRenderer) -> None:
        self._cards = cards

    def member_left(self, facts: MemberLeftFacts, locale: str | None) -> OutboundMessage:
        view = member_left_view(self._cards.translator(locale), facts)
        return OutboundMessage(card=member_left_card(view), summary=view.title)
