"""Job handlers for learning partners (thin): one person's "your partners" card, the periodic
queueing of the coaching check-ins that came due, and one person's check-in card."""

from __future__ import annotations

import structlog

from teams_app.bot.partners.presenters import PartnerCardRenderer
from teams_app.jobs.support import JobHandler, personal_chats
from teams_app.jobs.worker import PermanentJobError
from teams_app.ports import Job
from teams_app.ports.services import Services
from teams_app.use_cases.partners.check_ins import (
    CHECK_IN,
    CHECK_INS_DUE,
    announce,
    queue_check_ins,
    send_check_in,
)
from teams_app.use_cases.partners.pairing import ANNOUNCE

log = structlog.get_logger()


def partner_job_handlers(services: Services) -> dict[str, JobHandler]:
    cards = PartnerCardRenderer(services.renderer)

    def ids(job: Job) -> tuple[str, str]:
        pairing_id, person_id = job.payload.get("pairing_id"), job.payload.get("person_id")
        if not isinstance(pairing_id, str) or not isinstance(person_id, str):
            raise PermanentJobError("bad_payload")
        return pairing_id, person_id

    async def announce_partners(job: Job) -> None:
        pairing_id, person_id = ids(job)
        outcome = await announce(pairing_id, person_id, chats=personal_chats(services),
                                 directory=services.directory, cards=cards)
        log.info("partners_announced", job_id=job.id, pairing_id=pairing_id,
                 outcome=outcome.value)

    async def check_ins_due(job: Job) -> None:
        queued = await queue_check_ins(uow=services.uow, clock=services.clock)
        log.info("partner_check_ins_queued", job_id=job.id, queued=queued)

    async def check_in(job: Job) -> None:
        pairing_id, person_id = ids(job)
        number = job.payload.get("number")
        if isinstance(number, bool) or not isinstance(number, int):
            raise PermanentJobError("bad_payload")
        outcome = await send_check_in(pairing_id, person_id, number,
                                      chats=personal_chats(services),
                                      directory=services.directory, cards=cards)
        log.info("partner_check_in_sent", job_id=job.id, pairing_id=pairing_id, number=number,
                 outcome=outcome.value)

    return {ANNOUNCE: announce_partners, CHECK_INS_DUE: check_ins_due, CHECK_IN: check_in}
