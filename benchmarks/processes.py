"""The benchmarks' processes: the Graph emulator started as its own process, a scratch database
(SQLite, or a throwaway PostgreSQL server), and what they read from /proc (Linux) of the
service's: the process tree of a `learning-loop serve` and each
process's peak resident memory."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_EMULATOR = """
import asyncio, sys
from graph.emulator import start_emulator

async def main():
    runner, url = await start_emulator(seed="empty", token=sys.argv[1])
    print(url, flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


def start_emulator(token: str) -> tuple[subprocess.Popen[str], str]:
    """The Graph emulator in a process of its own, so its CPU is not the client's."""
    process = subprocess.Popen(
        [sys.executable, "-c", _EMULATOR, token], cwd=ROOT, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None
    base_url = process.stdout.readline().strip()
    if not base_url.startswith("http://127.0.0.1:"):
        process.kill()
        raise SystemExit(f"the emulator did not start: {base_url!r}")
    return process, base_url


@contextlib.contextmanager
def emulator_and_database(token: str,
                          database: str) -> Iterator[tuple[subprocess.Popen[str], str, str]]:
    """The emulator's process and Graph URL, and the URL of a scratch `database` ("sqlite" in a
    temporary folder, or "postgres": a throwaway server, see tests/pg.py); all gone after."""
    emulator, graph_url = start_emulator(token)
    server = None
    try:
        with tempfile.TemporaryDirectory() as scratch:
            if database == "postgres":
                from tests.pg import PostgresServer

                server = PostgresServer().start()
                url = server.create_database()
            else:
                url = f"sqlite+aiosqlite:///{Path(scratch) / 'bench.db'}"
            yield emulator, graph_url, url
    finally:
        if server is not None:
            server.stop()
        emulator.terminate()
        emulator.wait(timeout=10)


def process_tree(pid: int) -> list[int]:
    """The process and all its descendants, parents first."""
    tree, queue = [], [pid]
    while queue:
        current = queue.pop(0)
        tree.append(current)
        tasks = Path(f"/proc/{current}/task")
        if not tasks.exists():
            continue
        for task in tasks.iterdir():
            try:
                queue += [int(child) for child in (task / "children").read_text().split()]
            except OSError:  # the task ended while we looked
                continue
    return tree


def _role(pid: int) -> str:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_text().split("\0")
    except OSError:
        return "gone"
    if "--listen-fd" in argv:
        return "web"
    if "worker" in argv:
        return "worker"
    return "serve"


def _peak_mib(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):  # the high-water mark of resident memory, in kB
            return int(line.split()[1]) / 1024
    return None


def peak_rss(pid: int) -> str:
    """Each process's peak RSS so far, e.g. "serve 45, web 96, web 94, worker 88" (MiB)."""
    parts = []
    for member in process_tree(pid):
        peak = _peak_mib(member)
        if peak is not None:
            parts.append(f"{_role(member)} {peak:.0f}")
    return ", ".join(parts)


def reset_peaks(pid: int) -> None:
    """Start each process's peak RSS again from its current RSS, so a run measures its own."""
    for member in process_tree(pid):
        with contextlib.suppress(OSError):
            Path(f"/proc/{member}/clear_refs").write_text("5")  # "5" resets VmHWM
