"""The Graph emulator fixture for every reflection test here, and logging left as it was found
(the CLI commands configure logging for their process)."""

from tests.graph.conftest import graph_emulator  # noqa: F401
from tests.service.campaigns.conftest import logging_as_it_was  # noqa: F401
