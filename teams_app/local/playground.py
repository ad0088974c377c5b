"""Local mode's Teams: the Microsoft 365 Agents Playground, configured with the demo organisation.

Used by `learning-loop demo` and by the end-to-end tests. `PlaygroundProcess` runs the Playground
from tools/playground with the config file playground_config.py writes, and waits until its API
answers.

Facts the code below relies on (read from the package's dist/index.js and seen running it):
- `-p` falls back to a random port when the port is taken, so the port is checked first.
- `GET /_internal/v1/config` waits up to 15 s for the bot endpoint to answer before it replies,
  so start the bot first.
- With an invalid config the Playground prints "Listening", then exits with code 1; the reason
  is in devTools/m365agentsplayground.log, which `PlaygroundError` quotes.
- It listens on all interfaces and has no option for that; `PlaygroundProcess` preloads a
  one-line patch (`_LOOPBACK_ONLY`) so it binds 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self, cast
from urllib.parse import quote

import aiohttp

from graph.demo_org import DemoPerson
from teams_app.local.playground_config import CONFIG_FILE_NAME, playground_config

DEFAULT_PORT = 56150

# Preloaded into the Playground's Node process: a listen(port[, callback]) without a host binds
# 127.0.0.1 instead of every interface. Percent-encoded because NODE_OPTIONS splits on spaces.
_LOOPBACK_ONLY = "--import=data:text/javascript," + quote(
    "import net from 'node:net';"
    "const listen=net.Server.prototype.listen;"
    "net.Server.prototype.listen=function(...a){"
    "if(typeof a[0]==='number'&&(a.length===1||typeof a[1]==='function'))a.splice(1,0,'127.0.0.1');"
    "return listen.apply(this,a)};",
    safe="",
)
LOG_RELATIVE_PATH = Path("devTools") / "m365agentsplayground.log"
TOOLS_DIR = Path(__file__).resolve().parents[2] / "tools" / "playground"


class PlaygroundError(RuntimeError):
    """The Playground could not be installed or started."""


def ensure_installed(tools_dir: Path = TOOLS_DIR) -> Path:
    """Installs tools/playground's npm packages if missing; returns the agentsplayground binary."""
    binary = tools_dir / "node_modules" / ".bin" / "agentsplayground"
    if binary.exists():
        return binary
    npm = shutil.which("npm")
    if npm is None:
        raise PlaygroundError(
            "npm was not found. The Agents Playground (Microsoft's local Teams client) is an npm "
            "package: install Node.js 20 or newer with npm, then run scripts/setup."
        )
    command = "ci" if (tools_dir / "package-lock.json").exists() else "install"
    result = subprocess.run(
        [npm, command, "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=tools_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not binary.exists():
        raise PlaygroundError(
            f"`npm {command}` in {tools_dir} failed (exit {result.returncode}):\n"
            f"{(result.stderr or result.stdout).strip()[-2000:]}"
        )
    return binary


@dataclass(frozen=True)
class PlaygroundInfo:
    url: str  # web UI and API, e.g. http://127.0.0.1:56150
    work_dir: Path  # holds the config file and devTools/m365agentsplayground.log
    config: dict[str, Any]  # what GET /_internal/v1/config answered


class PlaygroundProcess:
    """Runs the Agents Playground against a bot endpoint, with the demo organisation's config.

    >>> async with PlaygroundProcess(bot_endpoint="http://127.0.0.1:3978/api/messages") as pg:
    ...     print(pg.url)
    """

    def __init__(
        self,
        *,
        bot_endpoint: str,
        port: int = DEFAULT_PORT,
        current_user: DemoPerson | None = None,
        config_yaml: str | None = None,
        time_zone: str | None = None,
        work_dir: Path | None = None,
        tools_dir: Path = TOOLS_DIR,
        startup_timeout: float = 60.0,
        channel: str = "msteams",
        loopback_only: bool = True,
    ) -> None:
        """`config_yaml` defaults to `playground_config(current_user)`.

        The Playground stamps activities with its own process's time zone (`localTimezone`,
        `localTimestamp`, `entities[clientInfo].timezone`); pass `time_zone` (IANA, e.g. the
        current user's) to set it, or None to inherit this process's `TZ`. Their `locale` is
        always "en-US" (hard-coded in the Playground), whoever the user is.
        """
        self.bot_endpoint = bot_endpoint
        self.port = port
        self.config_yaml = (
            config_yaml if config_yaml is not None else playground_config(current_user)
        )
        self.time_zone = time_zone
        self.tools_dir = tools_dir
        self.startup_timeout = startup_timeout
        self.channel = channel
        self.loopback_only = loopback_only
        self._own_work_dir = work_dir is None
        self.work_dir = work_dir or Path(tempfile.mkdtemp(prefix="learning-loop-playground-"))
        self._process: asyncio.subprocess.Process | None = None
        self._output: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.work_dir / LOG_RELATIVE_PATH

    @property
    def output_path(self) -> Path:
        return self.work_dir / "playground.out"

    async def start(self) -> PlaygroundInfo:
        if self._process is not None:
            raise PlaygroundError("the Playground is already running")
        binary = await asyncio.to_thread(ensure_installed, self.tools_dir)
        if not _port_is_free(self.port):
            raise PlaygroundError(
                f"port {self.port} is in use; the Playground would silently move to a random "
                "port. Stop what uses it or choose another port."
            )
        self.work_dir.mkdir(parents=True, exist_ok=True)
        config_path = self.work_dir / CONFIG_FILE_NAME
        config_path.write_text(self.config_yaml, encoding="utf-8")
        env = {
            **os.environ,
            "TEAMSAPPTESTER_BROWSER": "none",
            "M365_AGENTS_PLAYGROUND_CONFIG_PATH": str(config_path),
            "M365_AGENTS_PLAYGROUND_LOGFILE": str(self.log_path),
        }
        if self.time_zone:
            env["TZ"] = self.time_zone
        if self.loopback_only:
            env["NODE_OPTIONS"] = f"{env.get('NODE_OPTIONS', '')} {_LOOPBACK_ONLY}".strip()
        output = self.output_path.open("wb")
        self._output = output
        args = ["-e", self.bot_endpoint, "-c", self.channel, "-p", str(self.port)]
        self._process = await asyncio.create_subprocess_exec(
            str(binary),
            *args,
            "--disable-telemetry",
            cwd=self.work_dir,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=output,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() reaches every child
        )
        try:
            config = await self._wait_until_ready()
        except BaseException:
            await self.stop()
            raise
        return PlaygroundInfo(url=self.url, work_dir=self.work_dir, config=config)

    async def announce_installation(self, conversation_id: str) -> None:
        """What Teams does when the app is installed for the current user: the bot gets an
        installationUpdate (add) in their personal chat and keeps the chat for later cards."""
        url = f"{self.url}/_debug/conversation/{quote(conversation_id, safe='')}/installation"
        async with aiohttp.ClientSession() as http, http.post(url, json={}) as response:
            if response.status >= 300:
                raise PlaygroundError(
                    f"the Playground refused the installation event ({response.status}): "
                    f"{(await response.text())[:300]}"
                )

    async def _wait_until_ready(self) -> dict[str, Any]:
        assert self._process is not None
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.startup_timeout
        last_problem = "no answer yet"
        # The config endpoint waits up to 15 s for the bot endpoint, so allow it 20 s per try.
        timeout = aiohttp.ClientTimeout(total=20)
        async with aiohttp.ClientSession(timeout=timeout) as http:
            while loop.time() < deadline:
                if self._process.returncode is not None:
                    raise PlaygroundError(
                        self._failure(f"the Playground exited with code {self._process.returncode}")
                    )
                try:
                    async with http.get(f"{self.url}/_internal/v1/config") as response:
                        if response.status == 200 and "json" in response.content_type:
                            body = await response.json()
                            if isinstance(body, dict) and "config" in body:
                                return cast(dict[str, Any], body)
                        last_problem = f"GET /_internal/v1/config answered {response.status}"
                except (aiohttp.ClientError, TimeoutError) as exc:
                    last_problem = f"GET /_internal/v1/config failed: {type(exc).__name__}"
                await asyncio.sleep(0.25)
        raise PlaygroundError(
            self._failure(
                f"the Playground's API did not answer within {self.startup_timeout:.0f} s "
                f"({last_problem})"
            )
        )

    def _failure(self, reason: str) -> str:
        parts = [
            f"{reason}. Command: agentsplayground -e {self.bot_endpoint} -c {self.channel} "
            f"-p {self.port}; config: {self.work_dir / CONFIG_FILE_NAME}."
        ]
        for label, path in (("log", self.log_path), ("output", self.output_path)):
            with contextlib.suppress(OSError):
                text = path.read_text(encoding="utf-8", errors="replace").strip()
                if text:
                    parts.append(
                        f"Playground {label} ({path}), last lines:\n"
                        + "\n".join(text.splitlines()[-30:])
                    )
        return "\n".join(parts)

    async def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), timeout=5)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                await process.wait()
        elif process is not None:
            # The leader has exited; end any children it left behind in its group.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        output, self._output = self._output, None
        if output is not None:
            output.close()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
        if self._own_work_dir and exc is None:
            shutil.rmtree(self.work_dir, ignore_errors=True)


def _port_is_free(port: int) -> bool:
    # A bind on loopback fails too when another process listens on all interfaces.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True
