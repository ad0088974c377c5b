"""Job queue throughput: jobs/s with 1 and several worker PROCESSES, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/bench_jobs.py [--database sqlite|postgres|both] [--jobs 5000]
                                              [--workers 1 4] [--concurrency 8]

Each run gets a fresh database, starts the worker processes (tests/integration/worker_process.py,
the real SqlJobStore + JobWorker) and waits until they are connected, then enqueues the jobs in
one transaction and times from its commit until every job is done. The handler does nothing, so
this measures the queue's own cost: claim, outcome and lease bookkeeping. PostgreSQL is a
throwaway server started from the Debian binaries (tests/pg.py), with fsync off.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Run as a plain script, the project root is not on sys.path; the PostgreSQL helper and the
# worker process module live in tests/.
sys.path.insert(0, str(ROOT))

from teams_app.adapters.clock import SystemClock  # noqa: E402
from teams_app.adapters.sql.engine import create_engine, upgrade  # noqa: E402
from teams_app.adapters.sql.job_queue import SqlJobQueue, SqlJobStore  # noqa: E402
from teams_app.ports import JobState  # noqa: E402
from tests.pg import PostgresServer  # noqa: E402

POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Result:
    database: str
    workers: int
    concurrency: int
    jobs: int
    enqueue_seconds: float
    run_seconds: float

    def row(self) -> str:
        return (
            f"| {self.database} | {self.workers} | {self.concurrency} | {self.jobs} "
            f"| {self.jobs / self.enqueue_seconds:,.0f} | {self.run_seconds:.2f} "
            f"| **{self.jobs / self.run_seconds:,.0f}** |"
        )


async def measure(
    database: str, url: str, workers: int, concurrency: int, jobs: int, scratch: Path
) -> Result:
    engine = create_engine(url)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        await upgrade(engine)
        names = [f"{database}-{workers}-{n}" for n in range(workers)]
        processes.extend(_start_worker(url, concurrency, scratch, name) for name in names)
        await _wait_ready(processes, [scratch / f"{name}.ready" for name in names], scratch)

        clock = SystemClock()
        began = time.perf_counter()
        async with engine.begin() as connection:
            queue = SqlJobQueue(connection, clock, 3)
            for n in range(jobs):
                await queue.enqueue("noop", {"n": n})
        committed = time.perf_counter()

        store = SqlJobStore(engine, clock)
        deadline = committed + max(120.0, jobs / 20)
        while True:
            counts = await store.counts()
            if counts[JobState.DEAD]:
                raise RuntimeError(f"{counts[JobState.DEAD]} jobs went dead; see {scratch}")
            if counts[JobState.DONE] == jobs:
                break
            if time.perf_counter() > deadline:
                raise RuntimeError(f"timed out with {counts}; see the worker logs in {scratch}")
            await asyncio.sleep(POLL_SECONDS)
        finished = time.perf_counter()
    finally:
        _stop(processes)
        await engine.dispose()
    return Result(database, workers, concurrency, jobs, committed - began, finished - committed)


def _start_worker(url: str, concurrency: int, scratch: Path, name: str) -> subprocess.Popen[bytes]:
    with (scratch / f"{name}.log").open("wb") as log:
        return subprocess.Popen(
            [
                sys.executable, "-m", "tests.integration.worker_process", "--url", url,
                "--concurrency", str(concurrency), "--poll", str(POLL_SECONDS),
                "--ready-file", str(scratch / f"{name}.ready"),
            ],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip


async def _wait_ready(
    processes: list[subprocess.Popen[bytes]], ready_files: list[Path], scratch: Path
) -> None:
    deadline = time.monotonic() + 60
    while True:
        if all(path.exists() for path in ready_files):
            return
        if any(p.poll() is not None for p in processes) or time.monotonic() > deadline:
            raise RuntimeError(f"a worker did not start; see the logs in {scratch}")
        await asyncio.sleep(0.05)


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


async def run(args: argparse.Namespace) -> list[Result]:
    results: list[Result] = []
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    with tempfile.TemporaryDirectory(prefix="bench-jobs-") as folder:
        scratch = Path(folder)
        server = PostgresServer().start() if "postgres" in databases else None
        try:
            for database in databases:
                for workers in args.workers:
                    if server is not None and database == "postgres":
                        url = server.create_database()
                    else:
                        url = f"sqlite+aiosqlite:///{scratch / f'bench-{workers}.db'}"
                    result = await measure(
                        database, url, workers, args.concurrency, args.jobs, scratch
                    )
                    print(result.row(), file=sys.stderr, flush=True)
                    results.append(result)
        finally:
            if server is not None:
                server.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--jobs", type=int, default=5000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    parser.add_argument("--concurrency", type=int, default=8, help="jobs in flight per process")
    args = parser.parse_args()

    results = asyncio.run(run(args))
    print(
        f"\nJob queue throughput, trivial handler ({platform.python_version()}, "
        f"{os.cpu_count()} CPUs, SQLite {sqlite3.sqlite_version})\n"
    )
    print("| database | worker processes | concurrency each | jobs | enqueue jobs/s "
          "| run seconds | jobs/s |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|")
    for result in results:
        print(result.row())


if __name__ == "__main__":
    main()
