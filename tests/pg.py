"""A throwaway PostgreSQL server from the Debian binaries, for tests and benchmarks.

See /work/shared/POSTGRES.md: the binaries live in /usr/lib/postgresql/<version>/bin (not on
PATH), and initdb/postgres refuse to run as root, so as root they run as the `postgres` user on a
folder that user owns. The server listens on 127.0.0.1 only, on a free port, and is never reused
between sessions.
"""

from __future__ import annotations

import atexit
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

DEBIAN_ROOT = Path("/usr/lib/postgresql")
USER = "test"
INSTALL_HINT = "apt-get update && apt-get install -y postgresql"
_START_TRIES = 3  # a free port can be taken between probing it and the server binding it


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine."""


def find_bin_dir() -> Path:
    """The bin folder of the highest PostgreSQL version installed (or $PG_BIN_DIR)."""
    override = os.environ.get("PG_BIN_DIR")
    candidates = [Path(override)] if override else _debian_bin_dirs()
    for candidate in candidates:
        if (candidate / "initdb").is_file() and (candidate / "pg_ctl").is_file():
            return candidate
    raise PostgresUnavailable(
        f"no PostgreSQL server binaries found under {DEBIAN_ROOT}/*/bin (or $PG_BIN_DIR); "
        f"install them with `{INSTALL_HINT}`"
    )


def _debian_bin_dirs() -> list[Path]:
    versions = [path for path in DEBIAN_ROOT.glob("*") if re.fullmatch(r"\d+(\.\d+)?", path.name)]
    versions.sort(key=lambda path: tuple(int(part) for part in path.name.split(".")), reverse=True)
    return [path / "bin" for path in versions]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """One server in a temporary folder; `start()` it, `stop()` it (also done at exit)."""

    def __init__(self, bin_dir: Path | None = None) -> None:
        self.bin_dir = bin_dir or find_bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="learning-loop-pg-"))
        self.data = self.root / "data"
        self.port = 0
        self._as_postgres = os.geteuid() == 0
        self._running = False

    def start(self) -> PostgresServer:
        if self._as_postgres:
            account = pwd.getpwnam("postgres")
            os.chown(self.root, account.pw_uid, account.pw_gid)
        self._run(
            "initdb", "-D", str(self.data), "-A", "trust", "-U", USER,
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        for attempt in range(1, _START_TRIES + 1):
            self.port = free_port()
            try:
                self._pg_ctl_start()
                break
            except RuntimeError:
                if attempt == _START_TRIES:
                    raise RuntimeError(f"PostgreSQL did not start:\n{self.log_tail()}") from None
        self._running = True
        atexit.register(self.stop)
        return self

    def _pg_ctl_start(self) -> None:
        # Durability is worthless for a throwaway server; dropping it makes tests much faster.
        options = (
            f"-k {self.root} -p {self.port} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=300"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self) -> None:
        if self._running:
            self._running = False
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://{USER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        name = name or f"t_{uuid.uuid4().hex[:16]}"
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"not a plain database name: {name!r}")
        subprocess.run(
            [
                str(self.bin_dir / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, "-d", "postgres",
                "-c", f"CREATE DATABASE {name}",
            ],
            check=True, capture_output=True, timeout=30,
        )  # fmt: skip
        return self.url(name)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join((self.root / "log").read_text().splitlines()[-lines:])
        except OSError:
            return "(no server log)"

    def _run(self, program: str, *args: str, check: bool = True) -> None:
        command = [str(self.bin_dir / program), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if check and done.returncode != 0:
            raise RuntimeError(f"{program} exited with {done.returncode}: {done.stderr.strip()}")
