"""Throughput and latency of /api/messages for a text message.

The service runs as its own processes (`learning-loop serve --processes P`, anonymous local
mode); this script plays the Bot Connector (it receives the bot's replies) and the load
generator, both on 127.0.0.1. Each request is a "help" message; the bot answers with the help
card, so a request's latency includes the reply to the connector. Two runs per database:

- first messages: `--burst` people who never wrote before all send at once (each turn stores a
  new conversation, so this is where writers queue);
- steady: `--requests` messages from `--concurrency` clients over `--conversations` known ones.

Bounded: a fixed number of requests per run.

    .venv/bin/python benchmarks/bench_messages.py --database both --processes 2
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.processes import peak_rss  # noqa: E402
from tests.builders import an_activity  # noqa: E402
from tests.pg import PostgresServer, free_port  # noqa: E402


async def connector_site() -> tuple[web.AppRunner, str, list[int]]:
    received: list[int] = []

    async def receive(request: web.Request) -> web.Response:
        await request.read()
        received.append(1)
        return web.json_response({"id": str(len(received))})

    app = web.Application()
    app.router.add_post("/v3/conversations/{cid}/activities", receive)
    app.router.add_post("/v3/conversations/{cid}/activities/{aid}", receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}/", received


async def wait_ready(url: str, within_seconds: float = 30.0) -> None:
    deadline = time.monotonic() + within_seconds
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                async with http.get(f"{url}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError("service did not become ready")


async def load(url: str, service_url: str, requests: int, concurrency: int,
               conversations: int) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(requests))
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def one_client() -> None:
            nonlocal errors
            for n in counter:
                activity = an_activity(service_url, text="help",
                                       conversation_id=f"a:bench-{n % conversations}",
                                       user_aad=f"bench-user-{n % conversations}")
                started = time.perf_counter()
                async with http.post(f"{url}/api/messages", json=activity) as response:
                    await response.read()
                    if response.status != 202:
                        errors += 1
                latencies.append(time.perf_counter() - started)

        # Warm-up: the first turns pay for imports, prepared statements and connections.
        for n in range(50):
            async with http.post(f"{url}/api/messages", json=an_activity(
                    service_url, text="help", conversation_id=f"a:warm-{n}")) as response:
                await response.read()
        started = time.perf_counter()
        await asyncio.gather(*(one_client() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return elapsed, latencies, errors


async def first_messages(url: str, service_url: str, people: int, run: str
                         ) -> tuple[float, list[float], int]:
    """Every person at once, each on a new conversation with one new connection."""
    connector = aiohttp.TCPConnector(limit=people)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def one(n: int) -> tuple[float, bool]:
            activity = an_activity(service_url, text="help",
                                   conversation_id=f"a:{run}-first-{n}",
                                   user_aad=f"{run}-first-user-{n}")
            started = time.perf_counter()
            try:
                async with http.post(f"{url}/api/messages", json=activity) as response:
                    await response.read()
                    ok = response.status == 202
            except aiohttp.ClientError:
                ok = False
            return time.perf_counter() - started, ok

        started = time.perf_counter()
        results = await asyncio.gather(*(one(n) for n in range(people)))
        elapsed = time.perf_counter() - started
    return elapsed, [latency for latency, _ in results], sum(not ok for _, ok in results)


def row(label: str, run: str, requests: int, concurrency: int, elapsed: float,
        latencies: list[float], errors: int, rss: str, processes: int) -> str:
    quantiles = statistics.quantiles(latencies, n=100)
    return (f"| {label} | {processes} | {run} | {requests} | {concurrency} "
            f"| {len(latencies) / elapsed:,.0f} | {quantiles[49] * 1000:.1f} "
            f"| {quantiles[98] * 1000:.1f} | {max(latencies) * 1000:.1f} | {errors} | {rss} |")


async def run_one(database_url: str, label: str, args: argparse.Namespace) -> list[str]:
    runner, service_url, received = await connector_site()
    port = free_port()
    env = {**os.environ, "LEARNING_LOOP_ANONYMOUS": "true", "LEARNING_LOOP_PORT": str(port),
           "LEARNING_LOOP_DATABASE_URL": database_url, "LEARNING_LOOP_WORKERS": "0",
           "LEARNING_LOOP_LOG_JSON": "true"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "teams_app.cli.main", "serve", "--processes",
        str(args.processes), env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    rows = []
    try:
        url = f"http://127.0.0.1:{port}"
        await wait_ready(url)
        await asyncio.sleep(3)  # every web process up, not just the first to answer /readyz
        # Warm every process (imports, prepared statements) before the burst is measured.
        await first_messages(url, service_url, 50, "warm")
        elapsed, latencies, errors = await first_messages(url, service_url, args.burst, "bench")
        rows.append(row(label, "first messages, at once", args.burst, args.burst, elapsed,
                        latencies, errors, peak_rss(process.pid), args.processes))
        elapsed, latencies, errors = await load(url, service_url, args.requests,
                                                args.concurrency, args.conversations)
        rows.append(row(label, "steady", args.requests, args.concurrency, elapsed, latencies,
                        errors, peak_rss(process.pid), args.processes))
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 30)
        await runner.cleanup()
    return rows


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--burst", type=int, default=200,
                        help="people sending their first message at once")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        if args.database in ("sqlite", "both"):
            rows += await run_one(f"sqlite+aiosqlite:///{folder}/bench.db", "SQLite", args)
        if args.database in ("postgres", "both"):
            server = PostgresServer().start()
            try:
                rows += await run_one(server.create_database(), "PostgreSQL", args)
            finally:
                server.stop()
    print(f"machine: {os.cpu_count()} cores")
    print("| database | processes | run | requests | concurrency | requests/s | p50 ms "
          "| p99 ms | max ms | errors | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    asyncio.run(main())
