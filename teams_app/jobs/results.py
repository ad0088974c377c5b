"""The outbox drain: responses on their way to the SharePoint lists (use_cases/results)."""

from __future__ import annotations

from teams_app.jobs.support import JobHandler
from teams_app.ports import Job
from teams_app.ports.results import OUTBOX_DRAIN
from teams_app.ports.services import Services
from teams_app.use_cases.results.outbox import drain_outbox

DRAIN_EVERY_SECONDS = 60  # the schedule catches what no trigger did (an outage, a restart)
# Rows one job writes before it hands over to a follow-up job: a long backlog then never holds
# a worker for many minutes, nor keeps a shutdown waiting.
ROWS_PER_JOB = 500


def results_job_handlers(services: Services) -> dict[str, JobHandler]:
    async def drain(job: Job) -> None:
        if services.lists is None:
            return  # without Graph the rows wait; a dead job every minute would only be noise
        # The job id owns the drain's lease: a second drain job meanwhile finds it busy.
        await drain_outbox(uow=services.uow, lists=services.lists, clock=services.clock,
                           owner=job.id, max_rows=ROWS_PER_JOB)

    return {OUTBOX_DRAIN: drain}
