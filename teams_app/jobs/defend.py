"""Job handlers for defending booked learning time (thin, like every job module): the periodic
scan's fan-out, one scan per mailbox, and the member's collision card."""

from __future__ import annotations

from datetime import timedelta

import structlog

from teams_app.bot.defend.presenters import CollisionCardRenderer
from teams_app.jobs.support import JobHandler, calendar_of, personal_chats, slot_of
from teams_app.jobs.worker import PermanentJobError
from teams_app.ports import GraphError, GraphForbidden, GraphNotFound, Job
from teams_app.ports.services import Services
from teams_app.use_cases.defend.collision_cards import (
    COLLISION_CARD,
    SendCollisionCard,
    send_collision_card,
)
from teams_app.use_cases.defend.scan import (
    DEFEND_MAILBOX,
    DEFEND_SCAN,
    DefendMailbox,
    StartDefendScan,
    defend_mailbox,
    start_defend_scan,
)
from teams_app.use_cases.defend.watch import WatchMailbox, watch_mailbox

log = structlog.get_logger()

def defend_job_handlers(services: Services) -> dict[str, JobHandler]:
    renderer = CollisionCardRenderer(services.renderer)
    settings = services.settings

    async def defend_scan(job: Job) -> None:
        if services.calendar is None:
            log.info("defend_scan_skipped", job_id=job.id, reason="graph_not_configured")
            return
        queued = await start_defend_scan(StartDefendScan(job.id), uow=services.uow)
        log.info("defend_scan_started", job_id=job.id, mailboxes=queued)

    async def watch(member_id: str) -> str:
        """Subscribe to the mailbox's changes when notifications are configured; a failure
        only leaves the periodic scan to notice changes."""
        if services.subscriptions is None or not settings.notifications_configured:
            return "off"
        try:
            done = await watch_mailbox(
                WatchMailbox(member_id, settings.graph_notification_secret or ""),
                uow=services.uow,
                subscriptions=services.subscriptions,
                clock=services.clock,
            )
        except GraphError as error:
            log.warning("mailbox_watch_failed", error=type(error).__name__)
            return "failed"
        return done.value

    async def defend_one(job: Job) -> None:
        member_id = job.payload.get("member_id")
        if not isinstance(member_id, str) or not member_id:
            raise PermanentJobError("bad_payload")
        cmd = DefendMailbox(member_id, timedelta(days=settings.defend_lookahead_days))
        try:
            result = await defend_mailbox(
                cmd, uow=services.uow, calendar=calendar_of(services), clock=services.clock
            )
        except GraphForbidden:
            raise PermanentJobError("graph_forbidden") from None
        except GraphNotFound:
            raise PermanentJobError("no_mailbox") from None
        watching = await watch(member_id)
        log.info(
            "mailbox_defended",
            watching=watching,
            job_id=job.id,
            slots=result.slots,
            read=result.read,
            new_delta=result.new_delta,
            saved=result.saved,
            carded=result.carded,
        )

    async def collision_card(job: Job) -> None:
        slot = slot_of(job)
        occurrence_key = job.payload.get("occurrence_key")
        collision_key = job.payload.get("collision_key")
        if not isinstance(occurrence_key, str) or not isinstance(collision_key, str):
            raise PermanentJobError("bad_payload")
        outcome = await send_collision_card(
            SendCollisionCard(slot, occurrence_key, collision_key),
            uow=services.uow,
            chats=personal_chats(services),
            renderer=renderer,
            calendar=calendar_of(services),
            clock=services.clock,
            directory=services.directory,
        )
        log.info("slot_collision_card", job_id=job.id, plan_id=slot.plan_id, outcome=outcome.value)

    return {
        DEFEND_SCAN: defend_scan,
        DEFEND_MAILBOX: defend_one,
        COLLISION_CARD: collision_card,
    }
