"""Every job kind and its handler: the job worker's thin entry point into the use cases. Each
capability registers its own handlers here; payloads carry ids only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from teams_app.jobs.campaigns import campaign_job_handlers
from teams_app.jobs.defend import defend_job_handlers
from teams_app.jobs.maintenance import maintenance_job_handlers
from teams_app.jobs.notifications import notification_job_handlers
from teams_app.jobs.partners import partner_job_handlers
from teams_app.jobs.plans import plan_job_handlers
from teams_app.jobs.privacy import privacy_job_handlers
from teams_app.jobs.reflections import reflection_job_handlers
from teams_app.jobs.results import results_job_handlers
from teams_app.jobs.support import JobHandler
from teams_app.ports.services import Services


def job_handlers(
    services: Services, *, purge: Callable[[], Awaitable[dict[str, int]]]
) -> Mapping[str, JobHandler]:
    return {
        **notification_job_handlers(services),
        **maintenance_job_handlers(purge),
        **plan_job_handlers(services),  # booking, progress cards, edits, membership
        **defend_job_handlers(services),  # defending booked time, collision cards
        **results_job_handlers(services),  # responses into the SharePoint lists
        **campaign_job_handlers(services),  # prompts, reminders
        **privacy_job_handlers(services),  # erased people's series, retention
        **partner_job_handlers(services),  # learning partners and their check-ins
        **reflection_job_handlers(services),  # rounds, summaries, follow-ups
    }
