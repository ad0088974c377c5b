"""Shared helpers for the job queue and worker integration tests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from teams_app.adapters.sql.job_queue import SqlJobQueue, SqlJobStore
from teams_app.jobs.worker import JobHandler, JobWorker
from teams_app.ports import Job
from tests.fakes import FakeClock

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
BASE = 10.0  # backoff base, seconds
CAP = 600.0


async def enqueue(
    engine: AsyncEngine, clock: FakeClock, kind: str = "ping", **options: Any
) -> str | None:
    payload = options.pop("payload", {"plan_id": "p-1"})
    async with engine.begin() as connection:
        return await SqlJobQueue(connection, clock, 3).enqueue(kind, payload, **options)


async def add_job(engine: AsyncEngine, clock: FakeClock, kind: str = "ping", **options: Any) -> str:
    """Enqueue a job that must be created (no clashing idempotency key)."""
    job_id = await enqueue(engine, clock, kind, **options)
    assert job_id is not None
    return job_id


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


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 5.0) -> None:
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


async def job(store: SqlJobStore, job_id: str) -> Job:
    found = await store.get(job_id)
    assert found is not None
    return found


async def ok(_job: Job) -> None:
    return None


async def broken(_job: Job) -> None:
    raise RuntimeError("Alice wrote: my private answer")  # the message must never be stored
