"""What the defend scan keeps between runs: each session's outcome and the member's decision,
the collisions already carded, and where the last calendar delta scan left off.

Pure values; `adapters/sql/occurrences.py` stores them (migration 0003).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from teams_app.domain.calendar import TimeSpan
from teams_app.domain.occurrences import CollisionKind, Outcome


class Decision(StrEnum):
    """The member's answer on a collision card."""

    KEPT = "kept"  # keep it where it is (an overlapped session then counts as kept)
    SKIPPED = "skipped"  # skip it this once: it leaves the calendar, the time goes back to work
    MOVED = "moved"  # moved through the card to a free time


class CollisionState(StrEnum):
    CARDED = "carded"  # the card is queued or sent
    ANSWERED = "answered"  # the member pressed Move, Keep or Skip (or the move was ours)


@dataclass(frozen=True)
class SlotRef:
    """One member's slot of one plan revision: what a card's `slot_id` names."""

    plan_id: str
    member_id: str
    revision: int


@dataclass(frozen=True)
class StoredOccurrence:
    slot: SlotRef
    key: str  # occurrence_key: the planned start in UTC
    span: TimeSpan  # as booked
    outcome: Outcome
    decision: Decision | None = None
    event_id: str | None = field(default=None, repr=False)  # the instance, when it exists


@dataclass(frozen=True)
class CardedCollision:
    slot: SlotRef
    key: str  # Collision.key
    occurrence_key: str
    kind: CollisionKind
    state: CollisionState


@dataclass(frozen=True)
class ScanState:
    """Per mailbox: the calendarView delta link and the window it was opened for."""

    mailbox: str
    window: TimeSpan
    scanned_at: datetime
    delta_link: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class WatchedMailbox:
    """A change-notification subscription on a mailbox's events (when notifications are on)."""

    mailbox: str
    subscription_id: str
    expires_at: datetime
    secret_hash: str  # of the clientState it was made with: a new secret means a new one
