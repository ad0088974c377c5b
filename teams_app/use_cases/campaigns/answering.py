"""Answering a campaign's form from its card: submit, edit, and the card's state on refresh.
Answered from the database alone (no Graph, no SharePoint: the outbox writes that later).

Named: one response per (campaign, round, person), changed by Edit while the campaign is open.
Anonymous: the prompt is marked answered in the same transaction that stores a response with no
person; a second submit of the same card finds the prompt answered and stores nothing. Nothing
links the response to its person, so it cannot be shown or changed again (docs/campaigns.md)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import structlog

from teams_app.domain.campaigns.campaigns import Campaign, CampaignClosed
from teams_app.domain.campaigns.responses import (
    AlreadyAnswered,
    NotInAudience,
    StoredResponse,
    WrongForm,
    check_answerable,
    coarse_day,
    response_round,
)
from teams_app.domain.forms.answers import AnswerSet, to_submitted, validate_answers
from teams_app.domain.forms.definitions import Form
from teams_app.ports import Clock, FormCatalog, UnitOfWorkFactory
from teams_app.use_cases.campaigns.alerts import queue_support_alert, raises_support
from teams_app.use_cases.campaigns.errors import UnknownCampaign, UnknownForm

log = structlog.get_logger()

__all__ = ["AlreadyAnswered", "CampaignClosed", "NotInAudience", "WrongForm"]


@dataclass(frozen=True)
class CardIds:
    """The ids a form card carries: which campaign, round and form version it was made for."""

    campaign_id: str
    round: str
    form_key: str
    form_version: int


@dataclass(frozen=True)
class SubmitAnswers:
    ids: CardIds
    person_id: str
    submitted: Mapping[str, object] = field(repr=False)  # the card's inputs: personal


@dataclass(frozen=True)
class AnswerReceipt:
    form: Form
    campaign: Campaign
    answers: AnswerSet = field(repr=False)
    editable: bool  # named and open: Edit is offered


async def submit_answers(
    cmd: SubmitAnswers,
    *,
    uow: UnitOfWorkFactory,
    forms: FormCatalog,
    clock: Clock,
    new_key: Callable[[], str],
) -> AnswerReceipt:
    """Stores the answers; refuses a closed campaign, another form, someone not asked, and
    answers the form refuses (InvalidAnswers, before anything is written)."""
    ids = cmd.ids
    form = await forms.get(ids.form_key, ids.form_version)
    if form is None:
        raise UnknownForm(ids.form_key)
    at = clock.now()
    async with uow() as tx:
        campaign = await tx.campaigns.get(ids.campaign_id)
        if campaign is None:
            raise UnknownCampaign(ids.campaign_id)
        prompt = await tx.campaigns.prompt(campaign.id, cmd.person_id, ids.round)
        check_answerable(campaign, form_key=ids.form_key, form_version=ids.form_version,
                         asked=prompt is not None, at=at)
        answers = validate_answers(form, cmd.submitted)
        data = to_submitted(answers)
        # The prompt's row is the lock: a double click or a retry waits here, then sees it
        # answered.
        first = await tx.campaigns.mark_answered(campaign.id, cmd.person_id, ids.round)
        before: Mapping[str, str] | None = None
        if campaign.spec.anonymous:
            if not first:
                raise AlreadyAnswered(campaign.id)
            key = new_key()
            await tx.campaigns.add_response(StoredResponse(
                key=key, campaign_id=campaign.id, form_key=form.key, form_version=form.version,
                answers=data, submitted_at=coarse_day(at),
                round=response_round(campaign, ids.round),
            ))
        else:
            kept = await tx.campaigns.named_response(campaign.id, ids.round, cmd.person_id)
            if kept is not None:
                key, before = kept.key, kept.answers
                await tx.campaigns.update_response(key, data, at=at)
            else:
                key = new_key()
                await tx.campaigns.add_response(StoredResponse(
                    key=key, campaign_id=campaign.id, form_key=form.key,
                    form_version=form.version, answers=data, submitted_at=at,
                    person_id=cmd.person_id, round=ids.round, updated_at=at,
                ))
        if campaign.spec.support_contact and raises_support(form, answers, before):
            await queue_support_alert(tx, campaign, cmd.person_id)
        await tx.commit()
    if campaign.spec.anonymous:
        # The answer's transaction wrote both the prompt's flag and the response; on
        # PostgreSQL both rows would show its id (xmin) and so match. Rewriting every answered
        # prompt and anonymous response of the campaign together leaves one id on all of them.
        async with uow() as tx:
            await tx.campaigns.blur_answers(campaign.id)
            await tx.commit()
    # Ids and counts only; for an anonymous campaign not even the round.
    log.info("campaign_answered", campaign_id=campaign.id, answers=len(answers.answers))
    return AnswerReceipt(form, campaign, answers, editable=not campaign.spec.anonymous)


class CardState(StrEnum):
    OPEN = "open"  # not answered yet: the form
    ANSWERED = "answered"  # named: the summary (Edit while open)
    ANSWERED_ANONYMOUSLY = "answered_anonymously"  # anonymous: received, nothing to show
    CLOSED = "closed"
    NOT_ASKED = "not_asked"


@dataclass(frozen=True)
class FormCard:
    """What a form card shows now, for its person (refresh, Edit, a refusal)."""

    state: CardState
    form: Form
    campaign: Campaign
    answers: Mapping[str, str] | None = field(default=None, repr=False)  # named, kept


async def form_card_state(
    ids: CardIds, person_id: str, *, uow: UnitOfWorkFactory, forms: FormCatalog, clock: Clock
) -> FormCard:
    """The card as it should look now for this person, whatever card they hold."""
    async with uow(read_only=True) as tx:
        campaign = await tx.campaigns.get(ids.campaign_id)
        if campaign is None:
            raise UnknownCampaign(ids.campaign_id)
        prompt = await tx.campaigns.prompt(campaign.id, person_id, ids.round)
        kept = None
        if prompt is not None and not campaign.spec.anonymous:
            kept = await tx.campaigns.named_response(campaign.id, ids.round, person_id)
    # The campaign's own form: an old card never shows another version's questions.
    form = await forms.get(campaign.spec.form_key, campaign.spec.form_version)
    if form is None:
        raise UnknownForm(campaign.spec.form_key)
    answers = dict(kept.answers) if kept is not None else None
    if not campaign.is_open(clock.now()):
        return FormCard(CardState.CLOSED, form, campaign, answers)
    if prompt is None:
        return FormCard(CardState.NOT_ASKED, form, campaign)
    if kept is not None:
        return FormCard(CardState.ANSWERED, form, campaign, answers)
    if prompt.answered:
        return FormCard(CardState.ANSWERED_ANONYMOUSLY, form, campaign)
    return FormCard(CardState.OPEN, form, campaign)
