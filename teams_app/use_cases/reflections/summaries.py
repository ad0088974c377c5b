"""Closing a round: its summary from the reflections that came in time, exactly as each person
chose to share (domain/reflections/sharing.py), posted where the meeting happened: the meeting
chat, the channel, or the organiser's own chat. A chat the bot was removed from (403/404) sends
it to the organiser instead; when nobody can take it, it is kept (`learning-loop reflect show`)
and the outcome says why. Late answers never change it: they are marked late and left out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import structlog

from teams_app.domain.conversations import ConversationRef
from teams_app.domain.forms.answers import validate_answers
from teams_app.domain.forms.definitions import Form
from teams_app.domain.forms.errors import InvalidAnswers
from teams_app.domain.messages import OutboundMessage
from teams_app.domain.reach import Unreachable
from teams_app.domain.reflections.rounds import Round, RoundState
from teams_app.domain.reflections.sharing import RoundSummary, content_of, summarise
from teams_app.ports import Clock, Directory, FormCatalog, RecipientUnreachable, UnitOfWorkFactory
from teams_app.ports.reflections import ParticipantCounts
from teams_app.use_cases.people_names import people_names
from teams_app.use_cases.reach import PersonalChats
from teams_app.use_cases.reflections.errors import MissingForm, UnknownRound
from teams_app.use_cases.reflections.starting import CLOSE, round_payload

log = structlog.get_logger()

SHOWN_ITEMS = 30  # take-aways and actions a summary card lists; the rest are counted


class SummaryRenderer(Protocol):
    def summary(
        self, form: Form, rnd: Round, summary: RoundSummary, counts: ParticipantCounts, *,
        names: Mapping[str, str], locale: str | None, redirected: bool,
    ) -> OutboundMessage: ...


@dataclass(frozen=True)
class RoundReport:
    round: Round
    form: Form
    summary: RoundSummary
    counts: ParticipantCounts
    late: int  # reflections after the window: kept, not in the summary


async def round_report(
    round_id: str, *, uow: UnitOfWorkFactory, forms: FormCatalog
) -> RoundReport:
    """The summary as the group may see it, from the on-time reflections alone."""
    async with uow(read_only=True) as tx:
        rnd = await tx.reflections.round(round_id)
        if rnd is None:
            raise UnknownRound(round_id)
        kept = await tx.reflections.reflections_of(round_id)
        counts = await tx.reflections.counts(round_id)
    form = await forms.get(rnd.form_key, rnd.form_version)
    if form is None:
        raise MissingForm(rnd.form_key)
    on_time = []
    for reflection in kept:
        if reflection.late:
            continue
        try:
            content = content_of(validate_answers(form, reflection.answers))
        except (InvalidAnswers, ValueError):  # stored after the same check: a changed file
            log.warning("reflection_unreadable", round_id=round_id)
            continue
        on_time.append((content, reflection.person_id))
    summary = summarise(on_time, asked=counts.asked, k=rnd.k)
    return RoundReport(rnd, form, summary, counts, sum(r.late for r in kept))


class SummaryOutcome(StrEnum):
    POSTED = "posted"  # where the meeting happened
    ORGANISER = "organiser"  # the chat refused it: the organiser got it
    KEPT = "kept"  # nowhere took it: kept, shown by the CLI
    NOT_NEEDED = "not_needed"  # summarised already, or not yet closed


async def close_round(
    round_id: str, *, uow: UnitOfWorkFactory, chats: PersonalChats, forms: FormCatalog,
    directory: Directory | None, renderer: SummaryRenderer, clock: Clock,
) -> SummaryOutcome:
    async with uow(read_only=True) as tx:
        rnd = await tx.reflections.round(round_id)
        chat = None
        if rnd is not None and rnd.conversation_id:
            chat = await tx.conversations.get(rnd.conversation_id)
    if rnd is None or rnd.state is RoundState.SUMMARISED or clock.now() < rnd.closes_at:
        return SummaryOutcome.NOT_NEEDED
    report = await round_report(round_id, uow=uow, forms=forms)
    shown = [i.person_id for i in (*report.summary.takeaways[:SHOWN_ITEMS],
                                   *report.summary.actions[:SHOWN_ITEMS]) if i.person_id]
    names = await people_names(dict.fromkeys(shown), directory=directory)
    key = f"reflection.summary:{rnd.id}"
    async with uow(read_only=True) as tx:
        sent = await tx.deliveries.find(key)
    outcome, detail = SummaryOutcome.POSTED, None
    if sent is None:
        outcome, detail = await _deliver(rnd, report, chat, names, chats, renderer, key)
    async with uow() as tx:
        done = await tx.reflections.mark_summarised(
            rnd.id, outcome.value if detail is None else f"{outcome.value}:{detail}")
        await tx.commit()
    if not done:
        return SummaryOutcome.NOT_NEEDED
    log.info("reflection_round_summarised", round_id=rnd.id, outcome=outcome.value,
             reason=detail, reflected=report.summary.reflected, asked=report.counts.asked,
             late=report.late)
    return outcome


async def _deliver(
    rnd: Round, report: RoundReport, chat: ConversationRef | None, names: Mapping[str, str],
    chats: PersonalChats, renderer: SummaryRenderer, key: str,
) -> tuple[SummaryOutcome, str | None]:
    if chat is not None:
        message = renderer.summary(report.form, rnd, report.summary, report.counts,
                                   names=names, locale=chat.locale, redirected=False)
        try:
            activity_id = await chats.messenger.send(chat, message)
        except RecipientUnreachable:
            log.info("reflection_summary_chat_gone", round_id=rnd.id)
        else:
            await _record(chats, key, chat.conversation_id, activity_id)
            return SummaryOutcome.POSTED, None
    if rnd.organiser_id is None:
        return SummaryOutcome.KEPT, "no_organiser"
    personal = await chats.reach(rnd.organiser_id)
    if isinstance(personal, Unreachable):
        return SummaryOutcome.KEPT, personal.value
    message = renderer.summary(
        report.form, rnd, report.summary, report.counts, names=names,
        locale=await chats.languages.locale_of(rnd.organiser_id),
        redirected=rnd.conversation_id is not None,
    )
    try:
        activity_id = await chats.messenger.send(personal, message)
    except RecipientUnreachable:
        await chats.gone(rnd.organiser_id)
        return SummaryOutcome.KEPT, Unreachable.UNINSTALLED.value
    await _record(chats, key, personal.conversation_id, activity_id)
    return SummaryOutcome.ORGANISER, None


async def _record(
    chats: PersonalChats, key: str, conversation_id: str, activity_id: str | None
) -> None:
    async with chats.uow() as tx:
        await tx.deliveries.record(key, conversation_id, activity_id, at=chats.clock.now())
        await tx.commit()


async def close_due_rounds(*, uow: UnitOfWorkFactory, clock: Clock) -> int:
    """Queues the close of every round whose window ended and that is not summarised (a close
    job lost with a restored database, say); the job's key keeps it to one."""
    async with uow() as tx:
        due = await tx.reflections.rounds_closing(before=clock.now())
        queued = 0
        for rnd in due:
            added = await tx.jobs.enqueue(CLOSE, round_payload(rnd.id),
                                          idempotency_key=f"{CLOSE}:{rnd.id}")
            queued += added is not None
        await tx.commit()
    return queued
