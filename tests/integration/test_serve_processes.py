"""`learning-loop serve --processes 2` as admins run it: one port answered by two web processes
and a job worker process, a web process that dies replaced without refusing a connection, and
SIGTERM stopping everything gracefully with the port free again."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from tests.builders import an_activity
from tests.connector import FakeConnector
from tests.pg import free_port
from tests.service.conftest import start_site

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Supervised:
    process: asyncio.subprocess.Process
    url: str
    port: int
    log: Path


def children_of(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")


def listening_inode(port: int) -> str:
    # /proc/net/tcp: local address as hex ip:port, state 0A is LISTEN, inode in column 10.
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1].endswith(f":{port:04X}") and fields[3] == "0A":
            return fields[9]
    raise AssertionError(f"nothing listens on {port}")


def logged(log: Path, event: str) -> int:
    return log.read_text().count(f'"{event}"')


def alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def holds_socket(pid: int, inode: str) -> bool:
    target = f"socket:[{inode}]"
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:  # the process is gone
        return False
    for fd in fds:
        with contextlib.suppress(OSError):  # a starting process opens and closes files
            if os.readlink(fd) == target:
                return True
    return False


async def ready(url: str, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            try:
                async with http.get(f"{url}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.2)
    raise AssertionError("the service did not become ready")


async def started(log: Path, count: int, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    while logged(log, "service_started") < count:
        if time.monotonic() > deadline:
            raise AssertionError("not every process started")
        await asyncio.sleep(0.2)


async def web_children(pid: int, count: int, within: float = 30.0) -> list[int]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = [c for c in children_of(pid) if "--listen-fd" in cmdline(c)]
        if len(found) == count:
            return found
        await asyncio.sleep(0.2)
    raise AssertionError(f"expected {count} web processes")


@pytest.fixture
async def supervised(tmp_path: Path) -> AsyncIterator[Supervised]:
    port = free_port()
    log = tmp_path / "serve.log"
    env = {**os.environ, "LEARNING_LOOP_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/ll.db",
           "LEARNING_LOOP_PORT": str(port), "LEARNING_LOOP_LOG_JSON": "true"}
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "teams_app.cli.main", "serve", "--local", "--processes", "2",
            env=env, cwd=ROOT, stdout=out, stderr=out)
    service = Supervised(process, f"http://127.0.0.1:{port}", port, log)
    try:
        await ready(service.url)
        await started(log, 3)  # the supervisor and both web processes
        yield service
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def send_help(url: str, service_url: str, count: int) -> list[int]:
    statuses: list[int] = []
    # A new connection each time, so the kernel hands them to whichever process is accepting.
    for n in range(count):
        async with aiohttp.ClientSession() as http, http.post(
                f"{url}/api/messages", json=an_activity(
                    service_url, text="help", conversation_id=f"a:proc-{n}",
                    user_aad=f"proc-user-{n}")) as response:
            statuses.append(response.status)
    return statuses


async def test_two_web_processes_share_the_port_and_a_worker_runs_apart(
    supervised: Supervised,
) -> None:
    pid = supervised.process.pid
    webs = await web_children(pid, 2)
    inode = listening_inode(supervised.port)
    assert all(holds_socket(child, inode) for child in webs)
    workers = [c for c in children_of(pid) if "worker" in cmdline(c).split()]
    assert len(workers) == 1
    assert not holds_socket(workers[0], inode)  # jobs never answer requests


async def test_a_dead_web_process_is_replaced_and_turns_keep_being_answered(
    supervised: Supervised,
) -> None:
    connector = FakeConnector()
    runner, connector.url = await start_site(connector.app())
    try:
        pid = supervised.process.pid
        first, second = await web_children(pid, 2)
        # Past the supervisor's early-exit window: a process that dies later is restarted.
        await asyncio.sleep(10.5)
        os.kill(first, signal.SIGKILL)
        statuses = await send_help(supervised.url, connector.service_url, 12)
        assert statuses == [202] * 12  # the other process answered while one was down
        replaced = await web_children(pid, 2)
        assert first not in replaced and second in replaced
        newcomer = next(c for c in replaced if c != second)
        inode = listening_inode(supervised.port)
        deadline = time.monotonic() + 30
        while not holds_socket(newcomer, inode):
            assert time.monotonic() < deadline, "the new process never took the socket"
            await asyncio.sleep(0.2)
        await connector.wait_for(12)
    finally:
        await runner.cleanup()


async def test_sigterm_stops_every_process_gracefully_and_frees_the_port(
    supervised: Supervised,
) -> None:
    pid = supervised.process.pid
    everyone = await web_children(pid, 2) + children_of(pid)
    supervised.process.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(supervised.process.wait(), 30) == 0
    assert not any(alive(child) for child in set(everyone))
    # Each web process and the supervisor said so.
    assert logged(supervised.log, "service_stopped") == 3
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("127.0.0.1", supervised.port))


async def test_processes_stop_when_their_supervisor_is_killed(supervised: Supervised) -> None:
    pid = supervised.process.pid
    everyone = await web_children(pid, 2) + children_of(pid)
    supervised.process.kill()  # no shutdown of its own: the children must notice
    await supervised.process.wait()
    deadline = time.monotonic() + 30
    while any(alive(child) for child in set(everyone)):
        assert time.monotonic() < deadline, "orphaned processes kept running"
        await asyncio.sleep(0.2)
