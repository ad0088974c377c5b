"""Ports: the small protocols use cases and entry points depend on. Adapters implement them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, Self

from teams_app.domain.conversations import ChatMember, ConversationRef
from teams_app.domain.languages import PersonLanguage
from teams_app.domain.messages import OutboundMessage
from teams_app.domain.reach import Unreachable, UnreachablePerson
from teams_app.ports.campaigns import CampaignRepository, PromptCounts
from teams_app.ports.errors import (
    ExternalServiceError,
    GraphConflict,
    GraphError,
    GraphForbidden,
    GraphNotFound,
    GraphRejected,
    GraphThrottled,
    GraphUnavailable,
    MessengerUnavailable,
    RecipientUnreachable,
)
from teams_app.ports.forms import FormCatalog, InvalidFormFile
from teams_app.ports.graph import Calendar, Directory, Lists, Subscriptions, TeamsAppInstaller
from teams_app.ports.partners import PartnerRepository
from teams_app.ports.plans import OccurrenceRepository, PlanRepository
from teams_app.ports.privacy import ErasureLog, PersonalData
from teams_app.ports.reflections import ReflectionRepository
from teams_app.ports.results import ListOutbox, OutboxCounts, OutboxRow, ResultListStore

# The Graph ports live in ports/graph.py, the plan repositories in ports/plans.py, the form
# catalog in ports/forms.py and the errors in ports/errors.py; everything is importable from here.
__all__ = [
    "Calendar",
    "CampaignRepository",
    "ReflectionRepository",
    "Clock",
    "ConversationStore",
    "DeliveryLog",
    "ErasureLog",
    "Directory",
    "ExternalServiceError",
    "FormCatalog",
    "GraphConflict",
    "GraphError",
    "GraphForbidden",
    "GraphNotFound",
    "GraphRejected",
    "GraphThrottled",
    "GraphUnavailable",
    "InvalidFormFile",
    "Job",
    "JobQueue",
    "JobState",
    "ListOutbox",
    "Lists",
    "Messenger",
    "MessengerUnavailable",
    "OccurrenceRepository",
    "OutboxCounts",
    "OutboxRow",
    "PersonLanguageStore",
    "PersonalData",
    "PlanRepository",
    "PromptCounts",
    "RecipientUnreachable",
    "ResultListStore",
    "Subscriptions",
    "TeamsAppInstaller",
    "UnitOfWork",
    "UnitOfWorkFactory",
]


class Clock(Protocol):
    def now(self) -> datetime: ...  # tz-aware UTC


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    DEAD = "dead"


@dataclass(frozen=True)
class Job:
    id: str
    kind: str
    payload: dict[str, Any]
    state: JobState
    run_at: datetime
    attempts: int
    max_attempts: int
    idempotency_key: str | None = None
    last_error: str | None = None
    lease_owner: str | None = None
    lease_expires_at: datetime | None = None
    created_at: datetime | None = None
    finished_at: datetime | None = None


class JobQueue(Protocol):
    """Enqueues inside the caller's transaction, so a state change and its job commit together."""

    async def enqueue(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        run_at: datetime | None = None,
        idempotency_key: str | None = None,
        max_attempts: int | None = None,
    ) -> str | None: ...  # the job id, or None when the idempotency key is already queued
    async def enqueue_many(
        self,
        kind: str,
        jobs_to_add: Sequence[tuple[dict[str, Any], str | None]],
        *,
        run_at: datetime | None = None,
    ) -> None: ...  # (payload, idempotency key) each, in one statement; known keys skipped
    # The caller's own running job marked done in the caller's transaction, so its outcome and
    # its completion commit together (one transaction fewer than the worker's completion).
    # False when `owner` no longer holds the job (its lease ran out and another took it).
    async def finish(self, job_id: str, owner: str) -> bool: ...


class ConversationStore(Protocol):
    # True when new. Saving a person's personal chat clears what kept them unreachable.
    async def save(self, ref: ConversationRef, *, at: datetime) -> bool: ...
    # Many at once (the turns of a burst): each stored, new or not; one per conversation id.
    async def save_all(self, refs: Sequence[ConversationRef], *, at: datetime) -> None: ...
    async def get(self, conversation_id: str) -> ConversationRef | None: ...
    async def personal_chat_of(self, user_id: str) -> ConversationRef | None: ...
    # The most recent conversation of the tenant (any tenant when None): where Teams answered
    # last, so a new personal chat is opened at the same service URL.
    async def latest_in_tenant(self, tenant_id: str | None) -> ConversationRef | None: ...
    async def mark_unreachable(
        self, user_id: str, reason: Unreachable, *, at: datetime
    ) -> None: ...
    async def unreachable_among(
        self, user_ids: Sequence[str]
    ) -> dict[str, UnreachablePerson]: ...


class DeliveryLog(Protocol):
    """Which messages went out, by delivery key. `record` after a send gives at-least-once
    (a crash between send and record repeats it); `record` before the send, then `confirm` or
    `release`, gives at-most-once for messages where a repeat is worse than a loss."""

    async def find(self, delivery_key: str) -> str | None: ...  # activity id ("" if unknown)
    async def record(
        self, delivery_key: str, conversation_id: str, activity_id: str | None, *, at: datetime
    ) -> bool: ...  # False when the key is already there
    async def confirm(self, delivery_key: str, activity_id: str | None) -> None: ...
    async def release(self, delivery_key: str) -> None: ...


class PersonLanguageStore(Protocol):
    """Each person's language (domain/languages.py). What they did in Teams replaces whatever
    was kept; what their mailbox says never replaces what they did."""

    async def get(self, user_id: str) -> PersonLanguage | None: ...
    async def spoke(self, user_id: str, locale: str, *, at: datetime) -> None: ...
    async def spoke_all(self, locales: Mapping[str, str], *, at: datetime) -> None: ...  # by user
    async def read_from_mailboxes(
        self, locales: Mapping[str, str | None], *, at: datetime
    ) -> None: ...  # by user id; None: the mailbox names no language the cards speak


class UnitOfWork(Protocol):
    conversations: ConversationStore
    languages: PersonLanguageStore
    jobs: JobQueue
    deliveries: DeliveryLog
    plans: PlanRepository  # learning plans (ports/plans.py)
    occurrences: OccurrenceRepository  # defending booked time (ports/plans.py)
    outbox: ListOutbox  # items on their way to SharePoint (ports/results.py)
    result_lists: ResultListStore  # where provisioning put the results lists
    campaigns: CampaignRepository  # campaigns, prompts, responses (ports/campaigns.py)
    # Every place that holds something about a person (ports/privacy.py), and the erase log.
    personal_data: Sequence[PersonalData]
    erasures: ErasureLog
    partners: PartnerRepository  # learning partners and their check-ins (ports/partners.py)
    reflections: ReflectionRepository  # rounds, reflections, follow-ups (ports/reflections.py)

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...  # rolls back if not committed
    async def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    """A new unit of work; `read_only` for one that only reads (on SQLite it takes no write
    lock, so it never waits for writers; a write in it fails)."""

    def __call__(self, *, read_only: bool = False) -> UnitOfWork: ...


class Messenger(Protocol):
    async def send(self, ref: ConversationRef, message: OutboundMessage) -> str | None: ...
    async def update(
        self, ref: ConversationRef, activity_id: str, message: OutboundMessage
    ) -> None: ...  # replaces a message the bot sent (a card that shows progress)
    # Opens the bot's personal chat with a person who has the app installed (the connector's
    # createConversation). RecipientUnreachable when Teams refuses it for good.
    # `bot_id` is how Teams addresses the bot in the tenant (from any stored conversation).
    async def open_personal_chat(
        self, user_id: str, *, tenant_id: str | None, service_url: str, bot_id: str | None = None
    ) -> ConversationRef: ...
    # The people in a group chat, meeting chat or channel the bot is in (RecipientUnreachable
    # when it is no longer there).
    async def members(self, ref: ConversationRef) -> list[ChatMember]: ...
