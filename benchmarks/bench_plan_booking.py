"""Booking a learning plan for 10,000 members through the product path, against the emulator.

    .venv/bin/python benchmarks/bench_plan_booking.py [--members 10000] [--naive 40]
        [--latency-ms 150] [--throttle 0.01] [--workers 64] [--global 32]
        [--database sqlite|postgres] [--worker-processes 0]

What runs is what production runs: `create_plan`, then `book_plan` (the directory group, then
chunk by chunk of 200 members their mailbox settings and free/busy, the slot finder with the
team's load carried from chunk to chunk, and the chunk's booking jobs enqueued in one
transaction) while the job workers of this process (or, with `--worker-processes N`, N
`learning-loop worker` processes, as `serve` runs them, sharing `--workers` between them) run
the booking jobs from the first chunk on, until the plan's booking progress says finished.
The Graph client is the product's (msgraph-sdk, graph/client.py limits: 4 requests per mailbox,
`--global` in all: in this process's one limit, or with worker processes half for this
process's reads and half shared by the workers, see `reading_share`). The emulator runs in its own
process with Graph's Outlook limits (`preset: graph`: 4 concurrent requests per mailbox, 10,000
requests per 10 minutes per mailbox), `--latency-ms` on every request and `--throttle` of the
requests answered 429 with Retry-After: 1. The database is SQLite in a scratch folder
(`--database postgres` starts a throwaway PostgreSQL, see tests/pg.py).

The naive way, in the same run and against the same emulator: the same Graph work one request
at a time (the group's pages, then per member its mailbox settings, its free/busy and the
create). It runs on `--naive` members and is extrapolated linearly to all members (the table
says so); its events carry their own transactionIds and are verified too.

The lower bound the limits allow: every Graph request takes at least the latency; the group's
pages follow one another (each nextLink comes with the page before); everything else is at best
packed in `$batch`es of 20 whose inner requests Graph runs 4 at a time, with `--global` HTTP
requests in flight. The work is one create and one mailbox-settings read per member and one
getSchedule per 20 members per search window:

    bound = latency x (pages + (2 x members + windows x ceil(members / 20)) / (4 x global))

Retry-After waits from the injected throttling are not in the bound (they are in the run).

Every mailbox's events are listed through the emulator's control API before and after: each
member must have gained exactly one series (two for the members of the one-at-a-time sample),
counted over every series whatever its transactionId, and that series must carry the plan's
transactionId (zero duplicates, zero missing).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import os
import platform
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script: make the project importable

from benchmarks.processes import emulator_and_database  # noqa: E402
from graph import demo_org  # noqa: E402
from teams_app.bootstrap import bootstrap  # noqa: E402
from teams_app.domain.bookings import RunState  # noqa: E402
from teams_app.domain.cadences import Cadence, Horizon, LearningWindow  # noqa: E402
from teams_app.domain.calendar import Weekday  # noqa: E402
from teams_app.domain.learning_plans import CreatePlan, MemberSource, PlanSpec  # noqa: E402
from teams_app.domain.slot_events import slot_event_draft, slot_transaction_id  # noqa: E402
from teams_app.domain.slots import SlotTime, search_windows  # noqa: E402
from teams_app.logs import configure_logging  # noqa: E402
from teams_app.settings import Settings  # noqa: E402
from teams_app.use_cases.plans.booking import BookPlan, book_plan  # noqa: E402
from teams_app.use_cases.plans.planning import create_plan  # noqa: E402

TOKEN = "bench-token"
ZONES = ("Europe/Stockholm", "Europe/London", "America/New_York", "Asia/Tokyo", "Australia/Sydney")
_TODAY = datetime.now(UTC).date()
START = _TODAY + timedelta(days=7 - _TODAY.weekday())  # next Monday
PAGE = 999  # the directory page the adapter asks for ($top)



def process_cpu(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().split()
    except OSError:
        return None
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


async def control(session: aiohttp.ClientSession, root: str, method: str, path: str,
                  body: Any = None) -> Any:
    async with session.request(method, f"{root}/_emulator{path}", json=body) as response:
        response.raise_for_status()
        return await response.json()


async def seed_org(session: aiohttp.ClientSession, root: str, members: int) -> tuple[str, str,
                                                                                     list[str]]:
    """An owner and a group of `members` people in five time zones, some with a standing
    meeting, so the slot finder has different answers to find."""
    await control(session, root, "POST", "/reset", {"seed": "empty"})
    owner = await control(session, root, "POST", "/users",
                          {"displayName": "Learning Lead", "timeZone": "Europe/Stockholm"})
    ids: list[str] = []
    for start in range(0, members, 200):
        people = await asyncio.gather(*(
            control(session, root, "POST", "/users", {
                "displayName": f"Member {n}", "mailNickname": f"member{n}",
                "timeZone": ZONES[n % len(ZONES)], "managerId": owner["id"]})
            for n in range(start, min(start + 200, members))
        ))
        ids += [p["id"] for p in people]
    busy = [  # a weekly meeting on Monday and Tuesday mornings for every third member
        control(session, root, "POST", f"/users/{member}/events", {
            "subject": "Standing meeting",
            "start": {"dateTime": f"{START}T09:00:00", "timeZone": ZONES[n % len(ZONES)]},
            "end": {"dateTime": f"{START}T11:00:00", "timeZone": ZONES[n % len(ZONES)]},
            "recurrence": {
                "pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday", "tuesday"]},
                "range": {"type": "noEnd", "startDate": START.isoformat()}},
        })
        for n, member in enumerate(ids) if n % 3 == 0
    ]
    for start in range(0, len(busy), 200):
        await asyncio.gather(*busy[start:start + 200])
    group = await control(session, root, "POST", "/groups",
                          {"displayName": "Everyone learning", "memberIds": ids})
    return owner["id"], group["id"], ids


def series_per_mailbox(stored: dict[str, list[dict[str, object]]]) -> Counter[str]:
    """How many live series masters each mailbox holds."""
    return Counter({
        mailbox: sum(e.get("type") == "seriesMaster" and not e.get("isCancelled") for e in events)
        for mailbox, events in stored.items()
    })


def a_spec(group_id: str) -> PlanSpec:
    return PlanSpec(
        members=MemberSource.of_group(group_id),
        cadence=Cadence.weekly(),
        duration_minutes=60,
        window=LearningWindow(
            (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY),
            clock_time(9, 0), clock_time(16, 0),
        ),
        horizon=Horizon(START, occurrences=8),
        goal="Finish the data literacy course",
    )


async def run(args: argparse.Namespace, base_url: str, emulator_pid: int, url: str) -> None:
    root = base_url.removesuffix("/v1.0")
    latency, g = args.latency_ms / 1000, args.global_concurrency
    async with aiohttp.ClientSession() as session:
        started = time.perf_counter()
        owner, group_id, members = await seed_org(session, root, args.members)
        print(f"seeded {len(members)} members in {time.perf_counter() - started:.1f} s",
              file=sys.stderr, flush=True)
        before = series_per_mailbox(await control(session, root, "GET", "/objects/events"))
        await control(session, root, "PUT", "/limits", {
            "preset": "graph", "latency_ms": args.latency_ms,
            "throttle_probability": args.throttle, "retry_after_s": 1, "rng_seed": 7})
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, anonymous=True, database_url=url, graph_base_url=base_url,
            graph_auth="static", graph_static_token=TOKEN,
            graph_global_concurrency=reading_share(args),
            workers=args.workers, job_poll_seconds=0.1, log_json=True,
        )
        runtime = await bootstrap(settings)
        services = runtime.services
        assert services.calendar is not None and services.directory is not None
        # Started before the booking: their first defend scan finds nothing booked yet.
        workers = [await worker_process(args, settings) for _ in range(args.worker_processes)]
        try:
            spec = a_spec(group_id)
            receipt = await create_plan(CreatePlan(owner, spec), uow=services.uow(),
                                        clock=services.clock, new_id=lambda: str(uuid.uuid4()))
            plan_id = receipt.plan_id
            await control(session, root, "DELETE", "/stats")
            stop = asyncio.Event()
            # Running before booking starts, as in `serve`: booking queues each chunk's jobs
            # while it still reads later chunks' calendars, and the workers create meanwhile.
            worker = asyncio.create_task(
                runtime.worker(concurrency=args.workers).run(stop) if not workers
                else stop.wait())
            emulator_before, cpu_before = process_cpu(emulator_pid), time.process_time()
            started = time.perf_counter()
            booking_run = asyncio.create_task(book_plan(
                BookPlan(plan_id, owner), uow=services.uow, calendar=services.calendar,
                directory=services.directory, clock=services.clock,
                rights=services.rights))  # the members are the owner's reports: all allowed
            booking, slots_found, first_booked = None, math.nan, math.nan
            progress = None
            while booking is None or progress is None or progress.state is not RunState.FINISHED:
                await asyncio.sleep(0.1)
                if booking is None and booking_run.done():
                    booking, slots_found = booking_run.result(), time.perf_counter() - started
                    print(f"book_plan: {slots_found:.1f} s, {booking.queued} members queued, "
                          f"{len(booking.problems)} problems", file=sys.stderr, flush=True)
                async with services.uow() as tx:
                    current = await tx.plans.progress(plan_id, receipt.revision)
                if current is None:
                    continue  # the run has not started yet (reading the directory)
                if current.done and math.isnan(first_booked):
                    first_booked = time.perf_counter() - started
                if progress is None or (current.done, current.failed) != (progress.done,
                                                                          progress.failed):
                    print(f"  {time.perf_counter() - started:6.1f} s  done {current.done} "
                          f"failed {current.failed} of {current.total}", file=sys.stderr,
                          flush=True)
                progress = current
            seconds = time.perf_counter() - started
            client_cpu = time.process_time() - cpu_before
            emulator_after = process_cpu(emulator_pid)
            stop.set()
            await worker
            for process in workers:
                process.terminate()
            for process in workers:
                await process.wait()
            stats = await control(session, root, "GET", "/stats")

            # The naive way: the same requests, one at a time, on a sample.
            sample = members[: args.naive]
            windows = search_windows(spec)
            naive_started = time.perf_counter()
            await services.directory.group_members(group_id)
            pages_seconds = time.perf_counter() - naive_started
            naive_started = time.perf_counter()
            naive_plan = f"naive-{plan_id}"
            for n, member in enumerate(sample):
                await services.calendar.mailbox_settings(member)
                for window in windows:
                    await services.calendar.free_busy([f"member{n}@{demo_org.DOMAIN}"], window)
                slot = SlotTime((Weekday.WEDNESDAY,), clock_time(14), ZONES[n % len(ZONES)])
                draft = slot_event_draft(
                    await _plan(services, plan_id), member, slot)
                draft = replace(draft, transaction_id=f"{naive_plan}:{member}")
                await services.calendar.create_event(member, draft)
            per_member = (time.perf_counter() - naive_started) / len(sample)
        finally:
            await runtime.close()

        stored = await control(session, root, "GET", "/objects/events")
    # Counted from every series in each mailbox, whatever its transactionId: the emulator, like
    # Exchange, answers a repeated create with the same transactionId with the first event, so a
    # count by transactionId could never find a duplicate that a missing one would leave.
    after = series_per_mailbox(stored)
    added = {m: after.get(m, 0) - before.get(m, 0) for m in set(after) | set(before)}
    expected = {m: 1 + (m in sample) for m in members}  # the plan's, and the naive run's
    duplicates = sum(max(added.get(m, 0) - want, 0) for m, want in expected.items())
    duplicates += sum(max(c, 0) for m, c in added.items() if m not in expected)
    missing = sum(max(want - added.get(m, 0), 0) for m, want in expected.items())
    seen = Counter(
        (owner_id, e.get("transactionId")) for owner_id, events in stored.items()
        for e in events if e.get("type") == "seriesMaster" and not e.get("isCancelled"))
    wanted = {(m, slot_transaction_id(plan_id, m, receipt.revision)) for m in members}
    naive_wanted = {(m, f"{naive_plan}:{m}") for m in sample}
    missing += len((wanted | naive_wanted) - set(seen))  # and each is the one it should be
    n = len(members)
    pages = math.ceil(n / PAGE)
    creates = stats["requests"].get("POST /users/{user}/events", 0)
    reads = stats["requests"].get("GET /users/{user}/mailboxSettings", 0)
    schedules = stats["requests"].get("POST /users/{user}/calendar/getSchedule", 0)
    bound = latency * (pages + (2 * n + len(windows) * math.ceil(n / 20)) / (4 * g))
    naive = pages_seconds + per_member * n
    emulator_cpu = (None if emulator_before is None or emulator_after is None
                    else emulator_after - emulator_before)
    print(f"\n{n} members; emulator in its own process: {args.latency_ms:g} ms per request, "
          f"Graph's mailbox limits, {args.throttle:.0%} of requests throttled (Retry-After 1 s); "
          f"client: {g} Graph requests at once, {args.workers} jobs at once "
          f"({args.worker_processes or 'no'} worker processes), {args.database} "
          f"({platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs)\n")
    print(f"Graph requests in the booking: {stats['total']} in all, {stats['batches']} $batch, "
          f"{creates} creates, {reads} mailbox settings, {schedules} getSchedule, "
          f"{stats['throttled']} answered 429")
    print(f"book_plan (directory, then per chunk settings, free/busy, slot finder, enqueue) "
          f"returned after {slots_found:.1f} s; the first chunk was booked after "
          f"{first_booked:.1f} s, the last after {seconds:.1f} s; CPU over the run: client "
          f"{client_cpu:.1f} s, emulator {'n/a' if emulator_cpu is None else f'{emulator_cpu:.1f}'}"
          " s\n")
    print("| way | members | wall s | × product path |")
    print("|---|---:|---:|---:|")
    print(f"| product path (book_plan + job workers) | {n} | {seconds:.1f} | 1.00× |")
    print(f"| one request at a time (measured on {len(sample)}, ×{n / len(sample):g}) | {n} "
          f"| {naive:.0f} | {naive / seconds:.1f}× |")
    print(f"| lower bound of the limits | {n} | {bound:.1f} | {bound / seconds:.2f}× |")
    print(f"\nspeed-up over one at a time: {naive / seconds:.1f}× (goal ≥ 20×); "
          f"{seconds / bound:.2f}× the lower bound (goal ≤ 1.5×)")
    print(f"verified via /_emulator/objects/events: {duplicates} duplicates, {missing} missing "
          f"({progress.done} booked, {progress.failed} failed)")
    if duplicates or missing:
        raise SystemExit("booking check failed")


def reading_share(args: argparse.Namespace) -> int:
    """Graph requests at once for this process. Its reads overlap the workers' creates, so
    with worker processes the `--global` limit is split: half for this process (the reads),
    half shared by the workers (the creates); the bound counts `--global` in all. Without
    them, reads and creates share this process's one limit."""
    g = args.global_concurrency
    return max(1, g // 2) if args.worker_processes else g


async def worker_process(args: argparse.Namespace,
                         settings: Settings) -> asyncio.subprocess.Process:
    share = max(1, args.worker_processes)
    creates = max(1, args.global_concurrency - reading_share(args))
    env = {**os.environ, "LEARNING_LOOP_ANONYMOUS": "true",
           "LEARNING_LOOP_DATABASE_URL": settings.database_url,
           "LEARNING_LOOP_GRAPH_BASE_URL": str(settings.graph_base_url),
           "LEARNING_LOOP_GRAPH_AUTH": "static", "LEARNING_LOOP_GRAPH_STATIC_TOKEN": TOKEN,
           "LEARNING_LOOP_GRAPH_GLOBAL_CONCURRENCY": str(max(1, creates // share)),
           "LEARNING_LOOP_WORKERS": str(max(1, args.workers // share)),
           "LEARNING_LOOP_JOB_POLL_SECONDS": "0.1", "LEARNING_LOOP_LOG_JSON": "true"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "teams_app.cli.main", "worker", env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Booking queues its first jobs within seconds now: a worker still importing would be
    # timed as booking. Its log says when it claims jobs; the rest of the log is drained.
    assert process.stderr is not None
    async for line in process.stderr:
        if b"worker_started" in line:
            break
    else:
        raise SystemExit("a worker process did not start")
    _DRAINS.add(asyncio.create_task(_drain(process.stderr)))
    return process


_DRAINS: set[asyncio.Task[None]] = set()


async def _drain(stream: asyncio.StreamReader) -> None:
    async for _ in stream:
        pass


async def _plan(services: Any, plan_id: str) -> Any:
    async with services.uow() as tx:
        return await tx.plans.get(plan_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--naive", type=int, default=40, help="members in the naive run")
    parser.add_argument("--latency-ms", type=float, default=150.0)
    parser.add_argument("--throttle", type=float, default=0.01)
    parser.add_argument("--workers", type=int, default=64, help="jobs at once (max 64)")
    parser.add_argument("--global", dest="global_concurrency", type=int, default=32,
                        help="graph_global_concurrency (the settings' default is 32)")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--worker-processes", type=int, default=0,
                        help="run the jobs in N `learning-loop worker` processes (0: in this one)")
    args = parser.parse_args()
    configure_logging(json=True, level=logging.CRITICAL)  # the run prints its own lines
    with emulator_and_database(TOKEN, args.database) as (process, base_url, url):
        asyncio.run(run(args, base_url, process.pid, url))

if __name__ == "__main__":
    main()
