"""The Graph emulator fixture for every reflection test here, and the logging set-up each test
leaves as it found it (the CLI commands configure logging for their process)."""

import logging
from collections.abc import Iterator

import pytest
import structlog

from tests.graph.conftest import graph_emulator  # noqa: F401


@pytest.fixture(autouse=True)
def logging_as_it_was() -> Iterator[None]:
    saved = structlog.get_config()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    structlog.configure(**saved)
    root.handlers[:] = handlers
    root.setLevel(level)
