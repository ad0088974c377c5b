"""Local mode's Teams: the Microsoft 365 Agents Playground, configured with the demo organisation.

Used by `learning-loop demo` and by the end-to-end tests. `playground_config` writes the
`.m365agentsplayground.yml` the Playground reads (schema "0.1.1", checked against the JSON schema
bundled in @microsoft/m365agentsplayground 0.2.28); `PlaygroundProcess` runs the Playground from
tools/playground and waits until its API answers.

Facts the code below relies on (read from the package's dist/index.js and seen running it):
- `users` must hold exactly five people besides `currentUser` (the schema says minItems 5 and
  maxItems 5), so the Playground shows six of the demo organisation's people, not all of them.
- The team has its General channel (whose conversation id is the team id) plus at most one more.
- The group chat and the team hold the current user and the five users.
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
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self, cast
from urllib.parse import quote

import aiohttp

from graph import demo_org
from graph.demo_org import DemoPerson

CONFIG_FILE_NAME = ".m365agentsplayground.yml"
CONFIG_VERSION = "0.1.1"
USERS_BESIDES_CURRENT = 5  # exactly this many, or the Playground rejects the config

BOT_ID = "28:6e452184-9533-427c-82a3-c3fb1b98451f"  # "28:" + app id, as Teams shapes bot ids
BOT_NAME = "Learning Loop"

# Fixed conversation ids, shaped like Teams' own, so they are the same on every start.
GROUP_CHAT_ID = "19:learning-loop-demo-group-chat@thread.v2"
GROUP_CHAT_NAME = "Learning Circle chat"
TEAM_ID = "19:learning-loop-demo-general@thread.tacv2"  # also the General channel's id
GENERAL_CHANNEL_ID = TEAM_ID
TEAM_NAME = "Learning Circle"
REFLECTIONS_CHANNEL_ID = "19:learning-loop-demo-reflections@thread.tacv2"
REFLECTIONS_CHANNEL_NAME = "Reflections"

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


def personal_chat_id(user: DemoPerson) -> str:
    """The personal chat of `user` with the bot: stable for that user across starts."""
    return f"a:learning-loop-personal-{user.object_id}"


def playground_user_id(user: DemoPerson) -> str:
    """The Teams user id (`from.id`) the Playground uses for `user`: shaped like Teams' own
    ("29:" + an opaque id), so code that confuses it with the directory object id (the
    `aadObjectId`) fails locally as it would in Teams."""
    return f"29:{user.object_id}"


def default_users(current_user: DemoPerson) -> tuple[DemoPerson, ...]:
    """Five people for the Playground besides `current_user`: reports, then manager, then peers."""
    candidates = [
        *demo_org.direct_reports(current_user.object_id),
        *([demo_org.person(current_user.manager_id)] if current_user.manager_id else []),
        *(p for p in demo_org.people() if p.manager_id == current_user.manager_id),
        *demo_org.people(),
    ]
    chosen: dict[str, DemoPerson] = {}
    for p in candidates:
        if p.object_id != current_user.object_id:
            chosen.setdefault(p.object_id, p)
    return tuple(chosen.values())[:USERS_BESIDES_CURRENT]


def playground_config(
    current_user: DemoPerson | None = None,
    users: Sequence[DemoPerson] | None = None,
    *,
    bot_id: str = BOT_ID,
    bot_name: str = BOT_NAME,
    tenant_id: str = demo_org.TENANT_ID,
) -> str:
    """The Playground's config file (YAML) for the demo organisation.

    `current_user` defaults to the learning lead; `users` to `default_users(current_user)` and
    must be exactly five other people.
    """
    me = current_user or demo_org.learning_lead()
    others = tuple(users) if users is not None else default_users(me)
    if len(others) != USERS_BESIDES_CURRENT:
        raise ValueError(
            f"the Playground needs exactly {USERS_BESIDES_CURRENT} users besides "
            f"the current user, got {len(others)}"
        )
    if me.object_id in {u.object_id for u in others}:
        raise ValueError("the current user must not be among the other users")
    doc = {
        "version": CONFIG_VERSION,
        "tenantId": tenant_id,
        "bot": {"id": bot_id, "name": bot_name},
        "currentUser": _user(me),
        "users": [_user(u) for u in others],
        "personalChat": {"id": personal_chat_id(me)},
        "groupChat": {"id": GROUP_CHAT_ID, "name": GROUP_CHAT_NAME},
        "team": {
            "id": TEAM_ID,
            "name": TEAM_NAME,
            "aadGroupId": demo_org.LEARNING_CIRCLE_GROUP_ID,
            "channels": [{"id": REFLECTIONS_CHANNEL_ID, "name": REFLECTIONS_CHANNEL_NAME}],
        },
    }
    header = (
        "# yaml-language-server: $schema="
        "https://aka.ms/teams-app-test-tool-config/0.1.1/config.schema.json\n"
        "# Generated by teams_app/playground.py from graph/demo_org.py. DO NOT EDIT.\n"
    )
    return header + _to_yaml(doc)


def _user(p: DemoPerson) -> dict[str, str]:
    return {
        "id": playground_user_id(p),
        "name": p.display_name,
        "userPrincipleName": p.user_principal_name,  # sic: the Playground's spelling
        "aadObjectId": p.object_id,
        "givenName": p.given_name,
        "surname": p.surname,
        "email": p.email,
    }


def _to_yaml(value: object, indent: int = 0) -> str:
    """Block-style YAML for the config's dicts, lists and strings. Scalars are written as JSON
    strings, which YAML reads as double-quoted scalars, so no value needs escaping rules."""
    pad = " " * indent
    if isinstance(value, dict):
        lines: list[str] = []
        for key, item in cast(dict[str, object], value).items():
            if isinstance(item, dict | list):
                lines.append(f"{pad}{key}:\n{_to_yaml(cast(object, item), indent + 2)}")
            else:
                lines.append(f"{pad}{key}: {_scalar(item)}\n")
        return "".join(lines)
    if isinstance(value, list):
        # "- " takes the place of the first line's indentation of each item.
        return "".join(
            f"{pad}- {_to_yaml(item, indent + 2)[indent + 2 :]}"
            for item in cast(list[object], value)
        )
    return f"{pad}{_scalar(value)}\n"


def _scalar(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


# --- the process ---------------------------------------------------------------------------


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
