"""Running the service: the web app and the job workers in one process, shut down gracefully."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Awaitable, Callable

import structlog
from aiohttp import web

from teams_app.bootstrap import Runtime, bootstrap
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
    runtime: Runtime, stop: asyncio.Event, *, workers: int
) -> list[asyncio.Task[None]]:
    tasks: list[asyncio.Task[None]] = []
    await runtime.register_schedules()
    if workers > 0:
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
) -> None:
    stop = stop or asyncio.Event()
    _stop_on_signals(stop)
    runtime = await bootstrap(settings)
    runner = web.AppRunner(runtime.web_app(), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.host, settings.port).start()
        tasks = await run_worker_tasks(runtime, stop, workers=settings.workers)
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


async def work(settings: Settings, *, stop: asyncio.Event | None = None) -> None:
    """Job workers only, for running more of them than web processes."""
    stop = stop or asyncio.Event()
    _stop_on_signals(stop)
    runtime = await bootstrap(settings)
    try:
        tasks = await run_worker_tasks(runtime, stop, workers=max(1, settings.workers))
        log.info("worker_started", workers=settings.workers)
        await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        await runtime.close()
