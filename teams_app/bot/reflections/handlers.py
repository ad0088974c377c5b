"""Bot handlers of reflection rounds: a meeting's end event and `reflect` typed in a chat start
a round; the reflection card's Send and refresh answer from the database alone. Every answer
is checked on the server: the sender must be the participant the card was made for, and the
card must ask the round's own form version."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from microsoft_agents.hosting.core import TurnContext

from cards import Translator
from teams_app.bot.reflections import presenters as present
from teams_app.bot.reflections.card_data import BadCardData, parse_card
from teams_app.bot.routing import is_personal, translator_of
from teams_app.bot.turns import sender_ids
from teams_app.domain.forms.errors import InvalidAnswers
from teams_app.domain.reflections.rounds import (
    AlreadyReflected,
    NoParticipants,
    NotAParticipant,
    RoundSpec,
    Source,
    meeting_key,
)
from teams_app.ports import ExternalServiceError
from teams_app.ports.services import Services
from teams_app.use_cases.reflections.answering import (
    SubmitReflection,
    WrongCard,
    reflection_card_state,
    submit_reflection,
)
from teams_app.use_cases.reflections.errors import (
    ChatGone,
    MissingForm,
    NotAGroupChat,
    RoundAlreadyOpen,
    UnknownChat,
    UnknownRound,
)
from teams_app.use_cases.reflections.starting import (
    RoundStarted,
    StartInChat,
    start_round_in_chat,
)

log = structlog.get_logger()

MEETING_END = "application/vnd.microsoft.meetingEnd"
# What a person types to start a round, in the languages the cards speak (matched whole).
REFLECT_WORDS = re.compile(
    r"\s*(reflect|reflektera|reflecteer|reflecteren|reflektieren)\s*[.!]?\s*", re.IGNORECASE)


def round_spec(services: Services) -> RoundSpec:
    settings = services.settings
    return RoundSpec(timedelta(hours=settings.reflection_window_hours), settings.reflection_k)


def meeting_of(context: TurnContext) -> tuple[str, datetime] | None:
    """The meeting's id and end time from the event (its value, else the channel data's
    meeting); None when the event names no meeting."""
    activity = context.activity
    value = activity.value if isinstance(activity.value, dict) else {}
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    meeting = data.get("meeting") if isinstance(data.get("meeting"), dict) else {}
    meeting_id = value.get("Id") or value.get("id") or meeting.get("id")
    if not isinstance(meeting_id, str) or not meeting_id.strip() or len(meeting_id) > 300:
        return None
    ended = _instant(value.get("EndTime")) or activity.timestamp
    if not isinstance(ended, datetime):
        return None
    return meeting_id.strip(), ended if ended.tzinfo else ended.replace(tzinfo=UTC)


def _instant(raw: object) -> datetime | None:
    if not isinstance(raw, str):
        return None
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return None


async def on_meeting_end(context: TurnContext, services: Services) -> None:
    conversation = context.activity.conversation
    meeting = meeting_of(context)
    if meeting is None or conversation is None or not conversation.id or is_personal(context):
        log.info("reflection_meeting_end_ignored", reason="no_meeting")
        return
    meeting_id, ended = meeting
    organiser, _ = sender_ids(context)
    cmd = StartInChat(conversation.id, Source.MEETING, organiser or None,
                      source_key=meeting_key(meeting_id, ended.date()), spec=round_spec(services))
    started = await _start(context, services, cmd)
    if started is not None and started.new:
        await context.send_activity(_started_text(translator_of(context, services), started,
                                                  services))


async def on_reflect_typed(context: TurnContext, services: Services) -> None:
    t = translator_of(context, services)
    conversation = context.activity.conversation
    if is_personal(context) or conversation is None or not conversation.id:
        await context.send_activity(t("reflection.personal_only"))
        return
    starter, _ = sender_ids(context)
    cmd = StartInChat(conversation.id, Source.COMMAND, starter or None,
                      spec=round_spec(services))
    try:
        started = await _start(context, services, cmd)
    except RoundAlreadyOpen as already:
        hours = _hours_left(already.round.closes_at, services.clock.now())
        await context.send_activity(t("reflection.already_open", hours=hours))
        return
    if started is None:
        await context.send_activity(t("reflection.cannot_start"))
        return
    await context.send_activity(_started_text(t, started, services))


async def _start(
    context: TurnContext, services: Services, cmd: StartInChat
) -> RoundStarted | None:
    """The round, or None when it cannot start (said in the log; the caller tells people
    where it can). A chat the bot no longer reaches, nobody to ask, no form: no round."""
    try:
        return await start_round_in_chat(
            cmd, uow=services.uow, messenger=services.messenger, forms=services.forms,
            clock=services.clock, new_id=lambda: str(uuid.uuid4()),
        )
    except (UnknownChat, NotAGroupChat, ChatGone, NoParticipants, MissingForm) as refused:
        log.info("reflection_round_not_started", source=cmd.source.value, reason=refused.code)
        return None
    except ExternalServiceError as error:
        log.info("reflection_round_not_started", source=cmd.source.value,
                 reason=type(error).__name__)
        return None


def _started_text(t: Translator, started: RoundStarted, services: Services) -> str:
    hours = _hours_left(started.round.closes_at, services.clock.now())
    return t("reflection.started", count=started.asked, hours=hours)


def _hours_left(closes_at: datetime, now: datetime) -> int:
    return max(1, round((closes_at - now).total_seconds() / 3600))


async def on_reflection_submit(
    context: TurnContext, services: Services, data: Any
) -> dict[str, Any]:
    t = translator_of(context, services)
    person, recipient = sender_ids(context)
    try:
        ids, answers = parse_card(data, "round_id")
    except BadCardData:
        return present.message_card(None, t, "form.stale")
    try:
        receipt = await submit_reflection(
            SubmitReflection(ids.target_id, person, ids.form_key, ids.form_version, answers),
            uow=services.uow, forms=services.forms, clock=services.clock,
            new_key=lambda: str(uuid.uuid4()),
            follow_up_after=timedelta(days=services.settings.follow_up_days),
        )
    except InvalidAnswers as refused:
        form = await services.forms.get(ids.form_key, ids.form_version)
        state = await _state(services, ids.target_id, person)
        if form is None or state is None:
            return present.message_card(form, t, "form.stale")
        log.info("reflection_answer_refused", round_id=ids.target_id,
                 problems=len(refused.errors))
        return present.the_card(form, state.round, t, recipient, submitted=answers,
                                errors=refused.errors, late=not state.round.is_open(
                                    services.clock.now()))
    except AlreadyReflected:
        return await _current(services, t, ids.target_id, person, recipient)
    except NotAParticipant:
        log.info("reflection_answer_refused", round_id=ids.target_id, problem="not_participant")
        form = await services.forms.get(ids.form_key, ids.form_version)
        return present.message_card(form, t, "reflection.not_participant")
    except (WrongCard, UnknownRound, MissingForm):
        log.info("reflection_answer_refused", problem="stale")
        return present.message_card(None, t, "form.stale")
    return present.reflected_card(receipt.form, receipt.round, t, recipient, receipt.answers,
                                  sharing=receipt.content.sharing.value, late=receipt.late)


async def on_reflection_refresh(
    context: TurnContext, services: Services, data: Any
) -> dict[str, Any]:
    t = translator_of(context, services)
    person, recipient = sender_ids(context)
    try:
        ids, _ = parse_card(data, "round_id")
    except BadCardData:
        return present.message_card(None, t, "form.stale")
    return await _current(services, t, ids.target_id, person, recipient)


async def _current(
    services: Services, t: Translator, round_id: str, person: str, recipient: str
) -> dict[str, Any]:
    state = await _state(services, round_id, person)
    if state is None:
        return present.message_card(None, t, "form.stale")
    return present.card_for(state, t, recipient)


async def _state(services: Services, round_id: str, person: str) -> Any:
    try:
        return await reflection_card_state(round_id, person, uow=services.uow,
                                           forms=services.forms, clock=services.clock)
    except (UnknownRound, MissingForm):
        return None
