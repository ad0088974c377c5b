"""The form cards of a campaign as they should look for one person now: the form, the summary
of their answers, what an anonymous answer leaves, and the cards that refuse. Over the form
presenters (bot/forms.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from cards import (
    FormClosedView,
    Translator,
    form_card,
    form_closed_card,
    form_summary_card,
    said_did_card,
)
from teams_app.bot.campaigns.report_presenters import said_did_view
from teams_app.bot.forms import closed_view, form_view, summary_view
from teams_app.domain.campaigns.campaigns import Campaign
from teams_app.domain.campaigns.said_did import SaidDid
from teams_app.domain.forms.answers import AnswerSet, validate_answers
from teams_app.domain.forms.definitions import Form
from teams_app.domain.forms.errors import AnswerError, InvalidAnswers
from teams_app.domain.messages import OutboundMessage
from teams_app.ports.services import CardRenderer
from teams_app.use_cases.campaigns.answering import CardState, FormCard


def the_form(
    form: Form, campaign: Campaign, round: str, t: Translator, recipient: str, *,
    submitted: Mapping[str, object] | None = None, errors: tuple[AnswerError, ...] = (),
) -> dict[str, Any]:
    view = form_view(form, t, campaign_id=campaign.id, submitted=submitted, errors=errors,
                     anonymous=campaign.spec.anonymous)
    return form_card(replace(view, round=round, refresh_user_ids=_users(recipient)))


def the_summary(
    form: Form, campaign: Campaign, round: str, t: Translator, recipient: str,
    answers: AnswerSet,
) -> dict[str, Any]:
    anonymous = campaign.spec.anonymous
    view = summary_view(form, t, answers, campaign_id=campaign.id, editable=not anonymous)
    if anonymous:
        view = replace(view, note=t("form.summary.anonymous"))
    return form_summary_card(replace(view, round=round, refresh_user_ids=_users(recipient)))


def card_for(state: FormCard, round: str, t: Translator, recipient: str) -> dict[str, Any]:
    form, campaign = state.form, state.campaign
    kept = _answer_set(form, state.answers)
    match state.state:
        case CardState.OPEN:
            return the_form(form, campaign, round, t, recipient)
        case CardState.ANSWERED if kept is not None:
            return the_summary(form, campaign, round, t, recipient, kept)
        case CardState.ANSWERED_ANONYMOUSLY:
            return form_closed_card(FormClosedView(form.title.in_(t.language),
                                                   t("form.received.anonymous")))
        case CardState.NOT_ASKED:
            return message_card(form, t, "form.not_asked")
        case _:
            return form_closed_card(closed_view(form, t, kept))


def message_card(form: Form | None, t: Translator, key: str) -> dict[str, Any]:
    title = form.title.in_(t.language) if form is not None else t("help.title")
    return form_closed_card(FormClosedView(title, t(key)))


def _answer_set(form: Form, answers: Mapping[str, str] | None) -> AnswerSet | None:
    if answers is None:
        return None
    try:
        return validate_answers(form, answers)
    except InvalidAnswers:
        return None


def _users(recipient: str) -> tuple[str, ...]:
    return (recipient,) if recipient else ()


class CampaignCards:
    """The renderer the campaign jobs use: the prompt (use_cases.campaigns.sending.PromptRenderer)
    and the support alert (use_cases.campaigns.alerts.AlertRenderer)."""

    def __init__(self, cards: CardRenderer) -> None:
        self._cards = cards

    def prompt(
        self, form: Form, campaign: Campaign, round: str, *, locale: str | None,
        recipient: str, reminder: int,
    ) -> OutboundMessage:
        t = self._cards.translator(locale)
        title = form.title.in_(t.language)
        summary = t("form.reminder", title=title) if reminder else title
        return OutboundMessage(card=the_form(form, campaign, round, t, recipient),
                               summary=summary)

    def support_alert(
        self, form: Form, *, locale: str | None, person_name: str | None
    ) -> OutboundMessage:
        """To the support contact: someone (named, or not when anonymous) asked for help."""
        t = self._cards.translator(locale)
        title = form.title.in_(t.language)
        message = (t("form.alert.named", name=person_name, form=title) if person_name
                   else t("form.alert.anonymous", form=title))
        card = form_closed_card(FormClosedView(t("form.alert.title"), message))
        return OutboundMessage(card=card, summary=t("form.alert.title"))

    def said_did(self, form: Form | None, said_did: SaidDid, *, locale: str | None
                 ) -> OutboundMessage:
        """"You said, we did" to one person asked, in their language."""
        t = self._cards.translator(locale)
        return OutboundMessage(card=said_did_card(said_did_view(t, form, said_did)),
                               summary=t("saiddid.title"))
