"""A job worker in its own OS process, for the multi-process tests and the benchmark.

    python -m tests.integration.worker_process --url URL [--concurrency 8] [--lease 30] ...

It runs the real SqlJobStore and JobWorker with test handlers that write to the test-only
table `job_runs`, so the parent can see which process ran which job, and how often. SIGTERM
(or SIGINT) stops it gracefully.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
from pathlib import Path

import structlog
from sqlalchemy import Column, Integer, MetaData, String, Table, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from teams_app.adapters.clock import SystemClock
from teams_app.adapters.sql.engine import create_engine
from teams_app.adapters.sql.job_queue import SqlJobStore
from teams_app.jobs.worker import JobHandler, JobWorker
from teams_app.ports import Job

runs_metadata = MetaData()

job_runs = Table(
    "job_runs",
    runs_metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("job_id", String(36), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("event", String(16), nullable=False),  # started | finished
)

STARTED = "started"
FINISHED = "finished"


def recording_handlers(engine: AsyncEngine) -> dict[str, JobHandler]:
    pid = os.getpid()

    async def record(job: Job, event: str) -> None:
        async with engine.begin() as connection:
            await connection.execute(insert(job_runs).values(job_id=job.id, pid=pid, event=event))

    async def work(job: Job) -> None:
        await record(job, FINISHED)

    async def slow(job: Job) -> None:
        # "started" commits on its own, so the parent can see the job is mid-run and kill us.
        await record(job, STARTED)
        if job.attempts == 1:  # only the first try hangs, so the re-claimed run can finish
            await asyncio.sleep(float(job.payload["seconds"]))
        await record(job, FINISHED)

    async def noop(_job: Job) -> None:
        return None

    return {"work": work, "slow": slow, "noop": noop}


async def serve(args: argparse.Namespace) -> None:
    engine = create_engine(args.url)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    clock = SystemClock()
    worker = JobWorker(
        SqlJobStore(engine, clock),
        recording_handlers(engine),
        clock,
        concurrency=args.concurrency,
        lease_seconds=args.lease,
        poll_seconds=args.poll,
        max_backoff=60.0,
        backoff_base=1.0,
        grace_seconds=args.grace,
    )
    try:
        async with engine.connect():  # fail fast on a bad URL, and warm the pool
            pass
        if args.ready_file:
            await asyncio.to_thread(Path(args.ready_file).touch)
        await worker.run(stop)
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--lease", type=float, default=30.0)
    parser.add_argument("--poll", type=float, default=0.05)
    parser.add_argument("--grace", type=float, default=5.0)
    parser.add_argument("--ready-file", help="touched once the worker can reach the database")
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args()
    # One line per job would swamp the parent's log file during a 5,000-job run.
    level = logging.getLevelNamesMapping()[args.log_level.upper()]
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(level))
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
