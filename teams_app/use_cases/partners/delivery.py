"""Delivering a partner card to one person. A plan's card goes as every member card does, its
miss counted under the plan for the owner (use_cases/member_cards.py). A round's card takes the
same reach path (their chat, else the app installed through Graph, else why not) and hands the
miss back, for the caller to count on the round's pairing where the organiser sees it."""

from __future__ import annotations

from collections.abc import Callable

from teams_app.domain.messages import OutboundMessage
from teams_app.domain.occurrence_records import SlotRef
from teams_app.domain.partners import Pairing
from teams_app.domain.reach import Unreachable
from teams_app.ports import RecipientUnreachable
from teams_app.use_cases.member_cards import CardOutcome, deliver_member_card
from teams_app.use_cases.reach import PersonalChats


async def deliver_partner_card(
    pairing: Pairing, person_id: str, key: str, render: Callable[[str | None], OutboundMessage],
    *, chats: PersonalChats, plan_revision: int = 0,
) -> tuple[CardOutcome, Unreachable | None]:
    if pairing.plan_id is not None:
        outcome = await deliver_member_card(SlotRef(pairing.plan_id, person_id, plan_revision),
                                            key, render, chats=chats)
        return outcome, None
    async with chats.uow() as tx:
        if await tx.deliveries.find(key) is not None:
            return CardOutcome.ALREADY_SENT, None
    chat = await chats.reach(person_id)
    if isinstance(chat, Unreachable):
        return CardOutcome.UNREACHABLE, chat
    message = render(await chats.languages.locale_of(person_id))
    try:
        activity_id = await chats.messenger.send(chat, message)
    except RecipientUnreachable:
        await chats.gone(person_id)
        return CardOutcome.UNREACHABLE, Unreachable.UNINSTALLED
    async with chats.uow() as tx:
        await tx.deliveries.record(key, chat.conversation_id, activity_id, at=chats.clock.now())
        await tx.commit()
    return CardOutcome.SENT, None
