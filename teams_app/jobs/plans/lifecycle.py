"""Job handlers for a plan's life after creation: team sessions, edits, membership changes.

Thin like `jobs.py` (which merges these in): parse the payload's ids, call the use case, log
ids and outcomes. A payload that cannot be read, a domain error or a refused permission ends
the job for good with a stable code; Graph throttling or outages propagate so the queue retries.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import structlog

from teams_app.domain.errors import DomainError
from teams_app.jobs.worker import PermanentJobError
from teams_app.ports import Calendar, Directory, GraphForbidden, Job
from teams_app.ports.services import Services
from teams_app.use_cases.plans.changes import UPDATE_SLOT_TEXTS, update_slot_texts
from teams_app.use_cases.plans.membership import (
    RECONCILE_ALL,
    RECONCILE_MEMBERS,
    RELEASE_MEMBER,
    reconcile_all,
    reconcile_members,
    release_member,
)
from teams_app.use_cases.plans.rebooking import (
    REBOOK_PLAN,
    REPLACE_MEMBER_SLOT,
    rebook_plan,
    replace_member_slot,
)
from teams_app.use_cases.plans.team_sessions import (
    BOOK_TEAM_SESSION,
    CANCEL_TEAM_SESSION,
    BookTeamSession,
    book_team_session_job,
    cancel_team_session_job,
)

log = structlog.get_logger()

JobHandler = Callable[[Job], Awaitable[None]]


def lifecycle_job_handlers(
    services: Services, calendar: Callable[[], Calendar]
) -> Mapping[str, JobHandler]:
    def directory() -> Directory:
        if services.directory is None:
            raise PermanentJobError("graph_not_configured")
        return services.directory

    def guarded(run: Callable[[Job], Awaitable[Any]], event: str) -> JobHandler:
        async def handle(job: Job) -> None:
            try:
                outcome = await run(job)
            except (KeyError, ValueError, TypeError):
                raise PermanentJobError("bad_payload") from None
            except DomainError as error:
                raise PermanentJobError(error.code) from None
            except GraphForbidden:
                raise PermanentJobError("graph_forbidden") from None
            log.info(event, job_id=job.id, plan_id=str(job.payload.get("plan_id")),
                     outcome=str(outcome))

        return handle

    def last(job: Job) -> bool:
        return job.attempts >= job.max_attempts

    async def book_team(job: Job) -> object:
        cmd = BookTeamSession(
            str(job.payload["plan_id"]), int(job.payload["revision"]), last_attempt=last(job)
        )
        return await book_team_session_job(
            cmd, uow=services.uow, calendar=calendar(), directory=directory(),
            clock=services.clock,
        )

    async def cancel_team(job: Job) -> object:
        return await cancel_team_session_job(
            str(job.payload["plan_id"]), uow=services.uow, calendar=calendar(),
            clock=services.clock,
        )

    async def rebook(job: Job) -> object:
        return await rebook_plan(
            str(job.payload["plan_id"]), int(job.payload["revision"]), uow=services.uow,
            calendar=calendar(), directory=directory(), clock=services.clock,
            run_key=job.id, rights=services.rights,
        )

    async def replace(job: Job) -> object:
        return await replace_member_slot(
            str(job.payload["plan_id"]), str(job.payload["member_id"]),
            int(job.payload["revision"]), uow=services.uow, calendar=calendar(),
            directory=directory(), clock=services.clock, last_attempt=last(job),
        )

    async def texts(job: Job) -> object:
        return await update_slot_texts(
            str(job.payload["plan_id"]), str(job.payload["member_id"]),
            int(job.payload["slot_revision"]), int(job.payload["revision"]),
            uow=services.uow, calendar=calendar(), clock=services.clock,
        )

    async def reconcile(job: Job) -> object:
        return await reconcile_members(
            str(job.payload["plan_id"]), uow=services.uow, calendar=calendar(),
            directory=directory(), clock=services.clock, run_key=job.id,
            rights=services.rights,
        )

    async def reconcile_every_plan(job: Job) -> object:
        return await reconcile_all(uow=services.uow, run_key=job.id)

    async def release(job: Job) -> object:
        return await release_member(
            str(job.payload["plan_id"]), str(job.payload["member_id"]), uow=services.uow,
            calendar=calendar(), clock=services.clock,
        )

    return {
        BOOK_TEAM_SESSION: guarded(book_team, "team_session_booking_ran"),
        CANCEL_TEAM_SESSION: guarded(cancel_team, "team_session_cancelled"),
        REBOOK_PLAN: guarded(rebook, "plan_rebook_started"),
        REPLACE_MEMBER_SLOT: guarded(replace, "plan_slot_replaced"),
        UPDATE_SLOT_TEXTS: guarded(texts, "plan_slot_texts_updated"),
        RECONCILE_MEMBERS: guarded(reconcile, "plan_members_reconciled"),
        RECONCILE_ALL: guarded(reconcile_every_plan, "plans_reconcile_queued"),
        RELEASE_MEMBER: guarded(release, "plan_member_released"),
    }
