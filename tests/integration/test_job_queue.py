"""SqlJobQueue and SqlJobStore against real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from teams_app.adapters.sql.job_queue import SqlJobQueue, SqlJobStore
from teams_app.adapters.sql.tables import jobs
from teams_app.ports import JobState
from tests.fakes import FakeClock
from tests.integration.jobs_support import START, add_job, enqueue, job

# -- enqueue and claim --------------------------------------------------------------------------


async def test_job_is_not_claimed_before_it_is_due(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    job_id = await add_job(engine, clock, run_at=START + timedelta(seconds=60))

    assert await store.claim("a", 10, 30) == []
    clock.advance(59.9)
    assert await store.claim("a", 10, 30) == []
    clock.advance(0.1)
    [claimed] = await store.claim("a", 10, 30)

    assert claimed.id == job_id
    assert claimed.state is JobState.RUNNING
    assert claimed.attempts == 1
    assert claimed.lease_owner == "a"
    assert claimed.lease_expires_at == clock.now() + timedelta(seconds=30)
    assert claimed.payload == {"plan_id": "p-1"}


async def test_claim_takes_at_most_the_limit_oldest_first(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    ids = [await add_job(engine, clock, run_at=START - timedelta(seconds=n)) for n in range(5)]

    first = await store.claim("a", 2, 30)
    rest = await store.claim("b", 10, 30)

    assert [j.id for j in first] == [ids[4], ids[3]]
    assert {j.id for j in rest} == set(ids[:3])


async def test_enqueue_rolls_back_with_its_transaction(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    class UseCaseFailed(Exception):
        pass

    with pytest.raises(UseCaseFailed):
        async with engine.begin() as connection:
            await SqlJobQueue(connection, clock, 3).enqueue("ping", {}, idempotency_key="k1")
            raise UseCaseFailed

    assert sum((await store.counts()).values()) == 0
    # The key was not taken by the rolled-back job.
    assert await enqueue(engine, clock, idempotency_key="k1") is not None


# -- idempotency -------------------------------------------------------------------------------


async def test_second_enqueue_with_the_same_key_is_ignored_in_any_state(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    first = await enqueue(engine, clock, idempotency_key="remind:p-1:2026-03-02")
    assert await enqueue(engine, clock, idempotency_key="remind:p-1:2026-03-02") is None

    [claimed] = await store.claim("a", 10, 30)
    assert await store.complete(claimed.id, "a")
    assert await enqueue(engine, clock, idempotency_key="remind:p-1:2026-03-02") is None

    assert [j.id for j in await store.list()] == [first]


async def test_concurrent_enqueues_with_the_same_key_make_one_job(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    inserted = asyncio.Event()

    async def enqueue_and_linger(first: bool) -> str | None:
        if not first:
            await inserted.wait()  # overlap with the first transaction while it is still open
        async with engine.begin() as connection:
            job_id = await SqlJobQueue(connection, clock, 3).enqueue(
                "ping", {}, idempotency_key="same"
            )
            if first:
                inserted.set()
                await asyncio.sleep(0.2)
        return job_id

    results = await asyncio.gather(*(enqueue_and_linger(first=n == 0) for n in range(5)))

    assert results[0] is not None
    assert results[1:] == [None] * 4
    async with engine.connect() as connection:
        rows = await connection.scalar(select(func.count()).select_from(jobs))
    assert rows == 1


# -- outcomes, retries, dead letters -----------------------------------------------------------


async def test_counts_cover_every_state(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    for _ in range(3):
        await add_job(engine, clock)
    [claimed] = await store.claim("a", 1, 30)
    await store.complete(claimed.id, "a")
    await store.claim("a", 1, 30)

    assert await store.counts() == {
        JobState.QUEUED: 1,
        JobState.RUNNING: 1,
        JobState.DONE: 1,
        JobState.DEAD: 0,
    }


# -- leases ------------------------------------------------------------------------------------


async def test_expired_lease_is_reclaimed_and_the_old_owner_is_refused(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    job_id = await add_job(engine, clock)
    await store.claim("a", 10, 30)
    assert await store.claim("b", 10, 30) == []  # lease still held

    clock.advance(30)
    [reclaimed] = await store.claim("b", 10, 30)

    assert (reclaimed.id, reclaimed.attempts, reclaimed.lease_owner) == (job_id, 2, "b")
    assert not await store.complete(job_id, "a")
    assert not await store.fail(job_id, "a", "RuntimeError", retry_at=None)
    assert not await store.extend_lease(job_id, "a", 30)
    assert not await store.release(job_id, "a")
    assert (await job(store, job_id)).lease_owner == "b"
    assert await store.complete(job_id, "b")
    assert (await job(store, job_id)).state is JobState.DONE


async def test_only_the_lease_owner_records_an_outcome(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    job_id = await add_job(engine, clock)
    await store.claim("a", 10, 30)

    assert not await store.complete(job_id, "b")
    assert not await store.fail(job_id, "b", "RuntimeError", retry_at=clock.now())
    assert not await store.release(job_id, "b")
    unchanged = await job(store, job_id)
    assert (unchanged.state, unchanged.lease_owner, unchanged.attempts) == (
        JobState.RUNNING,
        "a",
        1,
    )

    assert await store.fail(job_id, "a", "Timeout", retry_at=clock.now() + timedelta(seconds=5))
    assert (await job(store, job_id)).state is JobState.QUEUED


async def test_release_hands_the_job_back_without_counting_the_attempt(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    job_id = await add_job(engine, clock)
    await store.claim("a", 10, 30)

    assert await store.release(job_id, "a")

    released = await job(store, job_id)
    assert (released.state, released.attempts, released.lease_owner) == (JobState.QUEUED, 0, None)
    [again] = await store.claim("b", 10, 30)
    assert again.attempts == 1


async def test_job_whose_lease_expired_on_its_last_attempt_goes_dead(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    job_id = await add_job(engine, clock, max_attempts=1)
    await store.claim("a", 10, 30)
    clock.advance(31)

    assert await store.claim("b", 10, 30) == []

    dead = await job(store, job_id)
    assert (dead.state, dead.last_error) == (JobState.DEAD, "lease_expired")


# -- schedules ---------------------------------------------------------------------------------


async def test_schedule_enqueues_once_per_interval_with_concurrent_callers(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    hour = 3600.0
    await store.upsert_schedule("digest", "send_digest", {"team": "t-1"}, hour, START)
    stores = [store, *(SqlJobStore(engine, clock) for _ in range(3))]

    async def tick() -> int:
        return sum(await asyncio.gather(*(s.enqueue_due_schedules() for s in stores)))

    assert await tick() == 1
    assert await tick() == 0
    clock.advance(hour - 1)
    assert await tick() == 0
    clock.advance(1)
    assert await tick() == 1
    clock.advance(10 * hour + 5)  # downtime: ten slots missed, one run
    assert await tick() == 1
    assert await tick() == 0
    # A restart re-declares the schedule; that must not move it back.
    await store.upsert_schedule("digest", "send_digest", {"team": "t-1"}, hour, START)
    assert await tick() == 0
    clock.advance(hour)  # back on the original grid: START + 12 h
    assert await tick() == 1

    made = sorted(await store.list(), key=lambda j: j.run_at)
    assert [j.run_at - START for j in made] == [timedelta(hours=h) for h in (0, 1, 2, 12)]
    assert {j.kind for j in made} == {"send_digest"}
    assert made[0].idempotency_key == f"schedule:digest:{START.isoformat()}"
    assert made[0].payload == {"team": "t-1"}


async def test_enqueue_many_adds_each_job_once_and_skips_keys_already_queued(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    async with engine.begin() as connection:
        queue = SqlJobQueue(connection, clock, 3)
        await queue.enqueue("card", {"member_id": "m-1"}, idempotency_key="card:m-1")
        await queue.enqueue_many(
            "card",
            [({"member_id": m}, f"card:{m}") for m in ("m-1", "m-2", "m-3")],
        )
    async with engine.begin() as connection:  # a repeat adds nothing
        await SqlJobQueue(connection, clock, 3).enqueue_many("card", [({"member_id": "m-2"},
                                                                       "card:m-2")])

    claimed = await store.claim("a", 10, 30)
    assert sorted(j.payload["member_id"] for j in claimed) == ["m-1", "m-2", "m-3"]
    assert {j.max_attempts for j in claimed} == {3} and {j.kind for j in claimed} == {"card"}


async def test_a_job_finished_in_its_handlers_transaction_is_done_only_if_that_commits(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    class RecordingFailed(Exception):
        pass

    job_id = await add_job(engine, clock)
    await store.claim("a", 10, 30)
    with pytest.raises(RecordingFailed):
        async with engine.begin() as connection:
            assert await SqlJobQueue(connection, clock, 3).finish(job_id, "a")
            raise RecordingFailed
    assert (await job(store, job_id)).state is JobState.RUNNING  # rolled back with it

    async with engine.begin() as connection:
        assert not await SqlJobQueue(connection, clock, 3).finish(job_id, "b")  # not b's lease
        assert await SqlJobQueue(connection, clock, 3).finish(job_id, "a")
    done = await job(store, job_id)
    assert (done.state, done.lease_owner, done.finished_at) == (JobState.DONE, None, clock.now())
    assert not await store.complete(job_id, "a")  # nothing left for the worker to record
