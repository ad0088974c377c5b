"""Sending a campaign: each round's fan-out makes the prompts (placed in each person's working
hours, within the weekly cap) and queues one send per prompt at its time; reminders go to those
who have not answered. Jobs carry ids only and may run twice: a prompt is one row per (campaign,
person, round), and a card is sent once per delivery key."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

import structlog

from teams_app.domain.campaigns.campaigns import Campaign, TimingKind
from teams_app.domain.campaigns.delivery import place_prompt, reminder_due
from teams_app.domain.campaigns.prompts import Prompt
from teams_app.domain.forms.definitions import Form
from teams_app.domain.messages import OutboundMessage
from teams_app.domain.reach import Unreachable
from teams_app.ports import (
    Calendar,
    Clock,
    Directory,
    FormCatalog,
    RecipientUnreachable,
    UnitOfWorkFactory,
)
from teams_app.use_cases.campaigns.audiences import audience_people
from teams_app.use_cases.reach import PersonalChats
from teams_app.use_cases.working_hours import working_weeks

log = structlog.get_logger()

FAN_OUT = "campaign.fan_out"  # payload: campaign_id, round_index
PROMPT = "campaign.prompt"  # payload: campaign_id, person_id, round, reminder (0: the prompt)
REMINDERS = "campaign.reminders"  # periodic: queues the reminders that are due


def fan_out_payload(campaign_id: str, round_index: int) -> dict[str, Any]:
    return {"campaign_id": campaign_id, "round_index": round_index}


def prompt_payload(prompt: Prompt, reminder: int = 0) -> dict[str, Any]:
    return {"campaign_id": prompt.campaign_id, "person_id": prompt.person_id,
            "round": prompt.round, "reminder": reminder}


def prompt_key(prompt: Prompt, reminder: int = 0) -> str:
    return f"{PROMPT}:{prompt.campaign_id}:{prompt.person_id}:{prompt.round}:{reminder}"


class PromptRenderer(Protocol):
    """The form card for one person (bot/campaigns/presenters.py), in their language;
    `recipient` is their Teams id, for the card's refresh."""

    def prompt(
        self, form: Form, campaign: Campaign, round: str, *, locale: str | None,
        recipient: str, reminder: int,
    ) -> OutboundMessage: ...


@dataclass(frozen=True)
class RoundFannedOut:
    asked: int  # new prompts
    postponed: int  # of them, pushed to a later week by the cap


async def fan_out_round(
    campaign_id: str,
    round_index: int,
    *,
    uow: UnitOfWorkFactory,
    calendar: Calendar | None,
    directory: Directory | None,
    clock: Clock,
    weekly_cap: int,
) -> RoundFannedOut:
    """Makes the round's prompts and queues their sends; queues the next round if any."""
    async with uow(read_only=True) as tx:
        campaign = await tx.campaigns.get(campaign_id)
    now = clock.now()
    if campaign is None or not campaign.is_open(now):
        return RoundFannedOut(0, 0)
    timing = campaign.spec.timing
    if timing.kind is TimingKind.AFTER_OCCURRENCE:
        return RoundFannedOut(0, 0)
    due, round_key = timing.round_due(round_index), timing.round_key(round_index)
    people = await audience_people(campaign.spec.audience, uow=uow, directory=directory)
    weeks = await working_weeks(people, calendar)
    async with uow() as tx:
        planned = await tx.campaigns.send_times(people, since=due)
        prompts = []
        for person in people:
            placed = place_prompt(due, weeks[person], planned[person], cap=weekly_cap)
            prompts.append(Prompt(campaign.id, person, round_key, due, placed.send_at,
                                  placed.postponed))
        await tx.campaigns.add_prompts(prompts)
        for prompt in prompts:  # known prompts' sends are known keys: skipped
            await tx.jobs.enqueue(PROMPT, prompt_payload(prompt), run_at=prompt.send_at,
                                  idempotency_key=prompt_key(prompt))
        following = campaign.next_round(due)
        if following is not None:
            await tx.jobs.enqueue(FAN_OUT, fan_out_payload(campaign.id, round_index + 1),
                                  run_at=following,
                                  idempotency_key=f"{FAN_OUT}:{campaign.id}:{round_index + 1}")
        await tx.commit()
    postponed = sum(1 for p in prompts if p.postponed)
    log.info("campaign_round_fanned_out", campaign_id=campaign.id, round=round_key,
             people=len(prompts), postponed=postponed)
    return RoundFannedOut(len(prompts), postponed)


class PromptOutcome(StrEnum):
    SENT = "sent"
    ALREADY_SENT = "already_sent"
    NOT_NEEDED = "not_needed"  # answered, closed, or no such prompt any more
    UNREACHABLE = "unreachable"  # counted on the prompt with the reason


@dataclass(frozen=True)
class SendPrompt:
    campaign_id: str
    person_id: str
    round: str
    reminder: int = 0  # 0: the prompt itself; 1, 2: its reminders


async def send_prompt(
    cmd: SendPrompt,
    *,
    chats: PersonalChats,
    forms: FormCatalog,
    renderer: PromptRenderer,
) -> PromptOutcome:
    """The form card to one person, in their language, once per delivery key."""
    async with chats.uow() as tx:
        campaign = await tx.campaigns.get(cmd.campaign_id)
        prompt = await tx.campaigns.prompt(cmd.campaign_id, cmd.person_id, cmd.round)
    now = chats.clock.now()
    if campaign is None or prompt is None or prompt.answered or not campaign.is_open(now):
        return PromptOutcome.NOT_NEEDED
    form = await forms.get(campaign.spec.form_key, campaign.spec.form_version)
    if form is None:
        return PromptOutcome.NOT_NEEDED  # the form file was removed: nothing to show
    key = prompt_key(prompt, cmd.reminder)
    async with chats.uow() as tx:
        if await tx.deliveries.find(key) is not None:
            return PromptOutcome.ALREADY_SENT
    chat = await chats.reach(prompt.person_id)
    if isinstance(chat, Unreachable):
        return await _unreachable(chats, prompt, chat)
    user = chat.reference.get("user")
    recipient = str(user.get("id")) if isinstance(user, dict) and user.get("id") else (
        prompt.person_id)
    message = renderer.prompt(
        form, campaign, prompt.round, locale=await chats.languages.locale_of(prompt.person_id),
        recipient=recipient, reminder=cmd.reminder,
    )
    try:
        activity_id = await chats.messenger.send(chat, message)
    except RecipientUnreachable:
        await chats.gone(prompt.person_id)
        return await _unreachable(chats, prompt, Unreachable.UNINSTALLED)
    async with chats.uow() as tx:
        await tx.deliveries.record(key, chat.conversation_id, activity_id, at=now)
        if cmd.reminder:
            await tx.campaigns.mark_reminded(prompt, cmd.reminder)
        else:
            await tx.campaigns.mark_sent(prompt, at=now)
        await tx.commit()
    return PromptOutcome.SENT


async def _unreachable(chats: PersonalChats, prompt: Prompt, reason: Unreachable) -> PromptOutcome:
    async with chats.uow() as tx:
        await tx.campaigns.mark_unreachable(prompt, reason.value)
        await tx.commit()
    return PromptOutcome.UNREACHABLE


async def queue_reminders(*, uow: UnitOfWorkFactory, clock: Clock) -> int:
    """Queues the reminder due for each prompt sent and not answered (one at a time; a late
    run sends only the next one). Returns how many were queued."""
    now = clock.now()
    async with uow() as tx:
        waiting = await tx.campaigns.waiting_for_answers(sent_before=now)
        campaigns: dict[str, Campaign | None] = {}
        queued = 0
        for prompt in waiting:
            if prompt.campaign_id not in campaigns:
                campaigns[prompt.campaign_id] = await tx.campaigns.get(prompt.campaign_id)
            campaign = campaigns[prompt.campaign_id]
            if campaign is None:
                continue
            number = reminder_due(prompt.progress, campaign.spec.reminders, at=now,
                                  closes_at=campaign.spec.closes_at)
            if number is None:
                continue
            added = await tx.jobs.enqueue(PROMPT, prompt_payload(prompt, number),
                                          idempotency_key=prompt_key(prompt, number))
            queued += added is not None
        await tx.commit()
    return queued

