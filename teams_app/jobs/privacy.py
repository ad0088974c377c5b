"""A person's own data: their series released after an erase, and the daily retention sweep
(use_cases/privacy)."""

from __future__ import annotations

from teams_app.jobs.support import JobHandler, calendar_of
from teams_app.jobs.worker import PermanentJobError
from teams_app.ports import Job
from teams_app.ports.privacy import RELEASE_SERIES, RETENTION
from teams_app.ports.services import Services
from teams_app.use_cases.privacy.releasing import release_series
from teams_app.use_cases.privacy.retention import expire_answers

RETENTION_EVERY_SECONDS = 24 * 3600


def privacy_job_handlers(services: Services) -> dict[str, JobHandler]:
    async def release(job: Job) -> None:
        payload = job.payload
        person, event_ids, marks = (payload.get("person_id"), payload.get("event_ids"),
                                    payload.get("marks"))
        if not isinstance(person, str) or not person or not isinstance(event_ids, list) \
                or not isinstance(marks, list):
            raise PermanentJobError("bad_payload")
        # A Graph outage raises: the queue retries with backoff until the series are gone.
        await release_series(person, [str(e) for e in event_ids], [str(m) for m in marks],
                             calendar=calendar_of(services))

    async def retention(_job: Job) -> None:
        await expire_answers(uow=services.uow, clock=services.clock,
                             months=services.settings.retention_months)

    return {RELEASE_SERIES: release, RETENTION: retention}
