"""The member's "your learning time is booked" card, in their language and time zone."""

from __future__ import annotations

from cards import Fact, SlotBookedView, Translator, slot_booked_card
from teams_app.bot.plans.memberships import leave_choice
from teams_app.bot.presenters import first_name
from teams_app.bot.slot_texts import cadence_label, weekly_when, when
from teams_app.domain.messages import OutboundMessage
from teams_app.ports.services import CardRenderer
from teams_app.use_cases.plans.booked_cards import SlotBookedFacts


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
        leave=leave_choice(t, facts.plan, facts.slot.member_id),
    )


class BookedCardRenderer:
    """The renderer the slot-booked card job uses (use_cases.plans.booked_cards)."""

    def __init__(self, cards: CardRenderer) -> None:
        self._cards = cards

    def slot_booked(self, facts: SlotBookedFacts, locale: str | None) -> OutboundMessage:
        t = self._cards.translator(locale)
        view = booked_view(t, facts)
        return OutboundMessage(card=slot_booked_card(view), summary=view.title)
