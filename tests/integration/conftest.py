"""Fixtures shared by the job queue tests."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from teams_app.adapters.sql.job_queue import SqlJobStore
from tests.fakes import FakeClock
from tests.integration.jobs_support import START


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def store(engine: AsyncEngine, clock: FakeClock) -> SqlJobStore:
    return SqlJobStore(engine, clock, default_max_attempts=3)
