"""Doctor's tests: a running service (its /readyz), its database, and the Graph emulator's
demo tenant with the results lists provisioned, as a deployment that works."""

from __future__ import annotations

from tests.graph.conftest import graph_emulator  # noqa: F401
