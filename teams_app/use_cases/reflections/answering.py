"""Answering the reflection card: stored once per participant, from the database alone.

The server checks that the sender is the participant the card was for (their Entra id is
among the round's participants) and that the card asks the round's own form version, so an
old card never acts on newer state. After the window an answer is still kept, marked late, and
never changes the summary. An anonymous reflection keeps no person and only its day; the
participant's `answered` flag is written in the same transaction, and both are rewritten
together right after (blur), as for anonymous campaign answers (docs/reflections.md)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

import structlog

from teams_app.domain.forms.answers import AnswerSet, to_submitted, validate_answers
from teams_app.domain.forms.definitions import Form
from teams_app.domain.reflections.follow_ups import (
    DEFAULT_AFTER,
    FollowUp,
    first_due,
    wants_follow_up,
)
from teams_app.domain.reflections.rounds import (
    AlreadyReflected,
    NotAParticipant,
    Round,
    RoundError,
)
from teams_app.domain.reflections.sharing import (
    ReflectionContent,
    StoredReflection,
    coarse_day,
    content_of,
    keeps_person,
)
from teams_app.ports import Clock, FormCatalog, UnitOfWorkFactory
from teams_app.use_cases.reflections.errors import MissingForm, UnknownRound

log = structlog.get_logger()

__all__ = ["AlreadyReflected", "NotAParticipant", "WrongCard"]


class WrongCard(RoundError):
    code = "reflection_wrong_card"  # another form or version than the round asks


@dataclass(frozen=True)
class SubmitReflection:
    round_id: str
    person_id: str
    form_key: str
    form_version: int
    submitted: Mapping[str, object] = field(repr=False)  # the card's inputs: personal


@dataclass(frozen=True)
class ReflectionReceipt:
    round: Round
    form: Form
    answers: AnswerSet = field(repr=False)
    content: ReflectionContent
    late: bool
    follow_up: FollowUp | None


async def submit_reflection(
    cmd: SubmitReflection, *, uow: UnitOfWorkFactory, forms: FormCatalog, clock: Clock,
    new_key: Callable[[], str], follow_up_after: timedelta = DEFAULT_AFTER,
) -> ReflectionReceipt:
    """Stores the reflection (and its follow-up); refuses someone not asked, another card,
    a second answer, and answers the form refuses (InvalidAnswers, before any write)."""
    form = await forms.get(cmd.form_key, cmd.form_version)
    if form is None:
        raise MissingForm(cmd.form_key)
    at = clock.now()
    async with uow() as tx:
        rnd = await tx.reflections.round(cmd.round_id)
        if rnd is None:
            raise UnknownRound(cmd.round_id)
        if (cmd.form_key, cmd.form_version) != (rnd.form_key, rnd.form_version):
            raise WrongCard(rnd.id)
        if await tx.reflections.participant(rnd.id, cmd.person_id) is None:
            raise NotAParticipant(rnd.id)
        answers = validate_answers(form, cmd.submitted)
        content = content_of(answers)
        late = not rnd.is_open(at)
        # The participant's row is the lock: a double click or a retry waits here.
        if not await tx.reflections.mark_answered(rnd.id, cmd.person_id):
            raise AlreadyReflected(rnd.id)
        keeps = keeps_person(content.sharing)
        key = new_key()
        await tx.reflections.add_reflection(StoredReflection(
            key=key, round_id=rnd.id, sharing=content.sharing, form_key=form.key,
            form_version=form.version, answers=to_submitted(answers),
            submitted_at=at if keeps else coarse_day(at), late=late,
            person_id=cmd.person_id if keeps else None,
        ))
        follow_up = None
        if wants_follow_up(content.action, keeps) and content.action:
            follow_up = FollowUp(
                id=new_key(), person_id=cmd.person_id, round_id=rnd.id, reflection_key=key,
                action=content.action, action_by=content.action_by, planned_on=at.date(),
                due_at=first_due(max(rnd.closes_at, at), follow_up_after),
            )
            await tx.reflections.add_follow_up(follow_up)
        await tx.commit()
    if not keeps:
        async with uow() as tx:
            await tx.reflections.blur_answers(rnd.id)
            await tx.commit()
    # The round alone: never the person, their sharing choice or their words.
    log.info("reflection_answered", round_id=rnd.id)
    return ReflectionReceipt(rnd, form, answers, content, late, follow_up)


class CardState(StrEnum):
    OPEN = "open"  # not answered, round open: the card
    LATE = "late"  # not answered, round closed: the card, saying it will be kept as late
    REFLECTED = "reflected"  # named or private: their answers, read-only
    REFLECTED_ANONYMOUSLY = "reflected_anonymously"  # received; nothing to show
    NOT_PARTICIPANT = "not_participant"


@dataclass(frozen=True)
class ReflectionCard:
    state: CardState
    round: Round
    form: Form
    answers: Mapping[str, str] | None = field(default=None, repr=False)
    sharing: str | None = None


async def reflection_card_state(
    round_id: str, person_id: str, *, uow: UnitOfWorkFactory, forms: FormCatalog, clock: Clock
) -> ReflectionCard:
    async with uow(read_only=True) as tx:
        rnd = await tx.reflections.round(round_id)
        if rnd is None:
            raise UnknownRound(round_id)
        participant = await tx.reflections.participant(rnd.id, person_id)
        kept = None
        if participant is not None and participant.answered:
            kept = await tx.reflections.reflection_of(rnd.id, person_id)
    form = await forms.get(rnd.form_key, rnd.form_version)
    if form is None:
        raise MissingForm(rnd.form_key)
    if participant is None:
        return ReflectionCard(CardState.NOT_PARTICIPANT, rnd, form)
    if kept is not None:
        return ReflectionCard(CardState.REFLECTED, rnd, form, dict(kept.answers),
                              kept.sharing.value)
    if participant.answered:
        return ReflectionCard(CardState.REFLECTED_ANONYMOUSLY, rnd, form)
    state = CardState.OPEN if rnd.is_open(clock.now()) else CardState.LATE
    return ReflectionCard(state, rnd, form)
