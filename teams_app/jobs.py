"""Job handlers: the job worker's thin entry point into the use cases. Payloads carry ids only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

import structlog

from teams_app.domain.errors import DomainError
from teams_app.ports import Job, RecipientUnreachable
from teams_app.services import Services
from teams_app.use_cases.notifications import NOTIFY, deliver_notification, parse_notification
from teams_app.worker import PermanentJobError

log = structlog.get_logger()

JobHandler = Callable[[Job], Awaitable[None]]
PURGE = "maintenance.purge"
PURGE_EVERY_SECONDS = 24 * 3600


def job_handlers(
    services: Services, *, purge: Callable[[], Awaitable[dict[str, int]]]
) -> Mapping[str, JobHandler]:
    async def notify(job: Job) -> None:
        try:
            receipt = await deliver_notification(
                parse_notification(job.payload),
                uow=services.uow,
                messenger=services.messenger,
                renderer=services.renderer,
                clock=services.clock,
            )
        except ValueError:
            raise PermanentJobError("bad_payload") from None
        except DomainError as error:
            raise PermanentJobError(error.code) from None
        except RecipientUnreachable:
            # Teams refused this conversation for good (app removed); retrying cannot help.
            raise PermanentJobError("recipient_unreachable") from None
        log.info("notification_delivered", job_id=job.id, already_sent=receipt.already_sent)

    async def purge_old(job: Job) -> None:
        removed = await purge()
        log.info("purged", job_id=job.id, **removed)

    return {NOTIFY: notify, PURGE: purge_old}
