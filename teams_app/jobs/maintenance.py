"""The daily purge of finished jobs and old delivery records."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import structlog

from teams_app.jobs.support import JobHandler
from teams_app.ports import Job

log = structlog.get_logger()

PURGE = "maintenance.purge"
PURGE_EVERY_SECONDS = 24 * 3600


def maintenance_job_handlers(
    purge: Callable[[], Awaitable[dict[str, int]]],
) -> dict[str, JobHandler]:
    async def purge_old(job: Job) -> None:
        removed = await purge()
        log.info("purged", job_id=job.id, **removed)

    return {PURGE: purge_old}
