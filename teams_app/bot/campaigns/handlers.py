"""Bot handlers for a campaign's form card: Send, Edit and the card's refresh (Action.Execute).
Each answers with the card as it should look now for the person pressing, from the database
alone. The card's ids are checked against the campaign; an old card never acts on newer state."""

from __future__ import annotations

import uuid
from typing import Any

import structlog
from microsoft_agents.hosting.core import TurnContext

from cards import Translator
from teams_app.bot.campaigns import presenters as present
from teams_app.bot.campaigns.card_data import BadCardData, parse_card
from teams_app.bot.routing import translator_of
from teams_app.bot.turns import sender_ids
from teams_app.domain.campaigns.campaigns import CampaignClosed
from teams_app.domain.campaigns.responses import AlreadyAnswered, NotInAudience, WrongForm
from teams_app.domain.forms.errors import InvalidAnswers
from teams_app.ports.services import Services
from teams_app.use_cases.campaigns.answering import (
    CardIds,
    CardState,
    FormCard,
    SubmitAnswers,
    form_card_state,
    submit_answers,
)
from teams_app.use_cases.campaigns.errors import UnknownCampaign, UnknownForm

log = structlog.get_logger()


async def on_form_submit(context: TurnContext, services: Services, data: Any) -> dict[str, Any]:
    t = translator_of(context, services)
    person, recipient = sender_ids(context)
    try:
        ids, answers = parse_card(data)
    except BadCardData:
        return present.message_card(None, t, "form.stale")
    try:
        receipt = await submit_answers(
            SubmitAnswers(ids, person, answers), uow=services.uow, forms=services.forms,
            clock=services.clock, new_key=lambda: str(uuid.uuid4()),
        )
    except InvalidAnswers as refused:
        form = await services.forms.get(ids.form_key, ids.form_version)
        state = await _state(services, ids, person)
        if form is None or state is None:
            return present.message_card(form, t, "form.stale")
        log.info("campaign_answer_refused", campaign_id=ids.campaign_id,
                 problems=len(refused.errors))
        return present.the_form(form, state.campaign, ids.round, t, recipient,
                                submitted=answers, errors=refused.errors)
    except (CampaignClosed, AlreadyAnswered):
        return await _current(services, t, ids, person, recipient)
    except NotInAudience:
        log.info("campaign_answer_refused", campaign_id=ids.campaign_id, problem="not_asked")
        form = await services.forms.get(ids.form_key, ids.form_version)
        return present.message_card(form, t, "form.not_asked")
    except (WrongForm, UnknownCampaign, UnknownForm):
        # Not a card this campaign sent (tampered, or a form file removed): say so.
        log.info("campaign_answer_refused", problem="stale")
        return present.message_card(None, t, "form.stale")
    return present.the_summary(receipt.form, receipt.campaign, ids.round, t, recipient,
                               receipt.answers)


async def on_form_edit(context: TurnContext, services: Services, data: Any) -> dict[str, Any]:
    t = translator_of(context, services)
    person, recipient = sender_ids(context)
    try:
        ids, _ = parse_card(data)
    except BadCardData:
        return present.message_card(None, t, "form.stale")
    state = await _state(services, ids, person)
    if state is None:
        return present.message_card(None, t, "form.stale")
    if state.state is CardState.ANSWERED and state.answers is not None:
        return present.the_form(state.form, state.campaign, ids.round, t, recipient,
                                submitted=state.answers)
    return present.card_for(state, ids.round, t, recipient)


async def on_form_refresh(context: TurnContext, services: Services, data: Any) -> dict[str, Any]:
    t = translator_of(context, services)
    person, recipient = sender_ids(context)
    try:
        ids, _ = parse_card(data)
    except BadCardData:
        return present.message_card(None, t, "form.stale")
    return await _current(services, t, ids, person, recipient)


async def _current(
    services: Services, t: Translator, ids: CardIds, person: str, recipient: str
) -> dict[str, Any]:
    state = await _state(services, ids, person)
    if state is None:
        return present.message_card(None, t, "form.stale")
    return present.card_for(state, ids.round, t, recipient)


async def _state(services: Services, ids: CardIds, person: str) -> FormCard | None:
    try:
        return await form_card_state(ids, person, uow=services.uow, forms=services.forms,
                                     clock=services.clock)
    except (UnknownCampaign, UnknownForm):
        return None
