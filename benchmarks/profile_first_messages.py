"""CPU time the service spends on a first message, measured in the service's own process.

The web app runs in this process as `serve` builds it (anonymous local mode, JSON logs to
/dev/null); the Bot Connector stand-in and the load generator run in a child process, so their
CPU is not counted. The child sends `--warm` first messages, then `--messages` in bursts of
`--burst` at once (each from a new conversation, like bench_messages.py). What is reported is
this process's CPU time (user + system, all threads: aiosqlite's work runs on its own thread)
over the measured messages, divided by their number: unlike wall-clock time, it holds on a
machine that is busy with other work.

    .venv/bin/python benchmarks/profile_first_messages.py --database sqlite --messages 1000
    .venv/bin/python benchmarks/profile_first_messages.py --database postgres --profile out.prof
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import gc
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_messages import connector_site  # noqa: E402
from tests.builders import an_activity  # noqa: E402


class _GcTime:
    """Time spent in the cyclic garbage collector, per generation."""

    def __init__(self) -> None:
        self.seconds = [0.0, 0.0, 0.0]
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.process_time()
        else:
            self.seconds[info["generation"]] += time.process_time() - self._started


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- the child: connector stand-in and load -------------------------------------------------


async def _send(url: str, service_url: str, count: int, burst: int, run: str) -> int:
    failures = 0
    for start in range(0, count, burst):
        connector = aiohttp.TCPConnector(limit=burst, force_close=True)
        async with aiohttp.ClientSession(connector=connector) as http:

            async def one(n: int) -> bool:
                activity = an_activity(service_url, text="help",
                                       conversation_id=f"a:{run}-{n}", user_aad=f"{run}-user-{n}")
                async with http.post(f"{url}/api/messages", json=activity) as response:
                    await response.read()
                    return response.status == 202

            results = await asyncio.gather(*(one(n) for n in range(start, min(count, start +
                                                                             burst))))
            failures += sum(not ok for ok in results)
    return failures


async def client(url: str, count: int, burst: int, run: str) -> None:
    runner, service_url, received = await connector_site()
    try:
        # A turn sends its reply before it answers 202: every reply is in by now.
        failures = await _send(url, service_url, count, burst, run)
    finally:
        await runner.cleanup()
    print(json.dumps({"failures": failures, "replies": len(received)}))


# --- the service ----------------------------------------------------------------------------


async def _run_client(url: str, count: int, burst: int, run: str) -> dict[str, int]:
    child = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--client", url, "--messages", str(count), "--burst",
        str(burst), "--run", run, stdout=asyncio.subprocess.PIPE, cwd=ROOT)
    out, _ = await child.communicate()
    return json.loads(out.decode().strip().splitlines()[-1])


async def _serve(database_url: str, args: argparse.Namespace) -> None:
    from teams_app.bootstrap import Runtime
    from teams_app.cli.serve import serve
    from teams_app.settings import Settings
    from tests.pg import free_port

    port = free_port()
    settings = Settings(database_url=database_url, anonymous=True, workers=0,
                        host="127.0.0.1", port=port)
    url = f"http://127.0.0.1:{port}"
    stop = asyncio.Event()
    report: dict[str, object] = {"database": database_url.split(":")[0],
                                 "messages": args.messages, "burst": args.burst}

    async def measure(_runtime: Runtime) -> None:
        # Runs inside `serve`, as a task, once it answers: whatever serve sets up is counted.
        asyncio.get_running_loop().create_task(_measure(url, args, report, stop))

    await serve(settings, stop=stop, on_ready=measure)
    sys.stdout.write(json.dumps(report) + "\n")


async def _measure(url: str, args: argparse.Namespace, report: dict[str, object],
                   stop: asyncio.Event) -> None:
    try:
        await _run_client(url, args.warm, args.burst, "warm")
        profiler = cProfile.Profile() if args.profile else None
        collector = _GcTime()
        gc.callbacks.append(collector)
        before = _cpu_seconds()
        if profiler:
            profiler.enable()
        outcome = await _run_client(url, args.messages, args.burst, "measured")
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        cpu = _cpu_seconds() - before
        gc.callbacks.remove(collector)
        report.update({
            "cpu_ms_per_message": round(cpu * 1000 / args.messages, 3),
            "gc_ms_per_message": [round(s * 1000 / args.messages, 3) for s in collector.seconds],
            **outcome, "profiled": bool(profiler)})
    finally:
        stop.set()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--burst", type=int, default=200)
    parser.add_argument("--warm", type=int, default=200)
    parser.add_argument("--profile", help="write cProfile stats of the measured part here")
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--run", default="measured", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        await client(args.client, args.messages, args.burst, args.run)
        return
    with tempfile.TemporaryDirectory() as folder:
        if args.database == "sqlite":
            await _serve(f"sqlite+aiosqlite:///{folder}/profile.db", args)
            return
        from tests.pg import PostgresServer

        server = PostgresServer().start()
        try:
            await _serve(server.create_database(), args)
        finally:
            server.stop()


if __name__ == "__main__":
    from teams_app.logs import configure_logging

    configure_logging(json=True)
    with open(os.devnull, "w") as devnull, contextlib.redirect_stderr(devnull):
        # The JSON log lines are written, as in production, and cost what they cost.
        asyncio.run(main())
