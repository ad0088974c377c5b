"""What every job handler module shares: the handler type and reading a job's common ids."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from teams_app import telemetry
from teams_app.domain.conversations import ConversationRef
from teams_app.domain.occurrence_records import SlotRef
from teams_app.domain.reach import Unreachable
from teams_app.jobs.worker import PermanentJobError
from teams_app.ports import Calendar, Job
from teams_app.ports.services import Services
from teams_app.use_cases.languages import PersonLanguages
from teams_app.use_cases.reach import PersonalChats, TeamsEndpoint

JobHandler = Callable[[Job], Awaitable[object]]  # worker.FINISHED, or anything else


def calendar_of(services: Services) -> Calendar:
    """Graph's calendar, or the end of the job: without Graph no retry can help."""
    if services.calendar is None:
        raise PermanentJobError("graph_not_configured")
    return services.calendar


def person_languages(services: Services) -> PersonLanguages:
    return PersonLanguages(services.uow, services.calendar, services.clock)


class CountedPersonalChats(PersonalChats):
    """Counts each card that is not sent because its person cannot be reached, with the
    reason's code, beside the sends the messenger counts (telemetry: undelivered cards)."""

    async def reach(self, user_id: str) -> ConversationRef | Unreachable:
        found = await super().reach(user_id)
        if isinstance(found, Unreachable):
            telemetry.unreachable(found.value)
        return found


def personal_chats(services: Services) -> PersonalChats:
    settings = services.settings
    return CountedPersonalChats(
        uow=services.uow,
        messenger=services.messenger,
        clock=services.clock,
        installer=services.installer,
        endpoint=TeamsEndpoint(
            settings.teams_service_url, settings.app_tenant_id or settings.graph_tenant_id
        ),
        languages=person_languages(services),
    )


def slot_of(job: Job) -> SlotRef:
    try:
        return SlotRef(
            str(job.payload["plan_id"]),
            str(job.payload["member_id"]),
            int(job.payload["revision"]),
        )
    except (KeyError, ValueError, TypeError):
        raise PermanentJobError("bad_payload") from None
