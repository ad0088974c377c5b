"""Delivering a card to one plan member, shared by the capabilities that send member cards
(plans: "your learning time is booked"; defend: "your learning time collides with ...").

Delivery is checked against the delivery log (a retried job does not send twice). A member
without a chat with the bot (the app is not installed for them) cannot be reached: that is
recorded once as a card miss, which the plan's owner sees, and the job ends instead of retrying.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from teams_app.domain.bookings import BookedSlot, SlotState
from teams_app.domain.conversations import ConversationRef
from teams_app.domain.learning_plans import LearningPlan, PlanStatus
from teams_app.domain.messages import OutboundMessage
from teams_app.domain.occurrence_records import SlotRef
from teams_app.ports import Clock, Messenger, RecipientUnreachable, UnitOfWork


class CardOutcome(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already_sent"
    NO_CHAT = "no_chat"  # recorded as a card miss for the plan's owner
    UNREACHABLE = "unreachable"  # Teams refused the chat for good; recorded as a miss
    STALE = "stale"  # the plan, slot or session changed since the job was queued


def slot_is_current(plan: LearningPlan | None, slot: BookedSlot | None, revision: int) -> bool:
    return (
        plan is not None
        and slot is not None
        and plan.status is PlanStatus.ACTIVE
        and plan.revision == revision
        and slot.state is SlotState.BOOKED
    )


async def deliver_member_card(
    slot: SlotRef,
    key: str,
    render: Callable[[ConversationRef], OutboundMessage],
    *,
    uow: Callable[[], UnitOfWork],
    messenger: Messenger,
    clock: Clock,
    recipient: str | None = None,
) -> CardOutcome:
    """`recipient` is the member of `slot` unless given: the owner, for a card about a member
    (a miss is still recorded under the member's slot, which the owner's view reads)."""
    async with uow() as tx:
        chat = await tx.conversations.personal_chat_of(recipient or slot.member_id)
        sent = await tx.deliveries.find(key)
        if chat is None:
            await tx.occurrences.record_card_miss(key, slot, CardOutcome.NO_CHAT, at=clock.now())
            await tx.commit()
            return CardOutcome.NO_CHAT
    if sent is not None:
        return CardOutcome.ALREADY_SENT
    try:
        activity_id = await messenger.send(chat, render(chat))
    except RecipientUnreachable:
        async with uow() as tx:
            await tx.occurrences.record_card_miss(
                key, slot, CardOutcome.UNREACHABLE, at=clock.now()
            )
            await tx.commit()
        return CardOutcome.UNREACHABLE
    async with uow() as tx:
        await tx.deliveries.record(key, chat.conversation_id, activity_id, at=clock.now())
        await tx.commit()
    return CardOutcome.SENT
