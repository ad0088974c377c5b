"""Follow-ups: N days after a round, each person who named an action (in a named or private
reflection) is asked whether they applied it, inside their working hours; "not yet" may ask
again a week later, at most twice. Answers are named, so they go to the SharePoint outbox in
the answer's own transaction, one item per asking."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

import structlog

from teams_app.domain.forms.answers import AnswerSet, ChoiceAnswer, to_submitted, validate_answers
from teams_app.domain.forms.definitions import Form, FormKind
from teams_app.domain.messages import OutboundMessage
from teams_app.domain.reach import Unreachable
from teams_app.domain.reflections.follow_ups import (
    APPLIED,
    Applied,
    AppliedRate,
    FollowUp,
    FollowUpAnswered,
    FollowUpState,
    applied_rate,
)
from teams_app.domain.reflections.rounds import NotAParticipant
from teams_app.domain.results.items import response_fields
from teams_app.domain.results.lists import ListKind, results_list
from teams_app.ports import Calendar, Clock, FormCatalog, RecipientUnreachable, UnitOfWorkFactory
from teams_app.use_cases.reach import PersonalChats
from teams_app.use_cases.reflections.errors import MissingForm, UnknownFollowUp
from teams_app.use_cases.working_hours import working_weeks

log = structlog.get_logger()

FOLLOW_UP_FORM = "follow_up"
DUE = "reflection.follow_ups_due"  # periodic: queues the follow-ups that are due
SEND = "reflection.follow_up"  # payload: follow_up_id, ask


def send_payload(follow_up: FollowUp) -> dict[str, Any]:
    return {"follow_up_id": follow_up.id, "ask": follow_up.ask}


def send_key(follow_up: FollowUp) -> str:
    return f"{SEND}:{follow_up.id}:{follow_up.ask}"


async def queue_due_follow_ups(
    *, uow: UnitOfWorkFactory, calendar: Calendar | None, clock: Clock
) -> int:
    """Queues each follow-up that is due, at the person's next working moment."""
    now = clock.now()
    async with uow(read_only=True) as tx:
        due = await tx.reflections.due_follow_ups(before=now)
    if not due:
        return 0
    weeks = await working_weeks(sorted({f.person_id for f in due}), calendar)
    queued = 0
    async with uow() as tx:
        for follow_up in due:
            at = weeks[follow_up.person_id].send_instant(max(follow_up.due_at, now))
            added = await tx.jobs.enqueue(SEND, send_payload(follow_up), run_at=at,
                                          idempotency_key=send_key(follow_up))
            queued += added is not None
        await tx.commit()
    return queued


class FollowUpRenderer(Protocol):
    def follow_up(
        self, form: Form, follow_up: FollowUp, *, locale: str | None, recipient: str
    ) -> OutboundMessage: ...


class SendOutcome(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already_sent"
    NOT_NEEDED = "not_needed"
    UNREACHABLE = "unreachable"


async def send_follow_up(
    follow_up_id: str, ask: int, *, chats: PersonalChats, forms: FormCatalog,
    renderer: FollowUpRenderer,
) -> SendOutcome:
    async with chats.uow(read_only=True) as tx:
        follow_up = await tx.reflections.follow_up(follow_up_id)
    if follow_up is None or follow_up.ask != ask or follow_up.state is not FollowUpState.WAITING:
        return SendOutcome.NOT_NEEDED
    form = await forms.get(FOLLOW_UP_FORM)
    if form is None:
        return SendOutcome.NOT_NEEDED
    key = send_key(follow_up)
    async with chats.uow(read_only=True) as tx:
        if await tx.deliveries.find(key) is not None:
            return SendOutcome.ALREADY_SENT
    chat = await chats.reach(follow_up.person_id)
    if isinstance(chat, Unreachable):
        return await _unreachable(chats, follow_up)
    user = chat.reference.get("user")
    recipient = str(user.get("id")) if isinstance(user, dict) and user.get("id") else (
        follow_up.person_id)
    message = renderer.follow_up(form, follow_up, recipient=recipient,
                                 locale=await chats.languages.locale_of(follow_up.person_id))
    try:
        activity_id = await chats.messenger.send(chat, message)
    except RecipientUnreachable:
        await chats.gone(follow_up.person_id)
        return await _unreachable(chats, follow_up)
    async with chats.uow() as tx:
        await tx.deliveries.record(key, chat.conversation_id, activity_id, at=chats.clock.now())
        await tx.reflections.save_follow_up(replace(follow_up, state=FollowUpState.ASKED))
        await tx.commit()
    return SendOutcome.SENT


async def _unreachable(chats: PersonalChats, follow_up: FollowUp) -> SendOutcome:
    async with chats.uow() as tx:
        await tx.reflections.save_follow_up(replace(follow_up, state=FollowUpState.UNREACHABLE))
        await tx.commit()
    return SendOutcome.UNREACHABLE


@dataclass(frozen=True)
class AnswerFollowUp:
    follow_up_id: str
    person_id: str
    ask: int  # the asking the card was made for
    form_key: str
    form_version: int
    submitted: Mapping[str, object] = field(repr=False)


@dataclass(frozen=True)
class FollowUpReceipt:
    follow_up: FollowUp
    form: Form
    answers: AnswerSet = field(repr=False)


async def answer_follow_up(
    cmd: AnswerFollowUp, *, uow: UnitOfWorkFactory, forms: FormCatalog, clock: Clock
) -> FollowUpReceipt:
    """Stores the answer; refuses another person's card (NotAParticipant), an old card or a
    second answer (FollowUpAnswered), and answers the form refuses (InvalidAnswers)."""
    form = await forms.get(cmd.form_key, cmd.form_version)
    if form is None or form.kind is not FormKind.FOLLOW_UP:
        raise MissingForm(cmd.form_key)
    at = clock.now()
    async with uow() as tx:
        follow_up = await tx.reflections.follow_up(cmd.follow_up_id)
        if follow_up is None:
            raise UnknownFollowUp(cmd.follow_up_id)
        if follow_up.person_id != cmd.person_id:
            raise NotAParticipant(follow_up.id)
        if follow_up.ask != cmd.ask or follow_up.state is FollowUpState.WAITING:
            raise FollowUpAnswered(follow_up.id)  # an old card: a later asking exists
        answers = validate_answers(form, cmd.submitted)
        choice = answers.get(APPLIED)
        if not isinstance(choice, ChoiceAnswer):
            raise MissingForm(form.key)
        answered = follow_up.answered(Applied(choice.choices[0]), at=at)
        kept = to_submitted(answers)
        await tx.reflections.save_follow_up(answered, kept)
        every_version = await forms.every_version()
        fields = response_fields(
            results_list(every_version, ListKind.FOLLOW_UP), answers,
            response_key=f"{answered.id}:{answered.ask}", campaign_id=answered.round_id,
            submitted_at=at, person_id=answered.person_id,
        )
        await tx.outbox.add(ListKind.FOLLOW_UP.value, f"{answered.id}:{answered.ask}", fields)
        await tx.commit()
    log.info("follow_up_answered", follow_up_id=answered.id, ask=answered.ask)
    return FollowUpReceipt(answered, form, answers)


async def ask_again(
    follow_up_id: str, person_id: str, *, uow: UnitOfWorkFactory, clock: Clock
) -> FollowUp:
    """"Not yet": the same follow-up due again in 7 days (CannotAskAgain past twice)."""
    async with uow() as tx:
        follow_up = await tx.reflections.follow_up(follow_up_id)
        if follow_up is None:
            raise UnknownFollowUp(follow_up_id)
        if follow_up.person_id != person_id:
            raise NotAParticipant(follow_up.id)
        again = follow_up.asked_again(at=clock.now())
        await tx.reflections.save_follow_up(again)
        await tx.commit()
    log.info("follow_up_asked_again", follow_up_id=again.id, ask=again.ask)
    return again


@dataclass(frozen=True)
class FollowUpCard:
    follow_up: FollowUp
    form: Form
    answers: Mapping[str, str] | None = field(default=None, repr=False)


async def follow_up_card_state(
    follow_up_id: str, person_id: str, *, uow: UnitOfWorkFactory, forms: FormCatalog
) -> FollowUpCard:
    async with uow(read_only=True) as tx:
        follow_up = await tx.reflections.follow_up(follow_up_id)
        answers = await tx.reflections.follow_up_answers(follow_up_id) if follow_up else None
    if follow_up is None:
        raise UnknownFollowUp(follow_up_id)
    if follow_up.person_id != person_id:
        raise NotAParticipant(follow_up.id)
    form = await forms.get(FOLLOW_UP_FORM)
    if form is None:
        raise MissingForm(FOLLOW_UP_FORM)
    shown = answers if follow_up.state is FollowUpState.ANSWERED else None
    return FollowUpCard(follow_up, form, shown)


async def team_applied_rate(
    people: Collection[str] | None, *, uow: UnitOfWorkFactory, since: datetime | None = None
) -> AppliedRate:
    """The applied rate of planned actions (yes + partly over everyone asked) for these
    people (None: everyone), from follow-ups due since `since`; for the manager's report,
    which shows it only behind its k threshold."""
    async with uow(read_only=True) as tx:
        follow_ups = await tx.reflections.follow_ups_of(
            people=None if people is None else list(people), since=since)
    return applied_rate(follow_ups)
