"""The Graph emulator fixture for every campaign test here."""

from tests.graph.conftest import graph_emulator  # noqa: F401
