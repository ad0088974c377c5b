"""Job handlers for campaigns (thin): a round's fan-out, one prompt (or reminder) to one person,
the periodic queueing of the reminders that are due, the periodic prompts after learning
occurrences, the alert an answer raises for the support contact, and "you said, we did" to
everyone a campaign asked."""

from __future__ import annotations

import structlog

from teams_app.bot.campaigns.presenters import CampaignCards
from teams_app.jobs.support import JobHandler, personal_chats
from teams_app.jobs.worker import PermanentJobError
from teams_app.ports import Job
from teams_app.ports.services import Services
from teams_app.use_cases.campaigns.alerts import (
    SUPPORT_ALERT,
    SendSupportAlert,
    send_support_alert,
)
from teams_app.use_cases.campaigns.errors import NoAudience
from teams_app.use_cases.campaigns.occurrences import (
    OCCURRENCE_PROMPTS,
    prompt_after_occurrences,
)
from teams_app.use_cases.campaigns.outbox import BATCH as EXPORT_BATCH
from teams_app.use_cases.campaigns.outbox import EXPORT, hand_to_outbox
from teams_app.use_cases.campaigns.said_did import (
    SAID_DID,
    SAID_DID_SEND,
    deliver_said_did,
    fan_out_said_did,
    payload_ids,
)
from teams_app.use_cases.campaigns.sending import (
    FAN_OUT,
    PROMPT,
    REMINDERS,
    SendPrompt,
    fan_out_round,
    queue_reminders,
    send_prompt,
)

log = structlog.get_logger()
_EXPORT_BATCHES = 20  # at most 10,000 responses a run; the next run takes the rest


def campaign_job_handlers(services: Services) -> dict[str, JobHandler]:
    cards = CampaignCards(services.renderer)

    async def fan_out(job: Job) -> None:
        campaign_id, index = job.payload.get("campaign_id"), job.payload.get("round_index")
        if not isinstance(campaign_id, str) or not isinstance(index, int):
            raise PermanentJobError("bad_payload")
        try:
            done = await fan_out_round(
                campaign_id, index, uow=services.uow, calendar=services.calendar,
                directory=services.directory, clock=services.clock,
                weekly_cap=services.settings.weekly_prompt_cap,
            )
        except NoAudience:
            raise PermanentJobError("no_audience") from None
        log.info("campaign_fan_out", job_id=job.id, campaign_id=campaign_id, asked=done.asked,
                 postponed=done.postponed)

    async def prompt(job: Job) -> None:
        payload = job.payload
        fields = [payload.get(name) for name in ("campaign_id", "person_id", "round")]
        reminder = payload.get("reminder", 0)
        if not all(isinstance(f, str) and f for f in fields) or not isinstance(reminder, int):
            raise PermanentJobError("bad_payload")
        campaign_id, person_id, round_key = (str(f) for f in fields)
        outcome = await send_prompt(
            SendPrompt(campaign_id, person_id, round_key, reminder),
            chats=personal_chats(services), forms=services.forms, renderer=cards,
        )
        log.info("campaign_prompt", job_id=job.id, campaign_id=campaign_id, reminder=reminder,
                 outcome=outcome.value)

    async def reminders(job: Job) -> None:
        queued = await queue_reminders(uow=services.uow, clock=services.clock)
        log.info("campaign_reminders_queued", job_id=job.id, queued=queued)

    async def occurrence_prompts(job: Job) -> None:
        made = await prompt_after_occurrences(
            uow=services.uow, calendar=services.calendar, clock=services.clock,
            weekly_cap=services.settings.weekly_prompt_cap,
        )
        log.info("campaign_occurrence_prompts_made", job_id=job.id, prompts=made)

    async def support_alert(job: Job) -> None:
        campaign_id, person_id = job.payload.get("campaign_id"), job.payload.get("person_id")
        if not isinstance(campaign_id, str) or not (person_id is None
                                                    or isinstance(person_id, str)):
            raise PermanentJobError("bad_payload")
        outcome = await send_support_alert(
            SendSupportAlert(campaign_id, person_id, f"{SUPPORT_ALERT}:{job.id}"),
            chats=personal_chats(services), forms=services.forms,
            directory=services.directory, renderer=cards,
        )
        log.info("campaign_support_alert", job_id=job.id, campaign_id=campaign_id,
                 outcome=outcome.value)

    async def export(job: Job) -> None:
        # A backlog goes in batches, each its own transaction, until one is short.
        handed = 0
        for _ in range(_EXPORT_BATCHES):
            done = await hand_to_outbox(uow=services.uow, forms=services.forms,
                                          clock=services.clock)
            handed += done
            if done < EXPORT_BATCH:
                break
        if handed:
            log.info("campaign_responses_exported", job_id=job.id, responses=handed)

    async def said_did(job: Job) -> None:
        ids = payload_ids(job.payload, "campaign_id", "said_did_id")
        if ids is None:
            raise PermanentJobError("bad_payload")
        queued = await fan_out_said_did(*ids, uow=services.uow)
        log.info("campaign_said_did_fanned_out", job_id=job.id, campaign_id=ids[0],
                 queued=queued)

    async def said_did_send(job: Job) -> None:
        ids = payload_ids(job.payload, "campaign_id", "said_did_id", "person_id")
        if ids is None:
            raise PermanentJobError("bad_payload")
        outcome = await deliver_said_did(*ids, chats=personal_chats(services),
                                         forms=services.forms, renderer=cards)
        log.info("campaign_said_did_sent", job_id=job.id, campaign_id=ids[0],
                 outcome=outcome.value)

    return {FAN_OUT: fan_out, PROMPT: prompt, REMINDERS: reminders,
            OCCURRENCE_PROMPTS: occurrence_prompts, SUPPORT_ALERT: support_alert,
            EXPORT: export, SAID_DID: said_did, SAID_DID_SEND: said_did_send}
