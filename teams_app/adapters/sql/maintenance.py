"""Retention: finished jobs and old delivery records are deleted so the tables stay small.

A deleted job frees its idempotency key and a deleted delivery record its delivery key; the
retention periods are far longer than any retry, so nothing still in flight can repeat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from teams_app.adapters.sql.engine import writing
from teams_app.adapters.sql.tables import deliveries, jobs
from teams_app.ports import JobState


async def purge(
    engine: AsyncEngine, *, jobs_before: datetime, deliveries_before: datetime
) -> dict[str, int]:
    async with writing(engine) as connection:
        finished = await connection.execute(
            delete(jobs).where(
                jobs.c.state == JobState.DONE.value, jobs.c.finished_at < jobs_before
            )
        )
        delivered = await connection.execute(
            delete(deliveries).where(deliveries.c.sent_at < deliveries_before)
        )
    return {"jobs": finished.rowcount or 0, "deliveries": delivered.rowcount or 0}
