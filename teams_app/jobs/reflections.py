"""Job handlers for reflection rounds (thin): a round's fan-out, one card (or its reminder) to
one person, a round's close and summary, the periodic sweeps (rounds to close, follow-ups
due, reflections for SharePoint, kept learning sessions that ended) and one follow-up."""

from __future__ import annotations

import uuid
from datetime import timedelta

import structlog

from teams_app.bot.reflections.presenters import ReflectionCards
from teams_app.domain.reflections.rounds import RoundSpec
from teams_app.jobs.support import JobHandler, personal_chats
from teams_app.jobs.worker import PermanentJobError
from teams_app.ports import Job
from teams_app.ports.services import Services
from teams_app.use_cases.reflections import follow_ups, occurrences, outbox, starting, summaries
from teams_app.use_cases.reflections.sending import SendCard, fan_out_round, send_card

log = structlog.get_logger()
_EXPORT_BATCHES = 20


def _text(job: Job, name: str) -> str:
    value = job.payload.get(name)
    if not isinstance(value, str) or not value:
        raise PermanentJobError("bad_payload")
    return value


def _number(job: Job, name: str) -> int:
    value = job.payload.get(name, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PermanentJobError("bad_payload")
    return value


def reflection_job_handlers(services: Services) -> dict[str, JobHandler]:
    cards = ReflectionCards(services.renderer)

    async def fan_out(job: Job) -> None:
        done = await fan_out_round(_text(job, "round_id"), uow=services.uow,
                                   calendar=services.calendar, clock=services.clock)
        log.info("reflection_fan_out", job_id=job.id, cards=done.cards,
                 reminders=done.reminders)

    async def send(job: Job) -> None:
        round_id, reminder = _text(job, "round_id"), _number(job, "reminder")
        outcome = await send_card(
            SendCard(round_id, _text(job, "person_id"), reminder),
            chats=personal_chats(services), forms=services.forms, renderer=cards,
        )
        log.info("reflection_card", job_id=job.id, round_id=round_id, reminder=reminder,
                 outcome=outcome.value)

    async def close(job: Job) -> None:
        round_id = _text(job, "round_id")
        outcome = await summaries.close_round(
            round_id, uow=services.uow, chats=personal_chats(services), forms=services.forms,
            directory=services.directory, renderer=cards, clock=services.clock,
        )
        log.info("reflection_close", job_id=job.id, round_id=round_id, outcome=outcome.value)

    async def close_due(job: Job) -> None:
        queued = await summaries.close_due_rounds(uow=services.uow, clock=services.clock)
        if queued:
            log.info("reflection_closes_queued", job_id=job.id, queued=queued)

    async def follow_ups_due(job: Job) -> None:
        queued = await follow_ups.queue_due_follow_ups(
            uow=services.uow, calendar=services.calendar, clock=services.clock)
        if queued:
            log.info("follow_ups_queued", job_id=job.id, queued=queued)

    async def follow_up(job: Job) -> None:
        outcome = await follow_ups.send_follow_up(
            _text(job, "follow_up_id"), _number(job, "ask"), chats=personal_chats(services),
            forms=services.forms, renderer=cards,
        )
        log.info("follow_up_sent", job_id=job.id, outcome=outcome.value)

    async def session_rounds(job: Job) -> None:
        settings = services.settings
        started = await occurrences.rounds_after_sessions(
            uow=services.uow, forms=services.forms, clock=services.clock,
            spec=RoundSpec(timedelta(hours=settings.reflection_window_hours),
                           settings.reflection_k),
            new_id=lambda: str(uuid.uuid4()),
        )
        if started:
            log.info("reflection_session_rounds_started", job_id=job.id, started=started)

    async def export(job: Job) -> None:
        handed = 0
        for _ in range(_EXPORT_BATCHES):
            done = await outbox.hand_reflections_to_outbox(
                uow=services.uow, forms=services.forms, clock=services.clock)
            handed += done
            if done < outbox.BATCH:
                break
        if handed:
            log.info("reflections_exported", job_id=job.id, reflections=handed)

    return {starting.FAN_OUT: fan_out, starting.SEND: send, starting.CLOSE: close,
            starting.CLOSE_DUE: close_due, follow_ups.DUE: follow_ups_due,
            follow_ups.SEND: follow_up, outbox.EXPORT: export,
            occurrences.SESSION_ROUNDS: session_rounds}
