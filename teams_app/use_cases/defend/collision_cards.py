"""The "your learning time collides with ..." card: the defend scan enqueues COLLISION_CARD in
the transaction that records the collision, so each card goes out once. The card names the plan
and the colliding meeting with its time, and offers Move to one of up to three free times this
week, Keep, or Skip this week."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from teams_app.domain.bookings import BookedSlot, MemberState
from teams_app.domain.calendar import CalendarEvent, MailboxSettings, TimeSpan
from teams_app.domain.learning_plans import LearningPlan, PlanMode
from teams_app.domain.messages import OutboundMessage
from teams_app.domain.occurrence_records import CollisionState, Decision, SlotRef
from teams_app.domain.occurrences import CollisionKind, Outcome
from teams_app.domain.slot_moves import suggest_moves
from teams_app.domain.slots import BUSY_STATUSES, MemberCalendar
from teams_app.ports import (
    Calendar,
    Clock,
    Directory,
    GraphError,
    GraphNotFound,
    GraphThrottled,
    GraphUnavailable,
    UnitOfWork,
    UnitOfWorkFactory,
)
from teams_app.use_cases.member_cards import CardOutcome, deliver_member_card, slot_is_current
from teams_app.use_cases.reach import PersonalChats

COLLISION_CARD = "plans.slot_collision_card"  # job kind; payload: plan_id, member_id, revision,
# occurrence_key, collision_key (ids only; the colliding subject is read when the card is made)
MOVE_WITHIN = timedelta(days=7)  # "Move to <a free time this week>": the session's week


@dataclass(frozen=True)
class SendCollisionCard:
    slot: SlotRef
    occurrence_key: str
    collision_key: str

    @property
    def delivery_key(self) -> str:
        return collision_delivery_key(self.slot, self.collision_key)


@dataclass(frozen=True)
class CollisionFacts:
    """What the collision card says, before language and time zone."""

    slot: SlotRef
    occurrence_key: str
    kind: CollisionKind
    span: TimeSpan  # where the session is now
    time_zone: str  # the member's, for display
    moves: tuple[TimeSpan, ...] = ()  # free times this week, best first
    restore: bool = False  # deleted: Keep puts it back
    subject: str | None = field(default=None, repr=False)  # the colliding event's
    notice: str | None = None  # a code the presenter translates (after a failed answer)
    goal: str = field(default="", repr=False)  # the plan's, as the manager wrote it
    colliding: TimeSpan | None = None  # when the colliding event is, when it could be read
    team: bool = False  # the organiser's team session: Move and Skip act for everyone invited
    attendee: bool = False  # someone else's team session: no Move (the meeting is theirs)


class CollisionRenderer(Protocol):
    def slot_collision(
        self, facts: CollisionFacts, locale: str | None
    ) -> OutboundMessage: ...


def collision_delivery_key(slot: SlotRef, collision_key: str) -> str:
    """Fits the 255 characters of a job or delivery key whatever the event ids' length."""
    digest = hashlib.sha256(collision_key.encode()).hexdigest()[:20]
    return f"slot-collision:{slot.plan_id}:{slot.revision}:{slot.member_id}:{digest}"


async def send_collision_card(
    cmd: SendCollisionCard,
    *,
    uow: UnitOfWorkFactory,
    chats: PersonalChats,
    renderer: CollisionRenderer,
    calendar: Calendar,
    clock: Clock,
    directory: Directory | None = None,
) -> CardOutcome:
    """GraphThrottled and GraphUnavailable propagate (the job retries); any other Graph
    failure still sends the card, without the subject or a time to move to. A team session's
    Move times are free for everyone invited (their free/busy, read through `directory`'s
    addresses), since Move moves the meeting for all of them."""
    async with uow(read_only=True) as tx:
        plan = await tx.plans.get(cmd.slot.plan_id)
        slot = await defended_slot(tx, plan, cmd.slot)
        occurrence = await tx.occurrences.occurrence(cmd.slot, cmd.occurrence_key)
        carded = {c.key: c for c in await tx.occurrences.collisions(cmd.slot)}
        invited = [m.member_id for m in await tx.plans.members(cmd.slot.plan_id)
                   if m.state is MemberState.BOOKED and m.member_id != cmd.slot.member_id]
    collision = carded.get(cmd.collision_key)
    at = clock.now()
    if (
        not slot_is_current(plan, slot, cmd.slot.revision)
        or plan is None
        or slot is None
        or occurrence is None
        or collision is None
        or collision.state is CollisionState.ANSWERED
        or occurrence.decision is Decision.SKIPPED
        or occurrence.outcome is Outcome.AWAY  # out of office that day: no card
        or occurrence.span.start <= at
    ):
        return CardOutcome.STALE
    colliding_id = cmd.collision_key.rsplit("|", 1)[-1] or None
    team = plan.spec.mode is PlanMode.TEAM_SESSION
    facts = CollisionFacts(
        cmd.slot, cmd.occurrence_key, collision.kind, occurrence.span, slot.time_zone,
        # A team session's deleted occurrence is gone for everyone (the organiser's) or was
        # the person's own decline (an attendee's): nothing for us to put back.
        restore=collision.kind in (CollisionKind.DELETED, CollisionKind.DECLINED) and not team,
        goal=plan.spec.goal.strip(),
        team=team and slot.member_id == cmd.slot.member_id,
        attendee=team and slot.member_id != cmd.slot.member_id,
    )
    try:
        attendees = (
            await _addresses(invited, directory)
            if facts.team and directory is not None else []
        )
        facts = await collision_details(
            facts, plan, calendar, at=at, instance_id=occurrence.event_id,
            colliding_id=colliding_id, attendees=attendees,
        )
    except (GraphThrottled, GraphUnavailable):
        raise
    except GraphError:
        pass  # the card still helps without the subject or a suggestion
    return await deliver_member_card(
        cmd.slot, cmd.delivery_key, lambda locale: renderer.slot_collision(facts, locale),
        chats=chats,
    )


async def defended_slot(
    tx: UnitOfWork, plan: LearningPlan | None, ref: SlotRef
) -> BookedSlot | None:
    """The slot whose sessions `ref` defends: the person's own series, or, for someone booked
    into a team session, its organiser's meeting (the person defends their copy of it)."""
    own = await tx.plans.slot(ref.plan_id, ref.member_id, ref.revision)
    if own is not None or plan is None or plan.spec.mode is not PlanMode.TEAM_SESSION:
        return own
    member = next(
        (m for m in await tx.plans.members(ref.plan_id) if m.member_id == ref.member_id), None
    )
    if member is None or member.state is not MemberState.BOOKED:
        return None
    return await tx.plans.slot(ref.plan_id, plan.owner_id, ref.revision)


async def collision_details(
    facts: CollisionFacts,
    plan: LearningPlan,
    calendar: Calendar,
    *,
    at: datetime,
    instance_id: str | None,
    colliding_id: str | None,
    settings: MailboxSettings | None = None,
    attendees: Sequence[str] = (),
) -> CollisionFacts:
    """The colliding event (subject and time), where the session is now, the member's zone and
    up to three free times this week, from the member's calendar and the free/busy of
    `attendees` (mail addresses: a team session's invited, who move with it)."""
    member = facts.slot.member_id
    settings = settings or await calendar.mailbox_settings(member)
    week = move_from(facts.span, settings.time_zone, at=at)
    window = TimeSpan(min(week, facts.span.start), max(week + MOVE_WITHIN, facts.span.end))
    events = await calendar.calendar_view(member, window)
    by_id = {e.id: e for e in events}
    now_at = by_id[instance_id].span if instance_id in by_id else facts.span
    colliding = by_id.get(colliding_id) if colliding_id else None
    busy = busy_spans(events)
    if attendees:
        for answer in await calendar.free_busy(list(attendees), window):
            busy += tuple(b.span for b in answer.busy if b.status in BUSY_STATUSES)
    moves = [] if facts.attendee else suggest_moves(
        plan.spec,
        MemberCalendar(member, settings.time_zone, settings.working_hours, busy),
        occurrence=now_at,
        at=week,
        days=MOVE_WITHIN.days,
    )
    return replace(
        facts,
        span=now_at,
        time_zone=settings.time_zone,
        moves=tuple(moves),
        subject=colliding.subject if colliding is not None else None,
        colliding=colliding.span if colliding is not None else None,
    )


async def _addresses(people: Sequence[str], directory: Directory) -> list[str]:
    found: list[str] = []
    for person in people:
        try:
            mail = (await directory.user(person)).mail
        except GraphNotFound:
            continue  # left the organisation: nobody to move with
        if mail:
            found.append(mail)
    return found


def move_from(session: TimeSpan, zone: str, *, at: datetime) -> datetime:
    """Where "this week" starts for a session: its local Monday, or now if that is later."""
    tz = ZoneInfo(zone)
    local = session.start.astimezone(tz).date()
    monday = datetime.combine(local - timedelta(days=local.weekday()), time(0), tzinfo=tz)
    return max(at, monday.astimezone(UTC))


def busy_spans(events: list[CalendarEvent], *, besides: str | None = None) -> tuple[TimeSpan, ...]:
    return tuple(
        e.span
        for e in events
        if e.show_as in BUSY_STATUSES and not e.is_cancelled and not e.is_all_day
        and e.id != besides
    )
