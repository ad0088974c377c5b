"""Structured logging: JSON lines in production, readable lines on a terminal. Ids, counts and
durations only; never text people wrote, names, emails or tokens."""

from __future__ import annotations

import logging
import sys

import structlog


def configure_logging(*, json: bool | None = None, level: int = logging.INFO) -> None:
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
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    # The SDK logs activity details (including message text) at INFO; keep it to warnings.
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    for noisy in ("microsoft_agents", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
