"""`learning-loop serve` and `worker`, and what they run: the web app and the job workers in one
process, several web processes and a worker process under a supervisor (`processes.py`), or the
job workers alone; each shuts down gracefully."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import signal
import socket
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import structlog
import typer
from aiohttp import web

from teams_app.bootstrap import Runtime, bootstrap
from teams_app.cli.common import load_settings, run
from teams_app.cli.processes import default_processes, follow_supervisor, supervise
from teams_app.logs import configure_logging
from teams_app.settings import Settings

log = structlog.get_logger()


async def _follow_clock(runtime: Runtime, stop: asyncio.Event, every: float) -> None:
    # Another process (CLI, the web app) may move the local clock; follow it.
    while not stop.is_set():
        with contextlib.suppress(Exception):
            await runtime.follow_clock()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)


async def run_worker_tasks(
    runtime: Runtime, stop: asyncio.Event, *, workers: int, supervisor: int | None = None
) -> list[asyncio.Task[None]]:
    tasks: list[asyncio.Task[None]] = []
    if supervisor is not None:
        tasks.append(asyncio.create_task(follow_supervisor(supervisor, stop)))
    if workers > 0:
        # Only a process that runs jobs registers the schedules; a web-only process (one of
        # several under `--processes`) leaves them to the worker process.
        await runtime.register_schedules()
        tasks.append(asyncio.create_task(runtime.worker(concurrency=workers).run(stop)))
    if runtime.settings.local_mode:
        tasks.append(
            asyncio.create_task(_follow_clock(runtime, stop, runtime.settings.job_poll_seconds))
        )
    return tasks


async def serve(
    settings: Settings,
    *,
    stop: asyncio.Event | None = None,
    on_ready: Callable[[Runtime], Awaitable[None]] | None = None,
    listen_fd: int | None = None,
    supervisor: int | None = None,
) -> None:
    """`listen_fd`: answer on a socket the supervisor (`supervisor`, its pid) already bound
    and shares among its web processes, instead of binding host and port; the supervisor has
    migrated the schema."""
    stop = stop or asyncio.Event()
    _stop_on_signals(stop)
    runtime = await bootstrap(settings, migrate=listen_fd is None)
    runner = web.AppRunner(runtime.web_app(), access_log=None)
    await runner.setup()
    try:
        if listen_fd is None:
            await web.TCPSite(runner, settings.host, settings.port).start()
        else:
            await web.SockSite(runner, socket.socket(fileno=listen_fd)).start()
        tasks = await run_worker_tasks(
            runtime, stop, workers=settings.workers, supervisor=supervisor
        )
        # Everything built so far (modules, the SDK's models, routes, cards' schemas) lives as
        # long as the process: out of the collector's sight, a full collection under load costs
        # a fraction of what it did (profile_first_messages.py: 0.7 of 3.9 ms per message).
        gc.freeze()
        log.info("service_started", host=settings.host, port=settings.port,
                 workers=settings.workers, local_mode=settings.local_mode)
        if on_ready is not None:
            await on_ready(runtime)
        await stop.wait()
        log.info("service_stopping")
        # Stop taking requests first, then let the workers finish or release their jobs.
        await runner.shutdown()
        await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        stop.set()
        await runner.cleanup()
        await runtime.close()
        log.info("service_stopped")


async def work(
    settings: Settings, *, stop: asyncio.Event | None = None, supervisor: int | None = None
) -> None:
    """Job workers only, for running more of them than web processes."""
    stop = stop or asyncio.Event()
    _stop_on_signals(stop)
    runtime = await bootstrap(settings)
    try:
        tasks = await run_worker_tasks(
            runtime, stop, workers=max(1, settings.workers), supervisor=supervisor
        )
        log.info("worker_started", workers=settings.workers)
        await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        await runtime.close()


# --- the commands --------------------------------------------------------------------------


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
    app.command("worker")(worker_command)


def serve_command(
    host: Annotated[str | None, typer.Option(help="Interface to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to bind.")] = None,
    workers: Annotated[
        int | None, typer.Option(help="Job worker concurrency in this process.")
    ] = None,
    local: Annotated[
        bool, typer.Option("--local", help="Local anonymous mode with a movable clock.")
    ] = False,
    processes: Annotated[
        int | None,
        typer.Option(min=1, max=64, help="Web processes sharing the port, plus one job worker "
                     "process (default: the number of cores on PostgreSQL, 1 on SQLite)."),
    ] = None,
    listen_fd: Annotated[int | None, typer.Option(hidden=True)] = None,
    supervisor: Annotated[int | None, typer.Option(hidden=True)] = None,
) -> None:
    """Run the bot endpoint, health checks and job workers."""
    overrides: dict[str, Any] = {"host": host, "port": port, "workers": workers}
    if local:
        overrides |= {"anonymous": True, "local_mode": True}
    settings = load_settings(**overrides)
    configure_logging(json=settings.log_json)
    count = processes or settings.processes or default_processes(settings)
    if listen_fd is not None or count == 1:
        run(serve(settings, listen_fd=listen_fd, supervisor=supervisor))
        return
    # The children read their settings from the environment: hand them this command's options.
    env = {**os.environ} | {
        f"LEARNING_LOOP_{name.upper()}": str(value).lower() if isinstance(value, bool) else str(
            value)
        for name, value in overrides.items()
        if value is not None
    }
    raise typer.Exit(run(supervise(settings, processes=count, env=env)))


def worker_command(
    workers: Annotated[int | None, typer.Option(help="Jobs run at once.")] = None,
    supervisor: Annotated[int | None, typer.Option(hidden=True)] = None,
) -> None:
    """Run job workers only (add processes to share the queue)."""
    settings = load_settings(workers=workers)
    configure_logging(json=settings.log_json)
    run(work(settings, supervisor=supervisor))
