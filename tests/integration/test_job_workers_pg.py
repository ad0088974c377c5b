"""Several worker PROCESSES sharing one PostgreSQL queue: each job runs once, crashes recover."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from teams_app.adapters.clock import SystemClock
from teams_app.adapters.sql.engine import create_engine, upgrade
from teams_app.adapters.sql.job_queue import SqlJobQueue, SqlJobStore
from teams_app.adapters.sql.tables import jobs
from teams_app.ports import JobState
from tests.integration.worker_process import FINISHED, STARTED, job_runs, runs_metadata

pytestmark = pytest.mark.postgres

PROJECT_ROOT = Path(__file__).resolve().parents[2]
JOBS = 5_000


@pytest.fixture
async def pg_engine(postgres_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(postgres_url)
    try:
        await upgrade(engine)
        async with engine.begin() as connection:
            await connection.run_sync(runs_metadata.create_all)
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def workers(postgres_url: str, tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Starts worker processes on the test's database; kills any still alive at the end."""
    with ExitStack() as cleanup:

        def start(name: str, *options: str) -> subprocess.Popen[bytes]:
            log = cleanup.enter_context((tmp_path / f"{name}.log").open("wb"))
            process = subprocess.Popen(
                [
                    sys.executable, "-m", "tests.integration.worker_process",
                    "--url", postgres_url, "--ready-file", str(tmp_path / f"{name}.ready"),
                    *options,
                ],
                cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            cleanup.callback(_kill, process)
            return process

        yield start


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)


async def wait_until(check: Callable[[], Awaitable[bool]], within: float, what: str) -> None:
    deadline = time.monotonic() + within
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def wait_ready(tmp_path: Path, *names: str) -> None:
    async def ready() -> bool:
        return all((tmp_path / f"{name}.ready").exists() for name in names)

    await wait_until(ready, 30, "the workers to start")


def stop(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=15)


async def test_two_worker_processes_run_every_job_exactly_once(
    pg_engine: AsyncEngine, workers: Callable[..., subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    first, second = workers("w1"), workers("w2")
    await wait_ready(tmp_path, "w1", "w2")

    # One transaction: both workers see all 5,000 at once and must split them.
    async with pg_engine.begin() as connection:
        queue = SqlJobQueue(connection, SystemClock(), 3)
        for n in range(JOBS):
            await queue.enqueue("work", {"n": n})
    store = SqlJobStore(pg_engine, SystemClock())

    async def all_done() -> bool:
        counts = await store.counts()
        assert counts[JobState.DEAD] == 0
        return counts[JobState.DONE] == JOBS

    await wait_until(all_done, 45, "all jobs to finish")
    assert stop(first) == 0
    assert stop(second) == 0

    async with pg_engine.connect() as connection:
        per_job = (
            select(job_runs.c.job_id, func.count().label("runs"))
            .group_by(job_runs.c.job_id)
            .subquery()
        )
        run_counts = (
            await connection.execute(select(per_job.c.runs, func.count()).group_by(per_job.c.runs))
        ).all()
        per_pid: dict[int, int] = dict(
            (
                await connection.execute(
                    select(job_runs.c.pid, func.count()).group_by(job_runs.c.pid)
                )
            ).all()
        )
        attempts = (await connection.execute(select(func.max(jobs.c.attempts)))).scalar()
    assert run_counts == [(1, JOBS)]  # every job ran, none twice
    assert set(per_pid) == {first.pid, second.pid}  # and both processes took a share
    assert attempts == 1


async def test_job_of_a_killed_worker_is_finished_once_by_another(
    pg_engine: AsyncEngine, workers: Callable[..., subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    lease = ("--lease", "2", "--poll", "0.1")
    async with pg_engine.begin() as connection:
        job_id = await SqlJobQueue(connection, SystemClock(), 3).enqueue("slow", {"seconds": 120})
    assert job_id is not None

    async def events(event: str) -> list[int]:
        async with pg_engine.connect() as connection:
            rows = await connection.execute(
                select(job_runs.c.pid).where(job_runs.c.job_id == job_id, job_runs.c.event == event)
            )
            return [row.pid for row in rows]

    async def started() -> bool:
        return bool(await events(STARTED))

    doomed = workers("doomed", *lease)
    await wait_until(started, 30, "the job to start")
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    store = SqlJobStore(pg_engine, SystemClock())
    orphan = await store.get(job_id)
    assert orphan is not None
    assert orphan.state is JobState.RUNNING  # nobody released it: the worker died mid-job

    rescuer = workers("rescuer", *lease)

    async def done() -> bool:
        found = await store.get(job_id)
        return found is not None and found.state is JobState.DONE

    await wait_until(done, 30, "the job to be re-claimed and finished")
    assert stop(rescuer) == 0

    assert await events(FINISHED) == [rescuer.pid]
    assert sorted(await events(STARTED)) == sorted([doomed.pid, rescuer.pid])
    finished = await store.get(job_id)
    assert finished is not None
    assert finished.attempts == 2
