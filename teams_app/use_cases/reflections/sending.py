"""A round's cards: the fan-out queues every participant's card at once (the meeting has just
ended) and then their one reminder, halfway through the window moved into their working hours;
each send reaches the person through their personal chat (installing the app through Graph
where allowed) or records why it cannot. Jobs carry ids only and may run twice: a card is sent
once per delivery key."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

import structlog

from teams_app.domain.forms.definitions import Form
from teams_app.domain.messages import OutboundMessage
from teams_app.domain.reach import Unreachable
from teams_app.domain.reflections.rounds import Round, halfway, reminder_at
from teams_app.ports import Calendar, Clock, FormCatalog, RecipientUnreachable, UnitOfWorkFactory
from teams_app.use_cases.reach import PersonalChats
from teams_app.use_cases.reflections.starting import SEND
from teams_app.use_cases.working_hours import working_weeks

log = structlog.get_logger()


def send_payload(round_id: str, person_id: str, reminder: int = 0) -> dict[str, Any]:
    return {"round_id": round_id, "person_id": person_id, "reminder": reminder}


def send_key(round_id: str, person_id: str, reminder: int = 0) -> str:
    return f"{SEND}:{round_id}:{person_id}:{reminder}"


class ReflectionRenderer(Protocol):
    """The reflection card for one person in their language (bot/reflections/presenters.py);
    `recipient` is their Teams id, for the card's refresh."""

    def reflection_card(
        self, form: Form, rnd: Round, *, locale: str | None, recipient: str, reminder: int
    ) -> OutboundMessage: ...


@dataclass(frozen=True)
class FannedOut:
    cards: int
    reminders: int


async def fan_out_round(
    round_id: str, *, uow: UnitOfWorkFactory, calendar: Calendar | None, clock: Clock
) -> FannedOut:
    """Queues each participant's card now, then reads working hours for the reminders, so no
    card waits for the mailboxes of 300 people."""
    async with uow(read_only=True) as tx:
        rnd = await tx.reflections.round(round_id)
        people = [] if rnd is None else await tx.reflections.participants(round_id)
    if rnd is None or not rnd.is_open(clock.now()):
        return FannedOut(0, 0)
    waiting = [p.person_id for p in people if not p.answered]
    async with uow() as tx:
        for person in waiting:
            await tx.jobs.enqueue(SEND, send_payload(round_id, person),
                                  idempotency_key=send_key(round_id, person))
        await tx.commit()
    weeks = await working_weeks(waiting, calendar)
    reminders = 0
    async with uow() as tx:
        for person in waiting:
            at = reminder_at(rnd, weeks[person].send_instant(halfway(rnd)))
            if at is None:
                continue
            added = await tx.jobs.enqueue(SEND, send_payload(round_id, person, 1), run_at=at,
                                          idempotency_key=send_key(round_id, person, 1))
            reminders += added is not None
        await tx.commit()
    log.info("reflection_round_fanned_out", round_id=round_id, cards=len(waiting),
             reminders=reminders)
    return FannedOut(len(waiting), reminders)


class CardOutcome(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already_sent"
    NOT_NEEDED = "not_needed"  # answered, closed, or not a participant
    UNREACHABLE = "unreachable"  # kept on the participant with the reason


@dataclass(frozen=True)
class SendCard:
    round_id: str
    person_id: str
    reminder: int = 0


async def send_card(
    cmd: SendCard, *, chats: PersonalChats, forms: FormCatalog, renderer: ReflectionRenderer
) -> CardOutcome:
    async with chats.uow() as tx:
        rnd = await tx.reflections.round(cmd.round_id)
        participant = await tx.reflections.participant(cmd.round_id, cmd.person_id)
    now = chats.clock.now()
    if (rnd is None or participant is None or participant.answered or not rnd.is_open(now)
            or (cmd.reminder and (participant.sent_at is None or participant.reminded))):
        return CardOutcome.NOT_NEEDED
    form = await forms.get(rnd.form_key, rnd.form_version)
    if form is None:
        return CardOutcome.NOT_NEEDED
    key = send_key(rnd.id, cmd.person_id, cmd.reminder)
    async with chats.uow() as tx:
        if await tx.deliveries.find(key) is not None:
            return CardOutcome.ALREADY_SENT
    chat = await chats.reach(cmd.person_id)
    if isinstance(chat, Unreachable):
        return await _unreachable(chats, rnd, cmd.person_id, chat)
    user = chat.reference.get("user")
    recipient = str(user.get("id")) if isinstance(user, dict) and user.get("id") else (
        cmd.person_id)
    message = renderer.reflection_card(
        form, rnd, locale=await chats.languages.locale_of(cmd.person_id), recipient=recipient,
        reminder=cmd.reminder,
    )
    try:
        activity_id = await chats.messenger.send(chat, message)
    except RecipientUnreachable:
        await chats.gone(cmd.person_id)
        return await _unreachable(chats, rnd, cmd.person_id, Unreachable.UNINSTALLED)
    async with chats.uow() as tx:
        await tx.deliveries.record(key, chat.conversation_id, activity_id, at=now)
        if cmd.reminder:
            await tx.reflections.mark_reminded(rnd.id, cmd.person_id)
        else:
            await tx.reflections.mark_sent(rnd.id, cmd.person_id, at=now)
        await tx.commit()
    return CardOutcome.SENT


async def _unreachable(
    chats: PersonalChats, rnd: Round, person_id: str, reason: Unreachable
) -> CardOutcome:
    async with chats.uow() as tx:
        await tx.reflections.mark_unreachable(rnd.id, person_id, reason.value)
        await tx.commit()
    return CardOutcome.UNREACHABLE
