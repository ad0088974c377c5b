"""SqlOccurrenceRepository on SQLite and PostgreSQL: which slots are defended, occurrence
outcomes that a scan never lets erase a decision, one card per collision (also under races),
delta links per mailbox, and member cards nobody could receive."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from teams_app.adapters.sql.uow import SqlUnitOfWork
from teams_app.domain.bookings import BookedSlot, MemberState, SlotState
from teams_app.domain.cadences import Cadence, Horizon, LearningWindow
from teams_app.domain.calendar import TimeSpan, Weekday
from teams_app.domain.learning_plans import LearningPlan, MemberSource, PlanSpec, PlanStatus
from teams_app.domain.occurrence_records import (
    CollisionState,
    Decision,
    ScanState,
    SlotRef,
    StoredOccurrence,
    WatchedMailbox,
)
from teams_app.domain.occurrences import CollisionKind, Outcome
from tests.fakes import FakeClock

AT = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
SESSION = TimeSpan(datetime(2026, 3, 3, 9, 0, tzinfo=UTC), datetime(2026, 3, 3, 10, 0, tzinfo=UTC))


def a_plan(plan_id: str, *, revision: int = 1) -> LearningPlan:
    spec = PlanSpec(
        members=MemberSource.of_people("m1", "m2"),
        cadence=Cadence.weekly(),
        duration_minutes=60,
        window=LearningWindow((Weekday.TUESDAY,), time(9, 0), time(12, 0)),
        horizon=Horizon(date(2026, 3, 3), occurrences=4),
    )
    return LearningPlan(plan_id, "owner-1", spec, created_at=AT, updated_at=AT, revision=revision)


def a_slot(plan_id: str, member: str, revision: int = 1) -> BookedSlot:
    return BookedSlot(
        plan_id, member, revision, f"tx-{plan_id}-{member}-{revision}", (Weekday.TUESDAY,),
        time(10, 0), "Europe/Stockholm",
    )


def uow(engine: AsyncEngine) -> SqlUnitOfWork:
    return SqlUnitOfWork(engine, FakeClock(AT), job_max_attempts=3)


async def book(engine: AsyncEngine, slot: BookedSlot, state: SlotState = SlotState.BOOKED,
               member_state: MemberState = MemberState.BOOKED) -> None:
    async with uow(engine) as tx:
        await tx.plans.plan_slot(slot, at=AT)
        await tx.plans.mark_slot(slot, state, at=AT, event_id=f"series-{slot.member_id}")
        await tx.plans.set_member(slot.plan_id, slot.member_id, member_state, at=AT)
        await tx.commit()


async def test_only_booked_slots_of_active_plans_at_their_current_revision_are_defended(
    engine: AsyncEngine,
) -> None:
    async with uow(engine) as tx:
        await tx.plans.add(a_plan("p-active", revision=2))
        await tx.plans.add(a_plan("p-cancelled"))
        await tx.plans.add(a_plan("p-other"))
        await tx.commit()
    await book(engine, a_slot("p-active", "m1", revision=1))  # an old revision
    await book(engine, a_slot("p-active", "m1", revision=2))
    await book(engine, a_slot("p-active", "m2", revision=2), SlotState.PLANNED, MemberState.PENDING)
    await book(engine, a_slot("p-cancelled", "m2"))
    await book(engine, a_slot("p-other", "m3"))
    await book(engine, a_slot("p-other", "m1"))
    async with uow(engine) as tx:
        cancelled = await tx.plans.get("p-cancelled")
        assert cancelled is not None
        await tx.plans.save(LearningPlan(**{**cancelled.__dict__, "status": PlanStatus.CANCELLED}))
        await tx.commit()

    async with uow(engine) as tx:
        assert await tx.occurrences.booked_members() == ["m1", "m3"]
        slots = await tx.occurrences.booked_slots_of("m1")
        assert await tx.occurrences.booked_slots_of("m2") == []
    assert [(s.plan_id, s.revision) for s in slots] == [("p-active", 2), ("p-other", 1)]
    assert slots[0].event_id == "series-m1" and slots[0].state is SlotState.BOOKED
    assert slots[0].slot_time == a_slot("p-active", "m1").slot_time


async def test_a_scan_updates_outcomes_but_never_erases_a_decision(engine: AsyncEngine) -> None:
    slot = SlotRef("p-1", "m1", 1)
    first = StoredOccurrence(slot, "20260303T0900Z", SESSION, Outcome.BOOKED, event_id="i-1")
    second = StoredOccurrence(
        slot, "20260310T0900Z",
        TimeSpan(SESSION.start + timedelta(days=7), SESSION.end + timedelta(days=7)),
        Outcome.BOOKED, event_id="i-2",
    )
    async with uow(engine) as tx:
        await tx.plans.add(a_plan("p-1"))
        await tx.occurrences.save_occurrences([first, second], at=AT)
        assert await tx.occurrences.decide(
            slot, first.key, Decision.SKIPPED, outcome=Outcome.SKIPPED, at=AT
        )
        assert not await tx.occurrences.decide(
            slot, "20990101T0000Z", Decision.KEPT, outcome=Outcome.BOOKED, at=AT
        )
        await tx.commit()

    moved = TimeSpan(SESSION.start + timedelta(hours=4), SESSION.end + timedelta(hours=4))
    async with uow(engine) as tx:  # the next scan sees the first one moved
        await tx.occurrences.save_occurrences(
            [StoredOccurrence(slot, first.key, moved, Outcome.MOVED, event_id="i-1b")],
            at=AT + timedelta(minutes=15),
        )
        await tx.commit()

    async with uow(engine) as tx:
        stored = await tx.occurrences.occurrences(slot)
        one = await tx.occurrences.occurrence(slot, first.key)
        assert await tx.occurrences.occurrence(slot, "20990101T0000Z") is None
        assert await tx.occurrences.occurrences(SlotRef("p-1", "m1", 2)) == []
        by_plan = await tx.occurrences.plan_occurrences(["p-1", "p-unknown"])
        assert await tx.occurrences.plan_occurrences([]) == []
    assert [s.key for s in stored] == [first.key, second.key]
    # The scan read before the skip and says "moved"; the skip keeps it skipped.
    assert one == StoredOccurrence(slot, first.key, moved, Outcome.SKIPPED, Decision.SKIPPED,
                                   "i-1b")
    assert stored[1] == second
    assert by_plan == stored

    async with uow(engine) as tx:  # a decision with the new instance id (a move by card)
        await tx.occurrences.decide(
            slot, second.key, Decision.MOVED, outcome=Outcome.MOVED, at=AT, event_id="i-2b"
        )
        await tx.commit()
    async with uow(engine) as tx:
        after = await tx.occurrences.occurrence(slot, second.key)
    assert after is not None and (after.decision, after.outcome, after.event_id) == (
        Decision.MOVED, Outcome.MOVED, "i-2b"
    )


async def test_plan_occurrences_keep_the_past_of_every_revision(engine: AsyncEngine) -> None:
    """An edit ends the old series and forgets its sessions from the edit on; what took place
    before stays counted beside the new revision's sessions."""
    old, new = SlotRef("p-2", "m1", 1), SlotRef("p-2", "m1", 2)
    later = TimeSpan(SESSION.start + timedelta(days=7), SESSION.end + timedelta(days=7))
    async with uow(engine) as tx:
        await tx.plans.add(a_plan("p-2", revision=2))
        await tx.occurrences.save_occurrences(
            [StoredOccurrence(old, "20260303T0900Z", SESSION, Outcome.KEPT),
             StoredOccurrence(old, "20260310T0900Z", later, Outcome.BOOKED),
             StoredOccurrence(new, "20260311T1300Z", later, Outcome.BOOKED)],
            at=AT,
        )
        await tx.occurrences.forget_occurrences(old, from_key="20260305T1200Z")
        await tx.commit()
    async with uow(engine) as tx:
        found = await tx.occurrences.plan_occurrences(["p-2"])
    assert [(o.slot, o.key, o.outcome) for o in found] == [
        (old, "20260303T0900Z", Outcome.KEPT), (new, "20260311T1300Z", Outcome.BOOKED)
    ]


async def test_each_collision_is_carded_once_even_when_two_scans_race(
    engine: AsyncEngine,
) -> None:
    slot = SlotRef("p-1", "m1", 1)

    async def card(key: str, kind: CollisionKind = CollisionKind.OVERLAPPED) -> bool:
        async with uow(engine) as tx:
            added = await tx.occurrences.add_collision(
                slot, key, occurrence_key="20260303T0900Z", kind=kind,
                state=CollisionState.CARDED, at=AT,
            )
            await tx.commit()
            return added

    results = await asyncio.gather(*(card("20260303T0900Z|overlapped|ev-9") for _ in range(4)))
    assert sorted(results) == [False, False, False, True]
    # another kind is another card
    assert await card("20260303T0900Z|deleted|", CollisionKind.DELETED)
    async with uow(engine) as tx:
        await tx.occurrences.add_collision(
            slot, "20260310T0900Z|moved|", occurrence_key="20260310T0900Z",
            kind=CollisionKind.MOVED, state=CollisionState.CARDED, at=AT,
        )
        await tx.occurrences.answer_collisions(slot, "20260303T0900Z", at=AT)
        await tx.commit()
    async with uow(engine) as tx:
        found = await tx.occurrences.collisions(slot)
        assert await tx.occurrences.collisions(SlotRef("p-1", "m2", 1)) == []
    assert [(c.key, c.kind, c.state) for c in found] == [
        ("20260303T0900Z|deleted|", CollisionKind.DELETED, CollisionState.ANSWERED),
        ("20260303T0900Z|overlapped|ev-9", CollisionKind.OVERLAPPED, CollisionState.ANSWERED),
        ("20260310T0900Z|moved|", CollisionKind.MOVED, CollisionState.CARDED),
    ]


async def test_scan_state_per_mailbox_is_replaced_by_the_next_scan(engine: AsyncEngine) -> None:
    window = TimeSpan(AT, AT + timedelta(days=28))
    long_link = "https://graph.example/v1.0/users/m1/calendarView/delta?$deltatoken=" + "x" * 900
    async with uow(engine) as tx:
        assert await tx.occurrences.scan_state("m1") is None
        await tx.occurrences.save_scan_state(ScanState("m1", window, AT, long_link))
        await tx.occurrences.save_scan_state(ScanState("m2", window, AT, None))
        await tx.commit()
    later = TimeSpan(AT + timedelta(days=7), AT + timedelta(days=35))
    async with uow(engine) as tx:
        await tx.occurrences.save_scan_state(ScanState("m1", later, AT + timedelta(days=7), "l2"))
        await tx.commit()
    async with uow(engine) as tx:
        assert await tx.occurrences.scan_state("m1") == ScanState(
            "m1", later, AT + timedelta(days=7), "l2"
        )
        assert await tx.occurrences.scan_state("m2") == ScanState("m2", window, AT, None)


async def test_a_card_miss_is_recorded_once_per_delivery(engine: AsyncEngine) -> None:
    slot = SlotRef("p-1", "m2", 1)
    async with uow(engine) as tx:
        assert await tx.occurrences.record_card_miss("slot-booked:p-1:1:m2", slot, "no_chat", at=AT)
        assert not await tx.occurrences.record_card_miss(
            "slot-booked:p-1:1:m2", slot, "no_chat", at=AT
        )
        await tx.occurrences.record_card_miss(
            "collision:p-1:1:m1:k", SlotRef("p-1", "m1", 1), "no_chat", at=AT
        )
        await tx.occurrences.record_card_miss(
            "slot-booked:p-9:1:m1", SlotRef("p-9", "m1", 1), "no_chat", at=AT
        )
        await tx.commit()
    async with uow(engine) as tx:
        assert await tx.occurrences.card_misses("p-1") == [("m1", "no_chat"), ("m2", "no_chat")]
        assert await tx.occurrences.card_misses("p-unknown") == []


async def test_one_subscription_per_mailbox_found_by_either_id(engine: AsyncEngine) -> None:
    first = WatchedMailbox("m1", "sub-1", AT + timedelta(days=3), "hash-a")
    async with uow(engine) as tx:
        assert await tx.occurrences.watched("m1") is None
        await tx.occurrences.watch(first, at=AT)
        await tx.occurrences.watch(WatchedMailbox("m2", "sub-2", AT, "hash-a"), at=AT)
        await tx.commit()
    renewed = WatchedMailbox("m1", "sub-3", AT + timedelta(days=6), "hash-b")
    async with uow(engine) as tx:
        assert await tx.occurrences.watched_by("sub-1") == first
        await tx.occurrences.watch(renewed, at=AT)  # replaces m1's
        await tx.occurrences.unwatch("sub-2")
        await tx.commit()
    async with uow(engine) as tx:
        assert await tx.occurrences.watched("m1") == renewed
        assert await tx.occurrences.watched_by("sub-1") is None
        assert await tx.occurrences.watched("m2") is None
