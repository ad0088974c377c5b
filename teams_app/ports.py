"""Ports: the small protocols use cases and entry points depend on. Adapters implement them."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, Self

from teams_app.domain.bookings import (
    BookedSlot,
    BookingProgress,
    MemberFailure,
    MemberState,
    PlanMember,
    SlotState,
)
from teams_app.domain.calendar import (
    Availability,
    CalendarChanges,
    CalendarEvent,
    ChangeType,
    EventChanges,
    EventDraft,
    MailboxSettings,
    Subscription,
    TimeSpan,
)
from teams_app.domain.conversations import ConversationRef
from teams_app.domain.directory import (
    AppInstallation,
    FieldValue,
    ListItem,
    ListRef,
    ListSchema,
    Page,
    PeopleQuery,
    Person,
    Site,
)
from teams_app.domain.learning_plans import LearningPlan
from teams_app.domain.messages import OutboundMessage
from teams_app.domain.occurrence_records import (
    CardedCollision,
    CollisionState,
    Decision,
    ScanState,
    SlotRef,
    StoredOccurrence,
    WatchedMailbox,
)
from teams_app.domain.occurrences import CollisionKind, Outcome

__all__ = [
    "Calendar",
    "Clock",
    "ConversationStore",
    "DeliveryLog",
    "Directory",
    "ExternalServiceError",
    "GraphConflict",
    "GraphError",
    "GraphForbidden",
    "GraphNotFound",
    "GraphRejected",
    "GraphThrottled",
    "GraphUnavailable",
    "Job",
    "JobQueue",
    "JobState",
    "Lists",
    "Messenger",
    "MessengerUnavailable",
    "OccurrenceRepository",
    "PlanRepository",
    "RecipientUnreachable",
    "Subscriptions",
    "TeamsAppInstaller",
    "UnitOfWork",
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


class ConversationStore(Protocol):
    async def save(self, ref: ConversationRef, *, at: datetime) -> bool: ...  # True when new
    async def get(self, conversation_id: str) -> ConversationRef | None: ...
    async def personal_chat_of(self, user_id: str) -> ConversationRef | None: ...


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


class UnitOfWork(Protocol):
    conversations: ConversationStore
    jobs: JobQueue
    deliveries: DeliveryLog
    plans: PlanRepository  # learning plans (see the block at the end of this module)
    occurrences: OccurrenceRepository  # defending booked time (end of this module)

    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...  # rolls back if not committed
    async def commit(self) -> None: ...


class Messenger(Protocol):
    async def send(self, ref: ConversationRef, message: OutboundMessage) -> str | None: ...
    async def update(
        self, ref: ConversationRef, activity_id: str, message: OutboundMessage
    ) -> None: ...  # replaces a message the bot sent (a card that shows progress)


@dataclass
class ExternalServiceError(Exception):
    """A service outside ours failed; callers show a "try again later" answer."""

    service: str
    status: int | None = None
    detail: str = field(default="", repr=False)

    def __str__(self) -> str:
        return f"{self.service} failed (status {self.status})"


class MessengerUnavailable(ExternalServiceError):
    """Teams did not accept the message after the retries; the job retries later."""


class RecipientUnreachable(ExternalServiceError):
    """Teams refused the conversation for good (app removed, conversation gone)."""


# =============================================================================================
# Microsoft Graph ports (implemented in graph/). Domain types only; no SDK type crosses them.
# =============================================================================================


class Calendar(Protocol):
    """A person's Outlook calendar. `mailbox` is an Entra object id or a UPN."""

    async def mailbox_settings(self, mailbox: str) -> MailboxSettings: ...
    async def mailbox_settings_batched(
        self, mailboxes: Sequence[str]
    ) -> dict[str, MailboxSettings | GraphError]: ...  # per mailbox; GraphNotFound: none
    async def free_busy(
        self, mailboxes: Sequence[str], window: TimeSpan, *, interval_minutes: int = 30
    ) -> list[Availability]: ...  # one per mailbox, in the order asked
    async def calendar_view(self, mailbox: str, window: TimeSpan) -> list[CalendarEvent]: ...
    async def create_event(self, mailbox: str, draft: EventDraft) -> CalendarEvent: ...
    async def create_events_batched(
        self, drafts_by_mailbox: Mapping[str, Sequence[EventDraft]]
    ) -> dict[str, list[CalendarEvent | GraphError]]: ...  # per mailbox, in draft order
    async def series_instances(
        self, mailbox: str, series_id: str, window: TimeSpan
    ) -> list[CalendarEvent]: ...
    async def update_event(
        self, mailbox: str, event_id: str, changes: EventChanges
    ) -> CalendarEvent: ...  # one occurrence (becomes an exception) or a whole event
    async def cancel_event(self, mailbox: str, event_id: str, *, comment: str = "") -> None: ...
    async def delete_event(self, mailbox: str, event_id: str) -> None: ...
    async def delta_scan(
        self, mailbox: str, window: TimeSpan | None = None, *, delta_link: str | None = None
    ) -> CalendarChanges: ...  # first scan needs the window; later ones the stored link


class Directory(Protocol):
    async def user(self, id_or_upn: str) -> Person: ...
    async def users(self, query: PeopleQuery, *, cursor: str | None = None) -> Page[Person]: ...
    async def group_members(self, group_id: str) -> list[Person]: ...  # transitive, users only
    async def direct_reports(self, user_id: str) -> list[Person]: ...


class Lists(Protocol):
    """SharePoint lists the organisation owns. Writes are idempotent through the key column."""

    async def site_by_url(self, url: str) -> Site: ...
    async def site_by_id(self, site_id: str) -> Site: ...
    async def ensure_list(self, site_id: str, schema: ListSchema) -> ListRef: ...
    async def add_item(self, ref: ListRef, fields: Mapping[str, FieldValue]) -> ListItem: ...
    async def update_item(
        self, ref: ListRef, item_id: str, fields: Mapping[str, FieldValue]
    ) -> ListItem: ...
    async def upsert_item(
        self, ref: ListRef, key: str, fields: Mapping[str, FieldValue]
    ) -> ListItem: ...
    async def item_by_key(self, ref: ListRef, key: str) -> ListItem | None: ...
    async def query_items(
        self,
        ref: ListRef,
        where: Mapping[str, FieldValue],
        *,
        page_size: int = 200,
        cursor: str | None = None,
    ) -> Page[ListItem]: ...  # equality on indexed columns only


class TeamsAppInstaller(Protocol):
    async def install_for_user(self, user_id: str) -> AppInstallation: ...  # already = success
    async def chat_id(self, user_id: str) -> str | None: ...


class Subscriptions(Protocol):
    async def create(
        self,
        resource: str,
        change_types: Iterable[ChangeType],
        *,
        client_state: str,
        expires_at: datetime,
    ) -> Subscription: ...
    async def renew(self, subscription_id: str, *, expires_at: datetime) -> Subscription: ...
    async def delete(self, subscription_id: str) -> None: ...  # gone already = success


@dataclass
class GraphError(ExternalServiceError):
    """Microsoft Graph failed. Subclasses say how; `request_id` helps Microsoft support."""

    service: str = "Microsoft Graph"
    request_id: str | None = None


class GraphNotFound(GraphError):
    """The user, mailbox, event, site or list does not exist (or the person has no mailbox)."""


@dataclass
class GraphForbidden(GraphError):
    """The app lacks a permission. `permission` names the application permission (or role)
    the admin must grant, so the message is actionable."""

    permission: str = ""

    def __str__(self) -> str:
        if not self.permission:
            return f"{self.service} refused access (status {self.status})"
        return (
            f"{self.service} refused access (status {self.status}): grant the application "
            f"permission {self.permission} and admin consent"
        )


@dataclass
class GraphThrottled(GraphError):
    """Still throttled after the configured retries; retry after `retry_after` seconds."""

    retry_after: float | None = None


class GraphUnavailable(GraphError):
    """Graph did not answer in time, dropped the connection or answered 5xx."""


class GraphConflict(GraphError):
    """The write clashed with the current state (409/412), e.g. a duplicate unique key."""


class GraphRejected(GraphError):
    """Graph refused the request as malformed (other 4xx): a bug on our side, not transient."""


# =============================================================================================
# Learning plans (issue 4): the plan aggregate, its members, slots and booking progress.
# =============================================================================================


class PlanRepository(Protocol):
    """Plans and what booking them left. The goal text is stored but never logged."""

    async def get(self, plan_id: str) -> LearningPlan | None: ...
    async def plans_of(
        self, owner_id: str, *, include_cancelled: bool = False
    ) -> list[LearningPlan]: ...  # newest first
    async def active_plan_ids(self) -> list[str]: ...  # for the periodic membership reconcile
    async def add(self, plan: LearningPlan) -> None: ...
    async def save(self, plan: LearningPlan) -> None: ...  # spec, revision, status, updated_at
    async def members(self, plan_id: str) -> list[PlanMember]: ...
    async def set_member(
        self,
        plan_id: str,
        member_id: str,
        state: MemberState,
        *,
        at: datetime,
        failure: MemberFailure | None = None,
    ) -> None: ...  # insert or overwrite
    async def move_member(
        self,
        plan_id: str,
        member_id: str,
        *,
        from_state: MemberState,
        to_state: MemberState,
        at: datetime,
        failure: MemberFailure | None = None,
    ) -> bool: ...  # False when the member was not in `from_state` (a repeat or a race)
    async def slots(self, plan_id: str) -> list[BookedSlot]: ...
    async def slot(self, plan_id: str, member_id: str, revision: int) -> BookedSlot | None: ...
    async def plan_slot(self, slot: BookedSlot, *, at: datetime) -> bool: ...  # False if there
    async def mark_slot(
        self,
        slot: BookedSlot,
        state: SlotState,
        *,
        at: datetime,
        event_id: str | None = None,
    ) -> None: ...
    # Many members in one statement each (booking runs and chunked booking jobs):
    async def slots_of(
        self, plan_id: str, revision: int, member_ids: Sequence[str]
    ) -> list[BookedSlot]: ...
    async def set_members(
        self,
        plan_id: str,
        states: Sequence[tuple[str, MemberState, MemberFailure | None]],
        *,
        at: datetime,
    ) -> None: ...  # insert or overwrite each (member, state, failure)
    async def plan_slots(self, slots: Sequence[BookedSlot], *, at: datetime) -> None: ...
    async def move_members(
        self,
        plan_id: str,
        member_ids: Sequence[str],
        *,
        from_state: MemberState,
        to_state: MemberState,
        at: datetime,
        failure: MemberFailure | None = None,
    ) -> list[str]: ...  # the members actually moved
    async def mark_slots(
        self,
        plan_id: str,
        revision: int,
        event_ids: Mapping[str, str],
        state: SlotState,
        *,
        at: datetime,
    ) -> None: ...  # event_ids: member -> series id
    async def progress(self, plan_id: str, revision: int) -> BookingProgress | None: ...
    async def save_progress(self, progress: BookingProgress) -> None: ...  # insert or replace
    async def count_progress(
        self,
        plan_id: str,
        revision: int,
        *,
        done: int = 0,
        failed: int = 0,
        total: int = 0,  # negative when a member leaves the run
        at: datetime,
    ) -> None: ...  # atomic increments; finishes the run when every member is counted


class OccurrenceRepository(Protocol):
    """What the defend scan keeps: outcomes and decisions per session, carded collisions,
    delta links per mailbox, and member cards that found no chat."""

    async def booked_slots_of(self, member_id: str) -> list[BookedSlot]: ...
    async def booked_members(self) -> list[str]: ...
    async def occurrences(self, slot: SlotRef) -> list[StoredOccurrence]: ...
    async def occurrence(self, slot: SlotRef, key: str) -> StoredOccurrence | None: ...
    async def plan_occurrences(self, plan_ids: Collection[str]) -> list[StoredOccurrence]: ...
    async def save_occurrences(
        self, found: Sequence[StoredOccurrence], *, at: datetime
    ) -> None: ...  # upsert; never overwrites a decision
    async def decide(
        self,
        slot: SlotRef,
        key: str,
        decision: Decision,
        *,
        outcome: Outcome,
        at: datetime,
        event_id: str | None = None,
    ) -> bool: ...
    async def collisions(self, slot: SlotRef) -> list[CardedCollision]: ...
    async def add_collision(
        self,
        slot: SlotRef,
        key: str,
        *,
        occurrence_key: str,
        kind: CollisionKind,
        state: CollisionState,
        at: datetime,
    ) -> bool: ...  # False when the key is known: one card per collision
    async def answer_collisions(
        self, slot: SlotRef, occurrence_key: str, *, at: datetime
    ) -> None: ...
    async def scan_state(self, mailbox: str) -> ScanState | None: ...
    async def save_scan_state(self, state: ScanState) -> None: ...
    async def record_card_miss(
        self, delivery_key: str, slot: SlotRef, reason: str, *, at: datetime
    ) -> bool: ...
    async def card_misses(self, plan_id: str) -> list[tuple[str, str]]: ...
    # Change notifications, when configured: one subscription per defended mailbox.
    async def watched(self, mailbox: str) -> WatchedMailbox | None: ...
    async def watched_by(self, subscription_id: str) -> WatchedMailbox | None: ...
    async def watch(self, watched: WatchedMailbox, *, at: datetime) -> None: ...  # replaces
    async def unwatch(self, subscription_id: str) -> None: ...
