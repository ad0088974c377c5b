"""The alert an answer raises: a "yes" to a question marked `alerts: support` (the pre-session
survey's "do you need technical help") tells the campaign's support contact in Teams at once.

A named answer's alert names the person (the contact needs to know whom to help); an anonymous
answer's does not, and its job carries only the campaign, so the alert cannot lead back to the
response."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from teams_app.domain.campaigns.campaigns import Campaign
from teams_app.domain.forms.answers import AnswerSet, alerts_raised, validate_answers
from teams_app.domain.forms.definitions import Form
from teams_app.domain.forms.errors import InvalidAnswers
from teams_app.domain.forms.questions import Alert
from teams_app.domain.messages import OutboundMessage
from teams_app.domain.reach import Unreachable
from teams_app.ports import Directory, FormCatalog, GraphError, RecipientUnreachable, UnitOfWork
from teams_app.use_cases.reach import PersonalChats

SUPPORT_ALERT = "campaign.support_alert"  # payload: campaign_id (+ person_id when named)


class AlertRenderer(Protocol):
    def support_alert(
        self, form: Form, *, locale: str | None, person_name: str | None
    ) -> OutboundMessage: ...


def raises_support(form: Form, answers: AnswerSet, before: Mapping[str, str] | None) -> bool:
    """Whether these answers newly ask for support (an Edit that keeps the "yes" does not ask
    again)."""
    if Alert.SUPPORT not in alerts_raised(form, answers):
        return False
    if before is None:
        return True
    try:
        return Alert.SUPPORT not in alerts_raised(form, validate_answers(form, before))
    except InvalidAnswers:
        return True


async def queue_support_alert(
    tx: UnitOfWork, campaign: Campaign, person_id: str | None
) -> None:
    payload: dict[str, Any] = {"campaign_id": campaign.id}
    if person_id is not None and not campaign.spec.anonymous:
        payload["person_id"] = person_id
    await tx.jobs.enqueue(SUPPORT_ALERT, payload)


class AlertOutcome(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already_sent"
    NO_CONTACT = "no_contact"
    UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class SendSupportAlert:
    campaign_id: str
    person_id: str | None
    delivery_key: str  # the job's own id: one alert per job, never a response's key


async def send_support_alert(
    cmd: SendSupportAlert,
    *,
    chats: PersonalChats,
    forms: FormCatalog,
    directory: Directory | None,
    renderer: AlertRenderer,
) -> AlertOutcome:
    async with chats.uow() as tx:
        campaign = await tx.campaigns.get(cmd.campaign_id)
        if await tx.deliveries.find(cmd.delivery_key) is not None:
            return AlertOutcome.ALREADY_SENT
    contact = campaign.spec.support_contact if campaign is not None else None
    form = await forms.get(campaign.spec.form_key, campaign.spec.form_version) if (
        campaign is not None) else None
    if campaign is None or contact is None or form is None:
        return AlertOutcome.NO_CONTACT
    name = None
    if cmd.person_id is not None and not campaign.spec.anonymous:
        name = cmd.person_id
        if directory is not None:
            try:
                name = (await directory.user(cmd.person_id)).display_name or cmd.person_id
            except GraphError:
                pass  # the id still says whom; a retry would only delay the help
    chat = await chats.reach(contact)
    if isinstance(chat, Unreachable):
        return AlertOutcome.UNREACHABLE
    message = renderer.support_alert(form, locale=await chats.languages.locale_of(contact),
                                     person_name=name)
    try:
        activity_id = await chats.messenger.send(chat, message)
    except RecipientUnreachable:
        await chats.gone(contact)
        return AlertOutcome.UNREACHABLE
    async with chats.uow() as tx:
        await tx.deliveries.record(cmd.delivery_key, chat.conversation_id, activity_id,
                                   at=chats.clock.now())
        await tx.commit()
    return AlertOutcome.SENT
