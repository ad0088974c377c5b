"""Learning plans (issue 4): the plan aggregate, its members, slots and booking progress, and
what defending the booked time keeps."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from teams_app.domain.bookings import (
    BookedSlot,
    BookingProgress,
    MemberFailure,
    MemberState,
    PlanMember,
    SlotState,
)
from teams_app.domain.learning_plans import LearningPlan
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
    async def touch_slot(
        self, slot: BookedSlot, *, since: datetime, at: datetime
    ) -> bool: ...  # False when the slot was written at or after `since` (a repeated job)
    # Many members in one statement each (booking runs and chunked booking jobs):
    async def slots_of(
        self, plan_id: str, revision: int, member_ids: Sequence[str]
    ) -> list[BookedSlot]: ...
    async def members_of(
        self, plan_id: str, member_ids: Sequence[str]
    ) -> list[PlanMember]: ...  # those of `member_ids` the plan has a row for
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
    # The organisers' booked slots of active plans `member_id` is booked in and does not own:
    # a team session's meeting (the caller checks the mode; a personal plan's owner may also be
    # a member with a series of their own).
    async def organiser_slots_for(self, member_id: str) -> list[BookedSlot]: ...
    async def booked_members(self) -> list[str]: ...
    async def occurrences(self, slot: SlotRef) -> list[StoredOccurrence]: ...
    async def occurrence(self, slot: SlotRef, key: str) -> StoredOccurrence | None: ...
    async def plan_occurrences(self, plan_ids: Collection[str]) -> list[StoredOccurrence]: ...
    async def forget_occurrences(self, slot: SlotRef, *, from_key: str) -> None: ...
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
