"""Job handler for a scheduled notification (`learning-loop notify`): one card to one
conversation, sent once."""

from __future__ import annotations

import structlog

from teams_app.domain.errors import DomainError
from teams_app.jobs.support import JobHandler, person_languages
from teams_app.jobs.worker import PermanentJobError
from teams_app.ports import Job, RecipientUnreachable
from teams_app.ports.services import Services
from teams_app.use_cases.notifications import NOTIFY, deliver_notification, parse_notification

log = structlog.get_logger()


def notification_job_handlers(services: Services) -> dict[str, JobHandler]:
    languages = person_languages(services)

    async def notify(job: Job) -> None:
        try:
            receipt = await deliver_notification(
                parse_notification(job.payload),
                uow=services.uow,
                messenger=services.messenger,
                renderer=services.renderer,
                clock=services.clock,
                languages=languages,
            )
        except ValueError:
            raise PermanentJobError("bad_payload") from None
        except DomainError as error:
            raise PermanentJobError(error.code) from None
        except RecipientUnreachable:
            # Teams refused this conversation for good (app removed); retrying cannot help.
            raise PermanentJobError("recipient_unreachable") from None
        log.info("notification_delivered", job_id=job.id, already_sent=receipt.already_sent)

    return {NOTIFY: notify}
