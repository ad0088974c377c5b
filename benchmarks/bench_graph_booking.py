"""Booking one weekly learning slot in each of 2,000 mailboxes through the Graph adapter.

    .venv/bin/python benchmarks/bench_graph_booking.py [--mailboxes 2000] [--naive 100]
                                                       [--latency-ms 150] [--global 32]

The emulator (graph/emulator) runs in a SUBPROCESS on 127.0.0.1 with Graph's Outlook limits
on (`preset: graph`: 4 concurrent requests per mailbox, 10,000 requests per 10 minutes per
mailbox) and a fixed latency on every Graph request. The client is the product's own: the
msgraph-sdk client from graph/client.py and GraphCalendar, with the settings' limits.

Three runs, same emulator, each with its own plan (so its own transactionIds):
  1. batched + concurrent: `create_events_batched` for all mailboxes ($batch of 20, batches in
     parallel up to the global limit);
  2. concurrent, no batching: one `create_event` per mailbox, all started at once, the limits
     queue them;
  3. naive: one request at a time, on a subset (default 100 mailboxes); its time is
     extrapolated linearly to all mailboxes, and the table says so.

Lower bounds come from the limits: each Graph request costs at least the latency; a batch runs
at most 4 inner requests at a time (as Graph does, and the emulator too), so a batch of 20 takes
at least 5 latencies; at most `global` HTTP requests are in flight. The mailbox limit (1 request
per mailbox here) and the mailbox budget (10,000 per 10 min) do not bind for one create each.

The bounds ignore CPU. The client's CPU per run is printed beside them: each create costs about
1.5 ms of one core (building the SDK's Event model and serialising it with kiota is most of it),
so 2,000 creates need about 3 s of CPU, which the batched run overlaps with its round trips but
cannot hide entirely on one event loop. (Reading answers as JSON instead of SDK models is what
keeps it that low: the generated deserialiser costs ~20 ms per event, see GraphConnection.)

Afterwards the emulator's control API lists every stored event: each run must have exactly one
event per mailbox (zero duplicates, zero missing).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import platform
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a plain script: make the project importable

from benchmarks.processes import start_emulator  # noqa: E402
from graph.calendar import GraphCalendar  # noqa: E402
from graph.client import GraphConnection, build_graph  # noqa: E402
from teams_app.domain.calendar import CalendarEvent, EventDraft, Recurrence, Weekday  # noqa: E402
from teams_app.settings import Settings  # noqa: E402

TOKEN = "bench-token"
NOW = "2026-03-02T07:00:00Z"
INNER_PARALLEL = 4  # inner requests Graph (and the emulator) runs at once per $batch
BATCH = 20


@dataclass(frozen=True)
class Run:
    name: str
    mailboxes: int
    seconds: float
    http_requests: int
    lower_bound: float
    client_cpu: float
    emulator_cpu: float | None
    extrapolated_from: int | None = None

    def row(self) -> str:
        measured = f"{self.seconds:.2f}"
        if self.extrapolated_from:
            measured = f"{self.seconds:.1f} (measured {self.extrapolated_from} mailboxes, ×" \
                f"{self.mailboxes / self.extrapolated_from:g})"
        emulator = "n/a" if self.emulator_cpu is None else f"{self.emulator_cpu:.1f}"
        return (
            f"| {self.name} | {self.mailboxes} | {self.http_requests} | {measured} "
            f"| {self.mailboxes / self.seconds:,.0f} | {self.lower_bound:.2f} "
            f"| {self.seconds / self.lower_bound:.2f}× | {self.client_cpu:.1f} | {emulator} |"
        )


def slot(plan: str, mailbox: str) -> EventDraft:
    """Tuesday 14:00-15:00 Stockholm time, weekly, ten weeks; the transactionId is derived from
    what is booked, as the use case does, so a rerun never books twice."""
    return EventDraft(
        subject="Learning time",
        body_html="<p>Protected time for learning. Move it if you must; don't drop it.</p>",
        start=datetime(2026, 3, 3, 14),
        end=datetime(2026, 3, 3, 15),
        time_zone="Europe/Stockholm",
        transaction_id=f"{plan}:{mailbox}",
        recurrence=Recurrence.weekly((Weekday.TUESDAY,), starting=date(2026, 3, 3), count=10),
        categories=("Learning Loop",),
    )


async def control(session: aiohttp.ClientSession, root: str, method: str, path: str,
                  body: Any = None) -> Any:
    async with session.request(method, f"{root}/_emulator{path}", json=body) as response:
        response.raise_for_status()
        return await response.json()


async def run_batched(calendar: GraphCalendar, plan: str, mailboxes: list[str]) -> None:
    results = await calendar.create_events_batched({m: [slot(plan, m)] for m in mailboxes})
    failed = [r for rs in results.values() for r in rs if not isinstance(r, CalendarEvent)]
    if failed:
        raise SystemExit(f"{plan}: {len(failed)} creates failed, e.g. {failed[0]!r}")


async def run_concurrent(calendar: GraphCalendar, plan: str, mailboxes: list[str]) -> None:
    await asyncio.gather(*(calendar.create_event(m, slot(plan, m)) for m in mailboxes))


async def run_naive(calendar: GraphCalendar, plan: str, mailboxes: list[str]) -> None:
    for mailbox in mailboxes:
        await calendar.create_event(mailbox, slot(plan, mailbox))


def process_cpu(pid: int) -> float | None:
    """CPU seconds a process has used (Linux /proc); None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().split()
    except OSError:
        return None
    return (int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")


async def measure(
    args: argparse.Namespace, root: str, base_url: str, emulator_pid: int
) -> list[Run]:
    async with aiohttp.ClientSession() as session:
        await control(session, root, "POST", "/reset", {"seed": "empty", "now": NOW})
        mailboxes: list[str] = []
        for start in range(0, args.mailboxes, 100):
            people = await asyncio.gather(*(
                control(session, root, "POST", "/users", {"displayName": f"Person {n}",
                                                         "timeZone": "Europe/Stockholm"})
                for n in range(start, min(start + 100, args.mailboxes))
            ))
            mailboxes += [p["id"] for p in people]
        await control(session, root, "PUT", "/limits",
                      {"preset": "graph", "latency_ms": args.latency_ms})

        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, anonymous=True, graph_base_url=base_url, graph_auth="static",
            graph_static_token=TOKEN, graph_global_concurrency=args.global_concurrency,
        )
        graph: GraphConnection = build_graph(settings)
        calendar = GraphCalendar(graph)
        latency = args.latency_ms / 1000
        n, g = len(mailboxes), settings.graph_global_concurrency
        runs: list[Run] = []
        try:
            plans = [
                ("batched + concurrent", "plan-batched", run_batched, mailboxes,
                 math.ceil(math.ceil(n / BATCH) / g) * math.ceil(BATCH / INNER_PARALLEL)
                 * latency),
                ("concurrent, no batching", "plan-concurrent", run_concurrent, mailboxes,
                 math.ceil(n / g) * latency),
                ("one request at a time", "plan-naive", run_naive, mailboxes[: args.naive],
                 n * latency),
            ]
            for name, plan, runner, subset, bound in plans:
                await control(session, root, "DELETE", "/stats")
                emulator_before, cpu_before = process_cpu(emulator_pid), time.process_time()
                started = time.perf_counter()
                await runner(calendar, plan, subset)
                seconds = time.perf_counter() - started
                client_cpu = time.process_time() - cpu_before
                emulator_after = process_cpu(emulator_pid)
                emulator_cpu = (
                    emulator_after - emulator_before
                    if emulator_after is not None and emulator_before is not None
                    else None
                )
                stats = await control(session, root, "GET", "/stats")
                wire = stats["requests"].get("POST /$batch", 0) if runner is run_batched \
                    else stats["total"]
                scale = n / len(subset)
                runs.append(Run(
                    name, n, seconds * scale, int(wire * scale), bound, client_cpu * scale,
                    None if emulator_cpu is None else emulator_cpu * scale,
                    len(subset) if scale != 1 else None,
                ))
                print(f"{name}: {seconds:.2f} s for {len(subset)} mailboxes, "
                      f"throttled {stats['throttled']}", file=sys.stderr, flush=True)
            print(f"client limits: peak in flight {graph.limits.peak_in_flight}, "
                  f"peak per mailbox {graph.limits.peak_per_mailbox}", file=sys.stderr)
        finally:
            await graph.aclose()

        stored = await control(session, root, "GET", "/objects/events")
        check(stored, mailboxes, args.naive)
    return runs


def check(stored: dict[str, list[dict[str, Any]]], mailboxes: list[str], naive: int) -> None:
    """Exactly one event per (plan, mailbox) booked, nothing else."""
    seen = Counter(
        (e.get("transactionId"), owner) for owner, events in stored.items() for e in events
    )
    duplicates = sum(count - 1 for count in seen.values() if count > 1)
    expected = {(f"{plan}:{m}", m) for plan in ("plan-batched", "plan-concurrent")
                for m in mailboxes}
    expected |= {(f"plan-naive:{m}", m) for m in mailboxes[:naive]}
    missing = len(expected - set(seen))
    unexpected = len(set(seen) - expected)
    print(f"\nverified via /_emulator/objects/events: {sum(seen.values())} events stored, "
          f"{duplicates} duplicates, {missing} missing, {unexpected} unexpected")
    if duplicates or missing or unexpected:
        raise SystemExit("booking check failed")



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mailboxes", type=int, default=2000)
    parser.add_argument("--naive", type=int, default=100, help="mailboxes in the naive run")
    parser.add_argument("--latency-ms", type=float, default=150.0)
    parser.add_argument("--global", dest="global_concurrency", type=int, default=32,
                        help="graph_global_concurrency (the settings' default is 32)")
    args = parser.parse_args()
    process, base_url = start_emulator(TOKEN)
    try:
        runs = asyncio.run(
            measure(args, base_url.removesuffix("/v1.0"), base_url, process.pid)
        )
    finally:
        process.terminate()
        process.wait(timeout=10)
    print(f"\n{args.mailboxes} mailboxes, one weekly recurring event each; emulator in a "
          f"subprocess with {args.latency_ms:g} ms latency per Graph request, 4 concurrent "
          f"requests per mailbox; client global limit {args.global_concurrency}, 4 per mailbox "
          f"({platform.python_implementation()} {platform.python_version()}, "
          f"{os.cpu_count()} CPUs)\n")
    print("| run | mailboxes | HTTP requests | wall s | events/s | lower bound s | × bound "
          "| client CPU s | emulator CPU s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for run in runs:
        print(run.row())


if __name__ == "__main__":
    main()
