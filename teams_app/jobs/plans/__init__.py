"""The plans capability's job handlers: booking, the booking card's progress, and a plan's life
after creation (team sessions, edits, membership)."""

from __future__ import annotations

from functools import partial

from teams_app.jobs.plans.booking import booking_job_handlers
from teams_app.jobs.plans.lifecycle import lifecycle_job_handlers
from teams_app.jobs.plans.progress import progress_job_handlers
from teams_app.jobs.support import JobHandler, calendar_of
from teams_app.ports.services import Services


def plan_job_handlers(services: Services) -> dict[str, JobHandler]:
    return {
        **booking_job_handlers(services),
        **progress_job_handlers(services),
        **lifecycle_job_handlers(services, partial(calendar_of, services)),
    }
