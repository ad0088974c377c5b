"""Bot handlers of the follow-up card: Send (yes / partly / not yet; what helped; what got in the
way), "ask me again in 7 days" after a "not yet", and the card's refresh. Only the person the
follow-up was made for may answer it; a card of an earlier asking never answers a later one."""

from __future__ import annotations

from typing import Any

import structlog
from microsoft_agents.hosting.core import TurnContext

from cards import FollowUpAnswerView, Translator, follow_up_answer_card
from teams_app.bot.formatting import long_date
from teams_app.bot.reflections import presenters as present
from teams_app.bot.reflections.card_data import BadCardData, parse_card, parse_follow_up_id
from teams_app.bot.routing import translator_of
from teams_app.bot.turns import sender_ids
from teams_app.domain.forms.errors import InvalidAnswers
from teams_app.domain.reflections.follow_ups import (
    Applied,
    CannotAskAgain,
    FollowUp,
    FollowUpAnswered,
    FollowUpState,
)
from teams_app.domain.reflections.rounds import NotAParticipant
from teams_app.ports.services import Services
from teams_app.use_cases.reflections.errors import MissingForm, UnknownFollowUp
from teams_app.use_cases.reflections.follow_ups import (
    AnswerFollowUp,
    answer_follow_up,
    ask_again,
    follow_up_card_state,
)

log = structlog.get_logger()


async def on_follow_up_submit(
    context: TurnContext, services: Services, data: Any
) -> dict[str, Any]:
    t = translator_of(context, services)
    person, recipient = sender_ids(context)
    try:
        ids, answers = parse_card(data, "follow_up_id")
    except BadCardData:
        return present.message_card(None, t, "form.stale")
    try:
        receipt = await answer_follow_up(
            AnswerFollowUp(ids.target_id, person, ids.ask, ids.form_key, ids.form_version,
                           answers),
            uow=services.uow, forms=services.forms, clock=services.clock,
        )
    except InvalidAnswers as refused:
        state = await _state(services, ids.target_id, person)
        if state is None:
            return present.message_card(None, t, "form.stale")
        return present.follow_up_card(state.form, state.follow_up, t, recipient,
                                      submitted=answers, errors=refused.errors)
    except NotAParticipant:
        log.info("follow_up_refused", problem="not_theirs")
        return present.message_card(None, t, "followup.not_yours")
    except FollowUpAnswered:
        return await _current(services, t, ids.target_id, person, recipient)
    except (UnknownFollowUp, MissingForm):
        return present.message_card(None, t, "form.stale")
    return answered_card(receipt.follow_up, t)


async def on_follow_up_again(
    context: TurnContext, services: Services, data: Any
) -> dict[str, Any]:
    t = translator_of(context, services)
    person, recipient = sender_ids(context)
    try:
        follow_up_id = parse_follow_up_id(data)
    except BadCardData:
        return present.message_card(None, t, "form.stale")
    try:
        again = await ask_again(follow_up_id, person, uow=services.uow, clock=services.clock)
    except NotAParticipant:
        return present.message_card(None, t, "followup.not_yours")
    except CannotAskAgain:
        return await _current(services, t, follow_up_id, person, recipient)
    except UnknownFollowUp:
        return present.message_card(None, t, "form.stale")
    return follow_up_answer_card(FollowUpAnswerView(
        t("followup.title"), t("followup.again_set", date=long_date(t, again.due_at.date())),
        again.id))


async def on_follow_up_refresh(
    context: TurnContext, services: Services, data: Any
) -> dict[str, Any]:
    t = translator_of(context, services)
    person, recipient = sender_ids(context)
    try:
        follow_up_id = parse_follow_up_id(data)
    except BadCardData:
        return present.message_card(None, t, "form.stale")
    return await _current(services, t, follow_up_id, person, recipient)


def answered_card(follow_up: FollowUp, t: Translator) -> dict[str, Any]:
    if follow_up.applied is Applied.NOT_YET:
        message = t("followup.not_yet")
    else:
        message = t("followup.thanks")
    label = t("followup.again") if follow_up.may_ask_again else None
    if follow_up.applied is Applied.NOT_YET and label is None:
        message = f"{message} {t('followup.no_more')}"
    return follow_up_answer_card(FollowUpAnswerView(t("followup.title"), message, follow_up.id,
                                                    label))


async def _current(
    services: Services, t: Translator, follow_up_id: str, person: str, recipient: str
) -> dict[str, Any]:
    try:
        state = await follow_up_card_state(follow_up_id, person, uow=services.uow,
                                           forms=services.forms)
    except NotAParticipant:
        return present.message_card(None, t, "followup.not_yours")
    except (UnknownFollowUp, MissingForm):
        return present.message_card(None, t, "form.stale")
    follow_up = state.follow_up
    if follow_up.state is FollowUpState.ANSWERED:
        return answered_card(follow_up, t)
    if follow_up.state is FollowUpState.WAITING and follow_up.ask > 1:
        return follow_up_answer_card(FollowUpAnswerView(
            t("followup.title"),
            t("followup.again_set", date=long_date(t, follow_up.due_at.date())), follow_up.id))
    return present.follow_up_card(state.form, follow_up, t, recipient)


async def _state(services: Services, follow_up_id: str, person: str) -> Any:
    try:
        return await follow_up_card_state(follow_up_id, person, uow=services.uow,
                                          forms=services.forms)
    except (NotAParticipant, UnknownFollowUp, MissingForm):
        return None
