"""The outbox store and the results lists' whereabouts on SQLite and PostgreSQL (revision 0008):
rows come back oldest first and say whether they were ever tried or their key seen; written
and failed rows leave the queue; one lease at a time; where each list is survives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from teams_app.adapters.sql.uow import SqlUnitOfWork
from teams_app.domain.directory import ListRef
from teams_app.ports.results import OUTBOX_DRAIN, ProvisionedList
from tests.fakes import FakeClock

AT = datetime(2026, 3, 2, 9, tzinfo=UTC)


async def test_rows_in_order_and_their_states(engine: AsyncEngine) -> None:
    clock = FakeClock(AT)

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, clock, job_max_attempts=3)

    async with uow() as tx:
        await tx.outbox.add("checkin", "a", {"When": AT, "Ways": ("x", "y"), "N": 3})
        await tx.outbox.add("survey", "b", {"Text": "Läsa ÅÄÖ"})
        await tx.outbox.add("checkin", "a", {"N": 4})  # an edit of a
        await tx.commit()
    async with uow() as tx:
        rows = await tx.outbox.next_batch(10)
        jobs = await tx.jobs.enqueue(OUTBOX_DRAIN, {}, idempotency_key=f"{OUTBOX_DRAIN}:"
                                     f"{int(AT.timestamp()) // 5}")
    assert [(r.item_key, r.first_write) for r in rows] == [("a", True), ("b", True),
                                                           ("a", False)]
    assert rows[0].fields == {"When": "2026-03-02T09:00:00Z", "Ways": ("x", "y"), "N": 3}
    assert rows[1].fields["Text"] == "Läsa ÅÄÖ"
    assert jobs is None  # the burst queued its drain job already

    async with uow() as tx:
        await tx.outbox.written([rows[0].id], at=AT)
        await tx.outbox.attempt_failed(rows[1].id, "throttled", final=False)
        await tx.outbox.attempt_failed(rows[2].id, "rejected:400", final=True)
        await tx.commit()
    async with uow() as tx:
        pending = await tx.outbox.next_batch(10)
        counts = await tx.outbox.counts()
    assert [(r.item_key, r.attempts, r.first_write) for r in pending] == [("b", 1, False)]
    assert (counts.pending, counts.written, counts.failed) == (1, 1, 1)
    assert counts.failed_by_reason == {"rejected:400": 1}
    assert counts.last_error == "throttled" and counts.oldest_pending == AT

    async with uow() as tx:
        assert await tx.outbox.retry_failed() == 1
        await tx.commit()
    async with uow() as tx:
        assert [r.item_key for r in await tx.outbox.next_batch(10)] == ["b", "a"]


async def test_one_lease_at_a_time(engine: AsyncEngine) -> None:
    clock = FakeClock(AT)

    async def take(owner: str, seconds: float = 60) -> bool:
        async with SqlUnitOfWork(engine, clock, job_max_attempts=3) as tx:
            took = await tx.outbox.take_lease(owner, now=clock.now(),
                                              until=clock.now() + timedelta(seconds=seconds))
            await tx.commit()
        return took

    async def release(owner: str) -> None:
        async with SqlUnitOfWork(engine, clock, job_max_attempts=3) as tx:
            await tx.outbox.release_lease(owner)
            await tx.commit()

    assert await take("a") and not await take("b")
    assert await take("a")  # renewed by its owner
    await release("b")  # not b's to release
    assert not await take("b")
    await release("a")
    assert await take("b")
    clock.advance(61)  # b's lease ran out: a may take it
    assert await take("a")


async def test_where_each_list_is(engine: AsyncEngine) -> None:
    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, FakeClock(AT), job_max_attempts=3)

    ref = ListRef("host,1,2", "list-1", "Learning Loop check-ins", "LoopKey",
                  frozenset({"LoopKey", "PersonId"}))
    async with uow() as tx:
        await tx.result_lists.save(ProvisionedList("checkin", ref, ("LoopKey", "a"), AT))
        await tx.result_lists.save(ProvisionedList("checkin", ref, ("LoopKey", "b"), AT))
        await tx.commit()
    async with uow() as tx:
        found = await tx.result_lists.all()
    assert list(found) == ["checkin"]
    assert found["checkin"].ref == ref and found["checkin"].columns == ("LoopKey", "b")
