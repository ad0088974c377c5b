"""Proactive notifications: scheduled as jobs, delivered at most once per delivery key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from teams_app.domain.conversations import ConversationRef
from teams_app.domain.errors import DomainError
from teams_app.domain.messages import OutboundMessage
from teams_app.ports import Clock, Messenger, UnitOfWork
from teams_app.use_cases.languages import PersonLanguages

NOTIFY = "notify"  # job kind


class UnknownTemplate(DomainError):
    code = "unknown_template"


class UnknownRecipient(DomainError):
    """Nobody with this id has the app installed, so Teams gives the bot no way to reach them."""

    code = "unknown_recipient"


class MessageRenderer(Protocol):
    # `locale`: the language to speak (None: the default), the person's or the chat's.
    def render(
        self, template: str, ref: ConversationRef, locale: str | None
    ) -> OutboundMessage: ...


@dataclass(frozen=True)
class Recipient:
    user_id: str | None = None
    conversation_id: str | None = None

    def __post_init__(self) -> None:
        if bool(self.user_id) == bool(self.conversation_id):
            raise ValueError("a recipient is a person or a conversation, not both or neither")

    def as_payload(self) -> dict[str, str]:
        if self.user_id:
            return {"user_id": self.user_id}
        return {"conversation_id": self.conversation_id or ""}


@dataclass(frozen=True)
class ScheduleNotification:
    recipient: Recipient
    template: str
    key: str  # idempotency key: the same logical notification is queued and sent once
    at: datetime | None = None


@dataclass(frozen=True)
class DeliverNotification:
    recipient: Recipient
    template: str
    key: str


@dataclass(frozen=True)
class DeliveryReceipt:
    conversation_id: str
    activity_id: str | None
    already_sent: bool


async def schedule_notification(
    cmd: ScheduleNotification, *, uow: Callable[[], UnitOfWork]
) -> str | None:
    async with uow() as work:
        job_id = await work.jobs.enqueue(
            NOTIFY,
            {**cmd.recipient.as_payload(), "template": cmd.template, "key": cmd.key},
            run_at=cmd.at,
            idempotency_key=f"{NOTIFY}:{cmd.key}",
        )
        await work.commit()
    return job_id


def parse_notification(payload: dict[str, object]) -> DeliverNotification:
    def text(name: str) -> str | None:
        value = payload.get(name)
        return value if isinstance(value, str) and value else None

    template, key = text("template"), text("key")
    if template is None or key is None:
        raise ValueError("notification payload needs a template and a key")
    return DeliverNotification(
        Recipient(user_id=text("user_id"), conversation_id=text("conversation_id")), template, key
    )


async def deliver_notification(
    cmd: DeliverNotification,
    *,
    uow: Callable[[], UnitOfWork],
    messenger: Messenger,
    renderer: MessageRenderer,
    clock: Clock,
    languages: PersonLanguages,
) -> DeliveryReceipt:
    """A card to a person speaks their language (use_cases/languages.py); one to a group chat
    or channel, the language of its last turn."""
    async with uow() as work:
        if cmd.recipient.user_id:
            ref = await work.conversations.personal_chat_of(cmd.recipient.user_id)
        else:
            ref = await work.conversations.get(cmd.recipient.conversation_id or "")
        if ref is None:
            raise UnknownRecipient(cmd.recipient.user_id or cmd.recipient.conversation_id)
        sent = await work.deliveries.find(cmd.key)
    if sent is not None:
        return DeliveryReceipt(ref.conversation_id, sent or None, already_sent=True)

    user_id = cmd.recipient.user_id
    locale = await languages.locale_of(user_id) if user_id else ref.locale
    activity_id = await messenger.send(ref, renderer.render(cmd.template, ref, locale))
    async with uow() as work:
        await work.deliveries.record(cmd.key, ref.conversation_id, activity_id, at=clock.now())
        await work.commit()
    return DeliveryReceipt(ref.conversation_id, activity_id, already_sent=False)
