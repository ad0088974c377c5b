"""Delivering a card to one plan member, shared by the capabilities that send member cards
(plans: "your learning time is booked"; defend: "your learning time collides with ...").

The card speaks the person's language (use_cases/languages.py), not the language of whatever
turn queued it. Delivery is checked against the delivery log (a retried job does not send
twice). A person the bot cannot reach (use_cases/reach.py tries their chat, then installing
the app for them) costs a card: that is recorded once as a card miss with the reason, which the
plan's owner sees, and the job ends instead of retrying.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from teams_app.domain.bookings import BookedSlot, SlotState
from teams_app.domain.learning_plans import LearningPlan, PlanStatus
from teams_app.domain.messages import OutboundMessage
from teams_app.domain.occurrence_records import SlotRef
from teams_app.domain.reach import Unreachable
from teams_app.ports import RecipientUnreachable
from teams_app.use_cases.reach import PersonalChats


class CardOutcome(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already_sent"
    UNREACHABLE = "unreachable"  # recorded as a card miss with the reason, for the owner
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
    render: Callable[[str | None], OutboundMessage],
    *,
    chats: PersonalChats,
    recipient: str | None = None,
) -> CardOutcome:
    """`recipient` is the member of `slot` unless given: the owner, for a card about a member.
    `render` makes the card in a locale (None: the default language). A miss is recorded under
    the plan for the recipient, with why they cannot be reached."""
    async with chats.uow() as tx:
        sent = await tx.deliveries.find(key)
    if sent is not None:
        return CardOutcome.ALREADY_SENT
    person = recipient or slot.member_id
    missed = SlotRef(slot.plan_id, person, slot.revision)
    chat = await chats.reach(person)
    if isinstance(chat, Unreachable):
        return await _missed(chats, key, missed, chat)
    message = render(await chats.languages.locale_of(person))
    try:
        activity_id = await chats.messenger.send(chat, message)
    except RecipientUnreachable:
        await chats.gone(person)
        return await _missed(chats, key, missed, Unreachable.UNINSTALLED)
    async with chats.uow() as tx:
        await tx.deliveries.record(key, chat.conversation_id, activity_id, at=chats.clock.now())
        await tx.commit()
    return CardOutcome.SENT


async def _missed(
    chats: PersonalChats, key: str, slot: SlotRef, reason: Unreachable
) -> CardOutcome:
    async with chats.uow() as tx:
        await tx.occurrences.record_card_miss(key, slot, reason.value, at=chats.clock.now())
        await tx.commit()
    return CardOutcome.UNREACHABLE
