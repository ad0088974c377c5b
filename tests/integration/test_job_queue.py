"""SqlJobQueue, SqlJobStore and JobWorker against real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from structlog.testing import capture_logs

from teams_app.adapters.job_queue import SqlJobQueue, SqlJobStore
from teams_app.adapters.sql.tables import jobs
from teams_app.ports import Job, JobState
from teams_app.worker import JobHandler, JobWorker, PermanentJobError
from tests.fakes import FakeClock

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BASE = 10.0  # backoff base, seconds
CAP = 600.0


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def store(engine: AsyncEngine, clock: FakeClock) -> SqlJobStore:
    return SqlJobStore(engine, clock, default_max_attempts=3)


async def enqueue(
    engine: AsyncEngine, clock: FakeClock, kind: str = "ping", **options: Any
) -> str | None:
    payload = options.pop("payload", {"plan_id": "p-1"})
    async with engine.begin() as connection:
        return await SqlJobQueue(connection, clock, 3).enqueue(kind, payload, **options)


def make_worker(
    store: SqlJobStore, clock: FakeClock, handlers: dict[str, JobHandler], **overrides: Any
) -> JobWorker:
    options: dict[str, Any] = {
        "concurrency": 4,
        "lease_seconds": 30.0,
        "poll_seconds": 0.05,
        "max_backoff": CAP,
        "backoff_base": BASE,
        "grace_seconds": 1.0,
        "owner": "worker-1",
    }
    return JobWorker(store, handlers, clock, **(options | overrides))


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


async def job(store: SqlJobStore, job_id: str | None) -> Job:
    assert job_id is not None
    found = await store.get(job_id)
    assert found is not None
    return found


async def ok(_job: Job) -> None:
    return None


async def broken(_job: Job) -> None:
    raise RuntimeError("Alice wrote: my private answer")  # the message must never be stored


# -- enqueue and claim --------------------------------------------------------------------------


async def test_job_is_not_claimed_before_it_is_due(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    job_id = await enqueue(engine, clock, run_at=START + timedelta(seconds=60))

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
    ids = [await enqueue(engine, clock, run_at=START - timedelta(seconds=n)) for n in range(5)]

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


async def test_failed_job_is_retried_later_with_growing_backoff(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    job_id = await enqueue(engine, clock, max_attempts=5)
    worker = make_worker(store, clock, {"ping": broken}, rand=lambda: 0.99)

    assert await worker.run_once() == 1
    first = await job(store, job_id)
    assert first.state is JobState.QUEUED
    assert first.attempts == 1
    assert first.last_error == "RuntimeError"
    assert first.lease_owner is None
    assert first.run_at == START + timedelta(seconds=0.99 * BASE)

    assert await worker.run_once() == 0  # not due yet
    clock.at = first.run_at
    assert await worker.run_once() == 1
    second = await job(store, job_id)
    assert second.attempts == 2
    assert second.run_at == first.run_at + timedelta(seconds=0.99 * 2 * BASE)


async def test_retry_is_never_immediate(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    job_id = await enqueue(engine, clock)
    worker = make_worker(store, clock, {"ping": broken}, rand=lambda: 0.0)

    await worker.run_once()

    assert (await job(store, job_id)).run_at == START + timedelta(seconds=BASE / 2)


async def test_job_goes_dead_after_max_attempts_and_retry_revives_it(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    job_id = await enqueue(engine, clock, max_attempts=3)
    failing = make_worker(store, clock, {"ping": broken})

    for _ in range(3):
        assert await failing.run_once() == 1
        clock.advance(CAP)
    dead = await job(store, job_id)
    assert dead.state is JobState.DEAD
    assert dead.attempts == 3
    assert dead.last_error == "RuntimeError"
    assert dead.finished_at is not None
    assert await failing.run_once() == 0
    assert (await store.counts())[JobState.DEAD] == 1
    assert [j.id for j in await store.list(JobState.DEAD)] == [job_id]

    assert await store.retry(job_id)
    revived = await job(store, job_id)
    assert (revived.state, revived.attempts, revived.run_at) == (JobState.QUEUED, 0, clock.now())
    assert await make_worker(store, clock, {"ping": ok}).run_once() == 1
    assert (await job(store, job_id)).state is JobState.DONE
    assert not await store.retry(job_id)  # only dead jobs can be revived


async def test_permanent_errors_and_unknown_kinds_go_dead_at_once(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    async def plan_gone(_job: Job) -> None:
        raise PermanentJobError("plan_gone")

    permanent = await enqueue(engine, clock, kind="remind", max_attempts=5)
    unknown = await enqueue(engine, clock, kind="no_such_kind", max_attempts=5)

    assert await make_worker(store, clock, {"remind": plan_gone}).run_once() == 2

    assert (await job(store, permanent)).state is JobState.DEAD
    assert (await job(store, permanent)).last_error == "plan_gone"
    assert (await job(store, unknown)).state is JobState.DEAD
    assert (await job(store, unknown)).last_error == "unknown_kind"
    assert (await job(store, unknown)).attempts == 1


async def test_counts_cover_every_state(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    for _ in range(3):
        await enqueue(engine, clock)
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
    job_id = await enqueue(engine, clock)
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
    job_id = await enqueue(engine, clock)
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
    job_id = await enqueue(engine, clock)
    await store.claim("a", 10, 30)

    assert await store.release(job_id, "a")

    released = await job(store, job_id)
    assert (released.state, released.attempts, released.lease_owner) == (JobState.QUEUED, 0, None)
    [again] = await store.claim("b", 10, 30)
    assert again.attempts == 1


async def test_job_whose_lease_expired_on_its_last_attempt_goes_dead(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    job_id = await enqueue(engine, clock, max_attempts=1)
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


# -- the worker loop ---------------------------------------------------------------------------


async def test_worker_runs_jobs_and_logs_ids_not_payloads(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    ids = [
        await enqueue(engine, clock, payload={"note": "Alice feels unwell"}) for _ in range(6)
    ]
    stop = asyncio.Event()
    worker = make_worker(store, clock, {"ping": ok}, concurrency=2)

    with capture_logs() as logs:
        running = asyncio.create_task(worker.run(stop))

        async def all_done() -> bool:
            return (await store.counts())[JobState.DONE] == len(ids)

        await eventually(all_done)
        stop.set()
        await asyncio.wait_for(running, 5)

    done = [entry for entry in logs if entry["event"] == "job_done"]
    assert sorted(entry["job_id"] for entry in done) == sorted(ids)
    assert {"kind", "attempt", "duration_ms"} <= done[0].keys()
    assert "Alice" not in repr(logs)


async def test_worker_wakes_promptly_on_stop_when_idle(
    store: SqlJobStore, clock: FakeClock
) -> None:
    stop = asyncio.Event()
    worker = make_worker(store, clock, {}, poll_seconds=30.0)
    running = asyncio.create_task(worker.run(stop))
    await asyncio.sleep(0.1)

    began = time.monotonic()
    stop.set()
    await asyncio.wait_for(running, 5)

    assert time.monotonic() - began < 1.0


async def test_worker_renews_the_lease_of_a_long_job(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    job_id = await enqueue(engine, clock)
    started, finish = asyncio.Event(), asyncio.Event()

    async def long_job(_job: Job) -> None:
        started.set()
        await finish.wait()

    stop = asyncio.Event()
    running = asyncio.create_task(
        make_worker(store, clock, {"ping": long_job}, lease_seconds=0.3).run(stop)
    )
    await asyncio.wait_for(started.wait(), 5)
    clock.advance(100)  # far past the first lease; only a renewal keeps the job

    async def renewed() -> bool:
        lease = (await job(store, job_id)).lease_expires_at
        return lease is not None and lease > clock.now()

    await eventually(renewed)
    assert await store.claim("other", 10, 30) == []
    finish.set()
    stop.set()
    await asyncio.wait_for(running, 5)
    assert (await job(store, job_id)).state is JobState.DONE


async def test_graceful_shutdown_finishes_quick_jobs_and_releases_stuck_ones(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    quick_id = await enqueue(engine, clock, kind="quick")
    stuck_id = await enqueue(engine, clock, kind="stuck")
    started = {"quick": asyncio.Event(), "stuck": asyncio.Event()}

    async def quick(_job: Job) -> None:
        started["quick"].set()
        await asyncio.sleep(0.1)

    async def stuck(_job: Job) -> None:
        started["stuck"].set()
        await asyncio.Event().wait()  # never finishes on its own

    stop = asyncio.Event()
    worker = make_worker(store, clock, {"quick": quick, "stuck": stuck}, grace_seconds=0.5)
    with capture_logs() as logs:
        running = asyncio.create_task(worker.run(stop))
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in started.values())), 5)
        began = time.monotonic()
        stop.set()
        await asyncio.wait_for(running, 5)

    assert 0.5 <= time.monotonic() - began < 2.0
    assert (await job(store, quick_id)).state is JobState.DONE
    released = await job(store, stuck_id)
    assert (released.state, released.attempts, released.lease_owner) == (JobState.QUEUED, 0, None)
    assert [e["job_id"] for e in logs if e["event"] == "job_released"] == [stuck_id]
