""""You said, we did": the owner writes what changed because of the answers; it goes to everyone
the campaign asked, as a card in their language through their personal chat (the same reach as
the prompts), once per person however often the jobs run, and each delivery is counted.

Writing it stores the words and queues one fan-out job (ids only); the fan-out queues one send
per person asked; a send's delivery key keeps a retried job from sending twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from teams_app.domain.campaigns.campaigns import Campaign
from teams_app.domain.campaigns.said_did import SaidDid, SaidDidChanged
from teams_app.domain.forms.definitions import Form
from teams_app.domain.messages import OutboundMessage
from teams_app.domain.reach import Unreachable
from teams_app.ports import Clock, FormCatalog, RecipientUnreachable, UnitOfWorkFactory
from teams_app.use_cases.campaigns.errors import UnknownCampaign
from teams_app.use_cases.reach import PersonalChats

SAID_DID = "campaign.said_did"  # payload: campaign_id, said_did_id -> one send per person asked
SAID_DID_SEND = "campaign.said_did_send"  # payload: campaign_id, said_did_id, person_id


class SaidDidRenderer(Protocol):
    def said_did(self, form: Form | None, said_did: SaidDid, *, locale: str | None
                 ) -> OutboundMessage: ...


@dataclass(frozen=True)
class SendSaidDid:
    campaign_id: str
    by: str
    text: str = field(repr=False)
    # How many messages the owner's card showed as sent: another count means the card is older
    # than the campaign's state (a double click, a retry): nothing is sent again. None: the CLI.
    seen: int | None = None


async def send_said_did(
    cmd: SendSaidDid, *, uow: UnitOfWorkFactory, clock: Clock, new_id: Callable[[], str]
) -> SaidDid:
    """Stores the words and queues their fan-out; only the campaign's owner may."""
    async with uow() as tx:
        campaign = await tx.campaigns.get(cmd.campaign_id)
        if campaign is None or campaign.owner_id != cmd.by:
            raise UnknownCampaign(cmd.campaign_id)
        earlier = await tx.campaigns.said_dids(campaign.id)
        if cmd.seen is not None and cmd.seen != len(earlier):
            raise SaidDidChanged(campaign.id)
        said_did = SaidDid.write(id=new_id(), campaign_id=campaign.id, text=cmd.text,
                                 at=clock.now())
        await tx.campaigns.add_said_did(said_did)
        await tx.jobs.enqueue(SAID_DID, {"campaign_id": campaign.id, "said_did_id": said_did.id},
                              idempotency_key=f"{SAID_DID}:{said_did.id}")
        await tx.commit()
    return said_did


async def fan_out_said_did(campaign_id: str, said_did_id: str, *, uow: UnitOfWorkFactory
                           ) -> int:
    """One send per person the campaign asked (any round); returns how many were queued."""
    async with uow() as tx:
        prompts = await tx.campaigns.prompts_of(campaign_id)
        queued = 0
        for person in dict.fromkeys(p.person_id for p in prompts):
            payload = {"campaign_id": campaign_id, "said_did_id": said_did_id,
                       "person_id": person}
            added = await tx.jobs.enqueue(SAID_DID_SEND, payload,
                                          idempotency_key=_key(said_did_id, person))
            queued += added is not None
        await tx.commit()
    return queued


class SaidDidOutcome(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already_sent"
    GONE = "gone"  # the campaign or the message no longer exists
    UNREACHABLE = "unreachable"


async def deliver_said_did(
    campaign_id: str, said_did_id: str, person_id: str, *, chats: PersonalChats,
    forms: FormCatalog, renderer: SaidDidRenderer,
) -> SaidDidOutcome:
    key = _key(said_did_id, person_id)
    async with chats.uow() as tx:
        campaign = await tx.campaigns.get(campaign_id)
        said_did = next((s for s in await tx.campaigns.said_dids(campaign_id)
                         if s.id == said_did_id), None)
        delivered = await tx.deliveries.find(key)
    if campaign is None or said_did is None:
        return SaidDidOutcome.GONE
    if delivered is not None:
        return SaidDidOutcome.ALREADY_SENT
    chat = await chats.reach(person_id)
    if isinstance(chat, Unreachable):
        return await _count(chats, said_did, reached=False)
    message = renderer.said_did(await _form(campaign, forms), said_did,
                                locale=await chats.languages.locale_of(person_id))
    try:
        activity_id = await chats.messenger.send(chat, message)
    except RecipientUnreachable:
        await chats.gone(person_id)
        return await _count(chats, said_did, reached=False)
    async with chats.uow() as tx:
        await tx.deliveries.record(key, chat.conversation_id, activity_id, at=chats.clock.now())
        await tx.campaigns.count_said_did(said_did.id, reached=True)
        await tx.commit()
    return SaidDidOutcome.SENT


async def _count(chats: PersonalChats, said_did: SaidDid, *, reached: bool) -> SaidDidOutcome:
    async with chats.uow() as tx:
        await tx.campaigns.count_said_did(said_did.id, reached=reached)
        await tx.commit()
    return SaidDidOutcome.UNREACHABLE


async def _form(campaign: Campaign, forms: FormCatalog) -> Form | None:
    return await forms.get(campaign.spec.form_key, campaign.spec.form_version)


def _key(said_did_id: str, person_id: str) -> str:
    return f"{SAID_DID}:{said_did_id}:{person_id}"


def payload_ids(payload: dict[str, Any], *names: str) -> tuple[str, ...] | None:
    """The job's ids, or None when one is missing or not a string (a bad payload)."""
    values = tuple(payload.get(name) for name in names)
    if not all(isinstance(v, str) and v for v in values):
        return None
    return tuple(str(v) for v in values)
