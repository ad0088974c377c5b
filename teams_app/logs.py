"""Structured logging: JSON lines in production, readable lines on a terminal. Ids, counts and
durations only; never text people wrote, names, emails or tokens."""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

import structlog


class _Stderr:
    """Whatever sys.stderr is when a line is written, not when logging was configured: a command
    run in-process under a captured stream (a test runner, a notebook) would otherwise leave
    every later log line writing to a stream that is closed by then."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(
    *, json: bool | None = None, level: int = logging.INFO, cache: bool = True
) -> None:
    as_json = (not sys.stderr.isatty()) if json is None else json
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer() if as_json else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=_Stderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=cache,
    )
    # The SDK logs activity details (including message text) at INFO; keep it to warnings.
    logging.basicConfig(level=logging.WARNING, stream=_Stderr(), force=True)  # type: ignore[arg-type]
    for handler in logging.getLogger().handlers:
        handler.addFilter(_without_exception_messages)
    keep_person_text_out_of_library_logs()
    for noisy in ("microsoft_agents", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def exception_fields(error: BaseException, *, frames: int = 8) -> dict[str, object]:
    """Where an error happened, without its message: messages of database and HTTP errors carry
    the values involved, and those can be names or answers people wrote."""
    stack = traceback.extract_tb(error.__traceback__)[-frames:]
    return {
        "error_type": type(error).__name__,
        # Not "stack": structlog reserves that key for stack_info strings.
        "frames": [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in stack],
    }


def bounded(value: object, limit: int = 64) -> str:
    """A value from a request, fit for a log line: cut to `limit` characters, and anything not
    printable (a newline that would start a forged line) escaped."""
    text = str(value)[:limit]
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


_ROUTING_LOGGER = "microsoft_agents.hosting.core.app.agent_application"


def keep_person_text_out_of_library_logs() -> None:
    """The SDK logs "No route found for activity type: ... with text: <what the person wrote>"
    for every activity no route takes (typing, reactions). A filter on its own logger (it runs
    before any handler, whoever configured logging) drops the type and the text."""
    logger = logging.getLogger(_ROUTING_LOGGER)
    if _without_unrouted_text not in logger.filters:
        logger.addFilter(_without_unrouted_text)


def _without_unrouted_text(record: logging.LogRecord) -> bool:
    if str(record.msg).startswith("No route"):
        record.msg = "No route found for an activity (its type and text are not logged)"
        record.args = ()
    return True


def _without_exception_messages(record: logging.LogRecord) -> bool:
    """Library log records (the SDK logs every turn error with its message and traceback) keep
    their logger and level but lose the exception text, for the same reason as above."""
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        record.msg = "%s raised %s at %s"
        record.args = (record.name, type(error).__name__, exception_fields(error)["frames"])
        record.exc_info = None
        record.exc_text = None
    return True
