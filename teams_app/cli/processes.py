"""`serve --processes N`: N web processes answering on one listening socket, and the job workers
in a process of their own, under one supervisor.

One event loop saturates one core (a card answer costs milliseconds of CPU in the SDK's turn
pipeline and the database driver), so a second core only helps from a second process. The
supervisor binds the socket once and hands its descriptor to every web process: the kernel
spreads connections over the processes that are waiting in accept, a restarted process picks up
the same socket, and no connection is refused while one of them is down. Children are fresh
interpreters, not forks, so no event loop, pool or thread is copied half-alive.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass, field

import structlog

from teams_app.bootstrap import migrate
from teams_app.settings import Settings

log = structlog.get_logger()

# A child that dies this soon after starting has a problem a restart will not fix (a bad
# setting, an unreachable database): stop everything and say so rather than spin.
_EARLY_EXIT_SECONDS = 10.0
_BACKLOG = 1024  # bursts of card answers: a meeting of hundreds answering in the same minute


@dataclass
class Child:
    role: str  # "web" or "worker"
    number: int
    argv: list[str]
    pass_fds: tuple[int, ...] = ()
    process: asyncio.subprocess.Process | None = None
    started: float = field(default=0.0)

    async def start(self, env: dict[str, str]) -> None:
        self.process = await asyncio.create_subprocess_exec(
            *self.argv, env=env, pass_fds=self.pass_fds
        )
        self.started = time.monotonic()
        log.info("process_started", role=self.role, number=self.number, pid=self.process.pid)

    def signal(self, signum: int) -> None:
        if self.process is not None and self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signum)


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(_BACKLOG)
    sock.set_inheritable(True)
    return sock


def default_processes(settings: Settings) -> int:
    # SQLite has one writer for the whole file: several processes meet in its busy handler,
    # which waits by sleeping, so measured card answers got slower with a second process (p99
    # 80 ms with one, 113 ms with two, on 2 cores; README, "Card answers"). An in-memory
    # database exists inside one process only anyway. PostgreSQL uses every core.
    if settings.is_sqlite:
        return 1
    return max(1, os.cpu_count() or 1)


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "teams_app.cli.main", *args]


def _children(settings: Settings, processes: int, fd: int) -> list[Child]:
    supervisor = ("--supervisor", str(os.getpid()))
    web = [
        Child("web", n, _command("serve", "--listen-fd", str(fd), "--workers", "0", *supervisor),
              (fd,))
        for n in range(1, processes + 1)
    ]
    # One worker process runs the schedules and the queue; more can be started with `worker`.
    jobs = [Child("worker", 1, _command("worker", *supervisor))] if settings.workers > 0 else []
    return web + jobs


async def follow_supervisor(pid: int, stop: asyncio.Event, every: float = 1.0) -> None:
    """Stop when the supervisor is gone (killed without its shutdown): an orphaned web process
    would go on answering on the shared port, unsupervised and never stopped."""
    while not stop.is_set():
        if os.getppid() != pid:
            log.warning("supervisor_gone", supervisor=pid)
            stop.set()
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)


async def supervise(settings: Settings, *, processes: int, env: dict[str, str]) -> int:
    """Run the children until SIGINT/SIGTERM; returns the exit code."""
    # Migrate once here, so N children never race to upgrade the same schema.
    await migrate(settings.database_url)
    sock = listening_socket(settings.host, settings.port)
    children = _children(settings, processes, sock.fileno())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    code = 0
    try:
        for child in children:
            await child.start(env)
        log.info("service_started", host=settings.host, port=sock.getsockname()[1],
                 processes=processes, workers=settings.workers)
        code = await _watch(children, stop, env)
    finally:
        await _stop_all(children, grace=settings.shutdown_grace_seconds + 5)
        sock.close()
        log.info("service_stopped")
    return code


async def _watch(children: list[Child], stop: asyncio.Event, env: dict[str, str]) -> int:
    stopping = asyncio.create_task(stop.wait())
    try:
        while not stop.is_set():
            exits = {
                asyncio.create_task(child.process.wait()): child
                for child in children
                if child.process is not None
            }
            done, _ = await asyncio.wait(
                {stopping, *exits}, return_when=asyncio.FIRST_COMPLETED
            )
            for task in exits:
                if task not in done:
                    task.cancel()
            if stop.is_set():
                return 0
            for task in done:
                child = exits[task]
                returncode = task.result()
                ran = time.monotonic() - child.started
                log.warning("process_exited", role=child.role, number=child.number,
                            returncode=returncode, ran_seconds=round(ran, 1))
                if ran < _EARLY_EXIT_SECONDS:
                    return returncode or 1
                await child.start(env)
        return 0
    finally:
        stopping.cancel()


async def _stop_all(children: list[Child], *, grace: float) -> None:
    # Each child shuts down gracefully on SIGTERM: stops accepting, finishes its turns, and its
    # workers finish or release their jobs.
    for child in children:
        child.signal(signal.SIGTERM)
    running = [c.process for c in children if c.process and c.process.returncode is None]
    if not running:
        return
    _, late = await asyncio.wait(
        [asyncio.create_task(p.wait()) for p in running], timeout=grace
    )
    if late:
        for child in children:
            child.signal(signal.SIGKILL)
        await asyncio.gather(*(p.wait() for p in running), return_exceptions=True)
