"""Starting a reflection round: from a meeting's end, a kept learning session, `reflect` in a
chat or the CLI. One round per source (a unique key: Teams repeats end events, late or twice);
the round's participants are stored in the same transaction that queues the fan-out (each
person's card and reminder) and the close (the summary) at the end of the window."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import structlog

from teams_app.domain.conversations import ConversationKind
from teams_app.domain.reflections.rounds import (
    MAX_PARTICIPANTS,
    REFLECTION_FORM,
    NoParticipants,
    Round,
    RoundSpec,
    Source,
)
from teams_app.ports import (
    Clock,
    FormCatalog,
    Messenger,
    RecipientUnreachable,
    UnitOfWorkFactory,
)
from teams_app.use_cases.reflections.errors import (
    ChatGone,
    MissingForm,
    NotAGroupChat,
    RoundAlreadyOpen,
    UnknownChat,
)

log = structlog.get_logger()

FAN_OUT = "reflection.fan_out"  # payload: round_id
SEND = "reflection.send"  # payload: round_id, person_id, reminder (0: the card, 1: reminder)
CLOSE = "reflection.close"  # payload: round_id; at the end of the window
CLOSE_DUE = "reflection.close_due"  # periodic: closes any round whose close job was missed


def round_payload(round_id: str) -> dict[str, Any]:
    return {"round_id": round_id}


@dataclass(frozen=True)
class StartRound:
    source: Source
    source_key: str
    conversation_id: str | None
    organiser_id: str | None
    people: Sequence[str]
    spec: RoundSpec = RoundSpec()


@dataclass(frozen=True)
class RoundStarted:
    round: Round
    new: bool  # False: this source had its round already (a repeated end event)
    asked: int
    left_out: int = 0  # past the largest meeting Teams holds


async def start_round(
    cmd: StartRound, *, uow: UnitOfWorkFactory, forms: FormCatalog, clock: Clock,
    new_id: Callable[[], str],
) -> RoundStarted:
    async with uow(read_only=True) as tx:
        known = await tx.reflections.round_by_source(cmd.source_key)
    if known is not None:
        return RoundStarted(known, new=False, asked=0)
    people = list(dict.fromkeys(p for p in cmd.people if p))
    if not people:
        raise NoParticipants(cmd.source_key)
    left_out = max(0, len(people) - MAX_PARTICIPANTS)
    people = people[:MAX_PARTICIPANTS]
    form = await forms.get(REFLECTION_FORM)
    if form is None:
        raise MissingForm(REFLECTION_FORM)
    rnd = Round.start(
        id=new_id(), source=cmd.source, source_key=cmd.source_key,
        conversation_id=cmd.conversation_id, organiser_id=cmd.organiser_id,
        form_key=form.key, form_version=form.version, spec=cmd.spec, at=clock.now(),
    )
    async with uow() as tx:
        if not await tx.reflections.add_round(rnd):
            # Another end event of the same meeting won the race.
            existing = await tx.reflections.round_by_source(cmd.source_key)
            if existing is None:
                raise RuntimeError("round key taken but not found")
            return RoundStarted(existing, new=False, asked=0)
        asked = await tx.reflections.add_participants(rnd.id, people)
        await tx.jobs.enqueue(FAN_OUT, round_payload(rnd.id),
                              idempotency_key=f"{FAN_OUT}:{rnd.id}")
        await tx.jobs.enqueue(CLOSE, round_payload(rnd.id), run_at=rnd.closes_at,
                              idempotency_key=f"{CLOSE}:{rnd.id}")
        await tx.commit()
    log.info("reflection_round_started", round_id=rnd.id, source=rnd.source.value,
             asked=asked, left_out=left_out)
    return RoundStarted(rnd, new=True, asked=asked, left_out=left_out)


@dataclass(frozen=True)
class StartInChat:
    """A round for the people of a chat or channel the bot is in. `source_key` None: a round
    on demand, refused while another is open in the same chat."""

    conversation_id: str
    source: Source
    organiser_id: str | None
    source_key: str | None = None
    spec: RoundSpec = RoundSpec()


async def start_round_in_chat(
    cmd: StartInChat, *, uow: UnitOfWorkFactory, messenger: Messenger, forms: FormCatalog,
    clock: Clock, new_id: Callable[[], str],
) -> RoundStarted:
    async with uow(read_only=True) as tx:
        chat = await tx.conversations.get(cmd.conversation_id)
        already = None if cmd.source_key else await tx.reflections.open_round_in(
            cmd.conversation_id)
    if chat is None:
        raise UnknownChat(cmd.conversation_id)
    if chat.kind is ConversationKind.PERSONAL:
        raise NotAGroupChat(cmd.conversation_id)
    if already is not None and already.is_open(clock.now()):
        raise RoundAlreadyOpen(already)
    if cmd.source_key is not None:
        async with uow(read_only=True) as tx:
            known = await tx.reflections.round_by_source(cmd.source_key)
        if known is not None:  # a repeated end event: no second call to Teams either
            return RoundStarted(known, new=False, asked=0)
    try:
        members = await messenger.members(chat)
    except RecipientUnreachable:
        raise ChatGone(cmd.conversation_id) from None
    round_id = new_id()
    key = cmd.source_key or f"{cmd.source.value}:{cmd.conversation_id}:{round_id}"
    return await start_round(
        StartRound(cmd.source, key, cmd.conversation_id, cmd.organiser_id,
                   [m.user_id for m in members], cmd.spec),
        uow=uow, forms=forms, clock=clock, new_id=lambda: round_id,
    )
