"""Screenshots of the Agents Playground web UI from tests: a thin wrapper over screenshot.mjs.

Needs node, tools/playground's node_modules (playwright-core) and Debian's Chromium at
/usr/bin/chromium (or CHROMIUM_PATH). `browser_available()` tells a test whether to skip.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
from pathlib import Path

SCRIPT = Path(__file__).with_name("screenshot.mjs")
TOOLS_DIR = Path(__file__).resolve().parents[2] / "tools" / "playground"
PLAYWRIGHT_CORE = TOOLS_DIR / "node_modules" / "playwright-core"


class ScreenshotFailed(RuntimeError):
    pass


def chromium_path() -> str:
    return os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def browser_available() -> str | None:
    """None when screenshots can be taken, else the reason they cannot."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not PLAYWRIGHT_CORE.is_dir():
        return f"{PLAYWRIGHT_CORE} is missing (run scripts/setup)"
    if not os.access(chromium_path(), os.X_OK):
        return f"no Chromium at {chromium_path()} (apt-get install chromium)"
    return None


async def screenshot(
    url: str,
    out: str | Path,
    text: str | None = None,
    *,
    chat: str | None = None,
    bot_name: str = "Learning Loop",
    log_panel: bool = False,
    clicks: tuple[str, ...] = (),
    card_text: str | None = None,
    ready_file: str | Path | None = None,
    whole_card: bool = False,
    timeout: float = 60.0,  # noqa: ASYNC109 - also bounds the script's own waits
) -> Path:
    """Opens the Playground at `url`, optionally opens the chat named `chat` (its label in the
    chat list: "Personal Chat", the group chat's name, "<team> - <channel>") and sends `text`
    (with an @mention of `bot_name` outside the personal chat), waits for an Adaptive Card (a new
    one when `text` was sent) and saves a PNG at `out`.

    Raises ScreenshotFailed with the script's message; the page at the moment of failure is
    saved next to `out` as `<name>-failed.png`.

    `clicks` presses buttons of the newest card by title, in order; `card_text` shoots the card
    showing that text (waiting for it); `ready_file` is written once the page is open, so a test
    can then make the bot send something proactively. `whole_card` saves the card alone, all
    of it, instead of the window (for cards taller than the window).
    """
    reason = browser_available()
    if reason is not None:
        raise ScreenshotFailed(reason)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    args = [
        str(SCRIPT),
        url,
        str(out),
        text or "",
        chat or "",
        f"--bot={bot_name}",
        f"--timeout={int(timeout * 1000 * 0.8)}",
    ]  # it gives up first
    if log_panel:
        args.append("--log-panel")
    args += [f"--click={title}" for title in clicks]
    if card_text:
        args.append(f"--card-text={card_text}")
    if ready_file:
        args.append(f"--ready-file={ready_file}")
    if whole_card:
        args.append("--whole-card")
    process = await asyncio.create_subprocess_exec(
        "node",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # node and the Chromium it started
        await process.wait()
        raise ScreenshotFailed(f"screenshot of {url} took longer than {timeout:.0f} s") from None
    if process.returncode != 0:
        message = (stderr or stdout).decode(errors="replace").strip()
        raise ScreenshotFailed(f"screenshot of {url} failed (exit {process.returncode}): {message}")
    return out


async def wait_for_file(path: Path, task: asyncio.Task[Path]) -> None:
    """Waits until the screenshot script has the page open (it writes `path`), so a test can
    make the bot send what the picture should show; the script's failure is raised at once."""
    async with asyncio.timeout(60):
        while not await asyncio.to_thread(path.exists):
            if task.done():
                await task  # raises the script's reason
            await asyncio.sleep(0.2)
    await asyncio.to_thread(path.unlink, missing_ok=True)  # a signal, not an artifact
