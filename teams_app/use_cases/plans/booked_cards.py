"""The "your learning time is booked" card: the booking job enqueues SLOT_BOOKED_CARD in the
transaction that marks the member's slot booked, so each card goes out once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from teams_app.domain.bookings import BookedSlot
from teams_app.domain.calendar import TimeSpan
from teams_app.domain.learning_plans import LearningPlan
from teams_app.domain.messages import OutboundMessage
from teams_app.domain.occurrence_records import SlotRef
from teams_app.domain.occurrences import expected_occurrences
from teams_app.ports import Clock, Directory, GraphError, UnitOfWork
from teams_app.use_cases.member_cards import CardOutcome, deliver_member_card, slot_is_current
from teams_app.use_cases.reach import PersonalChats

SLOT_BOOKED_CARD = "plans.slot_booked_card"  # job kind; payload: plan_id, member_id, revision


@dataclass(frozen=True)
class SendSlotBookedCard:
    plan_id: str
    member_id: str
    revision: int

    @property
    def delivery_key(self) -> str:
        return slot_booked_key(self.plan_id, self.revision, self.member_id)


@dataclass(frozen=True)
class SlotBookedFacts:
    """What the booked card says, before language and time zone."""

    plan: LearningPlan
    slot: BookedSlot
    first: TimeSpan | None  # the first session still ahead
    owner_name: str | None = field(default=None, repr=False)


class SlotBookedRenderer(Protocol):
    def slot_booked(self, facts: SlotBookedFacts, locale: str | None) -> OutboundMessage: ...


def slot_booked_key(plan_id: str, revision: int, member_id: str) -> str:
    return f"slot-booked:{plan_id}:{revision}:{member_id}"


async def send_slot_booked_card(
    cmd: SendSlotBookedCard,
    *,
    uow: Callable[[], UnitOfWork],
    chats: PersonalChats,
    renderer: SlotBookedRenderer,
    directory: Directory | None,
    clock: Clock,
) -> CardOutcome:
    async with uow() as tx:
        plan = await tx.plans.get(cmd.plan_id)
        slot = await tx.plans.slot(cmd.plan_id, cmd.member_id, cmd.revision)
    if not slot_is_current(plan, slot, cmd.revision) or plan is None or slot is None:
        return CardOutcome.STALE
    at = clock.now()
    upcoming = [
        o.span
        for o in expected_occurrences(plan.spec, slot.slot_time, since=slot.since)
        if o.span.end > at
    ]
    owner = None
    if directory is not None:
        try:
            owner = (await directory.user(plan.owner_id)).display_name
        except GraphError:
            owner = None  # the card says the same without the name
    facts = SlotBookedFacts(plan, slot, upcoming[0] if upcoming else None, owner)
    ref = SlotRef(cmd.plan_id, cmd.member_id, cmd.revision)
    return await deliver_member_card(
        ref, cmd.delivery_key, lambda locale: renderer.slot_booked(facts, locale),
        chats=chats,
    )
