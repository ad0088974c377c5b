"""What booking a plan leaves behind: each member's state, each slot's series, the run's progress.

Pure values. The booking use cases (`use_cases/booking.py`) move members from pending to booked
or failed, one job per member; the progress row counts them so a card or the CLI can show it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum

from teams_app.domain.calendar import Weekday
from teams_app.domain.slots import SlotTime


class MemberState(StrEnum):
    PENDING = "pending"  # a slot is planned and its booking job is queued
    BOOKED = "booked"  # the series exists in the member's calendar
    RELEASED = "released"  # the plan was cancelled (or the member left): the series is gone
    FAILED = "failed"  # could not be booked; `failure` says why
    # The member left the plan themself: released like RELEASED, and unlike a member who left
    # the group, never booked again by a reconcile, a rebook or Book while the plan lives.
    LEFT = "left"


# Members no longer in the plan: not counted, nothing booked for them.
OUT_OF_PLAN = frozenset({MemberState.RELEASED, MemberState.LEFT})


class MemberFailure(StrEnum):
    """Stable codes the card and the CLI translate; never free text."""

    NO_MAILBOX = "no_mailbox"  # Graph 404 on the mailbox, or the person has no mail
    OUTSIDE_TENANT = "outside_tenant"  # the directory does not know the person
    NO_FREE_TIME = "no_free_time"
    OUTSIDE_WORKING_HOURS = "outside_working_hours"
    FORBIDDEN = "forbidden"  # Graph 403: the app may not write this calendar
    REJECTED = "rejected"  # Graph refused the event as malformed: a bug on our side
    UNAVAILABLE = "graph_unavailable"  # still throttled or down after every retry
    NOT_ALLOWED = "not_allowed"  # the owner may not plan for them (DESIGN.md section 7)


class SlotState(StrEnum):
    PLANNED = "planned"  # chosen by the finder; the event is not created yet
    BOOKED = "booked"
    CANCELLED = "cancelled"


class RunState(StrEnum):
    RUNNING = "running"
    FINISHED = "finished"  # every member is booked or failed


@dataclass(frozen=True)
class PlanMember:
    plan_id: str
    member_id: str
    state: MemberState
    failure: MemberFailure | None = None


@dataclass(frozen=True)
class BookedSlot:
    """One member's slot for one plan revision; `event_id` is the series master's id."""

    plan_id: str
    member_id: str
    revision: int
    transaction_id: str
    days: tuple[Weekday, ...]
    start: time  # local wall-clock time in `time_zone`
    time_zone: str
    state: SlotState = SlotState.PLANNED
    event_id: str | None = None
    # When an edit made this revision's slot: its series starts at the first session from
    # then on, and the sessions before stay with the older revision's series. None: the
    # plan's first booking, from the horizon's start.
    since: datetime | None = None

    @property
    def slot_time(self) -> SlotTime:
        return SlotTime(self.days, self.start, self.time_zone)


@dataclass(frozen=True)
class BookingProgress:
    plan_id: str
    revision: int
    total: int
    done: int = 0
    failed: int = 0
    state: RunState = RunState.RUNNING
    updated_at: datetime | None = None

    @property
    def finished(self) -> bool:
        return self.done + self.failed >= self.total


def progress_of(
    plan_id: str,
    revision: int,
    members: list[PlanMember],
    *,
    at: datetime,
    waiting: Collection[str] = (),
) -> BookingProgress:
    """The progress a set of member states amounts to (used when a run starts or re-runs).
    `waiting`: members of a run that books chunk by chunk whose chunk is not planned yet; they
    count in the total from the start, and their state from before the run does not count (a
    member that failed last time may be booked this time)."""
    done = sum(m.state is MemberState.BOOKED for m in members)
    failed = sum(m.state is MemberState.FAILED and m.member_id not in waiting for m in members)
    counted = {m.member_id for m in members if m.state not in OUT_OF_PLAN}
    total = len(counted | set(waiting))
    state = RunState.FINISHED if done + failed >= total else RunState.RUNNING
    return BookingProgress(plan_id, revision, total, done, failed, state, at)


class EditKind(StrEnum):
    """How a saved edit reaches the booked series."""

    MOVE = "move"  # times, members or mode changed: each series is replaced
    UPDATE = "update"  # only texts changed: each series is updated in place


@dataclass(frozen=True)
class EditCounts:
    """What a saved edit did to the series booked before it, counted from the slots."""

    moved: int = 0  # replaced by a series at the new revision's time
    updated: int = 0  # the same series, with the new texts
    unchanged: int = 0  # still as before the edit (Graph refused, gone, or not reached)
    booked: int = 0  # a series for someone who had none before the edit


def edit_counts(
    kind: EditKind, revision: int, slots: list[BookedSlot], progress: BookingProgress | None
) -> EditCounts:
    """`revision` is the edit's; an update run counts its series in `progress` (done: updated,
    the rest unchanged), a move run is read from the slots of both revisions."""
    live = [s for s in slots if s.revision < revision and s.state is SlotState.BOOKED]
    if kind is EditKind.UPDATE:
        updated = progress.done if progress else 0
        return EditCounts(updated=updated, unchanged=max(len(live) - updated, 0))
    before = {s.member_id for s in slots if s.revision < revision}
    new = {s.member_id for s in slots if s.revision == revision and s.state is SlotState.BOOKED}
    old = {s.member_id for s in live}
    return EditCounts(
        moved=len(new & before), unchanged=len(old - new), booked=len(new - before)
    )
