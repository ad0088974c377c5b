"""JobWorker on the real SqlJobStore: retries, dead letters, leases, shutdown, logs."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine
from structlog.testing import capture_logs

from teams_app.adapters.sql.job_queue import SqlJobStore
from teams_app.jobs.worker import PermanentJobError
from teams_app.ports import Job, JobState
from tests.fakes import FakeClock
from tests.integration.jobs_support import (
    BASE,
    CAP,
    START,
    add_job,
    broken,
    eventually,
    job,
    make_worker,
    ok,
)

# -- outcomes, retries, dead letters -----------------------------------------------------------


async def test_failed_job_is_retried_later_with_growing_backoff(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    job_id = await add_job(engine, clock, max_attempts=5)
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
    job_id = await add_job(engine, clock)
    worker = make_worker(store, clock, {"ping": broken}, rand=lambda: 0.0)

    await worker.run_once()

    assert (await job(store, job_id)).run_at == START + timedelta(seconds=BASE / 2)


async def test_job_goes_dead_after_max_attempts_and_retry_revives_it(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    job_id = await add_job(engine, clock, max_attempts=3)
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

    permanent = await add_job(engine, clock, kind="remind", max_attempts=5)
    unknown = await add_job(engine, clock, kind="no_such_kind", max_attempts=5)

    assert await make_worker(store, clock, {"remind": plan_gone}).run_once() == 2

    assert (await job(store, permanent)).state is JobState.DEAD
    assert (await job(store, permanent)).last_error == "plan_gone"
    assert (await job(store, unknown)).state is JobState.DEAD
    assert (await job(store, unknown)).last_error == "unknown_kind"
    assert (await job(store, unknown)).attempts == 1


# -- the worker loop ---------------------------------------------------------------------------


async def test_worker_runs_jobs_and_logs_ids_not_payloads(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    ids = [await add_job(engine, clock, payload={"note": "Alice feels unwell"}) for _ in range(6)]
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
    job_id = await add_job(engine, clock)
    started, finish = asyncio.Event(), asyncio.Event()

    async def long_job(_job: Job) -> None:
        started.set()
        await finish.wait()

    stop = asyncio.Event()
    # Concurrency 1: the busy worker claims nothing, so it cannot re-take its own expired job.
    worker = make_worker(store, clock, {"ping": long_job}, lease_seconds=0.3, concurrency=1)
    running = asyncio.create_task(worker.run(stop))
    await asyncio.wait_for(started.wait(), 5)
    clock.advance(100)  # far past the first lease; only a renewal keeps the job

    async def renewed() -> bool:
        lease = (await job(store, job_id)).lease_expires_at
        return lease is not None and lease > clock.now()

    await eventually(renewed)
    assert await store.claim("other", 10, 30) == []
    held = await job(store, job_id)
    assert (held.lease_owner, held.attempts) == (worker.owner, 1)
    finish.set()
    stop.set()
    await asyncio.wait_for(running, 5)
    assert (await job(store, job_id)).state is JobState.DONE


async def test_graceful_shutdown_finishes_quick_jobs_and_releases_stuck_ones(
    engine: AsyncEngine, store: SqlJobStore, clock: FakeClock
) -> None:
    quick_id = await add_job(engine, clock, kind="quick")
    stuck_id = await add_job(engine, clock, kind="stuck")
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
