"""Proactive messages from jobs: delivered once, within Teams' limits, retried when throttled."""

from __future__ import annotations

import time
from datetime import timedelta

from teams_app.ports import JobState
from teams_app.use_cases.languages import PersonLanguages
from teams_app.use_cases.notifications import (
    DeliverNotification,
    Recipient,
    ScheduleNotification,
    deliver_notification,
    schedule_notification,
)
from tests.builders import USER_AAD, an_activity, an_install
from tests.connector import FakeConnector, Fault
from tests.service.conftest import RunningService, ServiceFactory


async def installed(service: RunningService, connector: FakeConnector) -> None:
    """The app installed, and the person asked for help in Swedish (their language from now on:
    Teams' installation event says nothing about who installed it)."""
    await service.post(an_install(connector.service_url, locale="sv-SE"))
    await service.post(an_activity(connector.service_url, text="hjälp", locale="sv-SE"))
    await connector.wait_for(2)
    connector.activities.clear()


async def notify(service: RunningService, key: str, *, user: str = USER_AAD) -> str | None:
    return await schedule_notification(
        ScheduleNotification(Recipient(user_id=user), "help", key), uow=service.runtime.services.uow
    )


async def test_a_job_sends_a_proactive_card_to_the_person(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service()
    await installed(service, connector)
    job_id = await notify(service, "reminder-1")
    assert job_id is not None
    assert await notify(service, "reminder-1") is None  # the same notification is queued once

    assert await service.runtime.worker().run_once() == 1
    (conversation_id, message), = connector.activities
    assert conversation_id == "a:personal-1"
    assert message["attachments"][0]["content"]["type"] == "AdaptiveCard"
    assert "Så fungerar det" in str(message["attachments"][0]["content"])  # the person's language
    assert "id" not in message  # a new message carries no id (the connector refuses id: null)
    job = await service.runtime.jobs.get(job_id)
    assert job is not None and job.state is JobState.DONE


async def test_a_retried_delivery_does_not_send_twice(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service()
    await installed(service, connector)
    services = service.runtime.services
    command = DeliverNotification(Recipient(user_id=USER_AAD), "help", "once-only")
    languages = PersonLanguages(services.uow, services.calendar, services.clock)
    first = await deliver_notification(command, uow=services.uow, messenger=services.messenger,
                                       renderer=services.renderer, clock=services.clock,
                                       languages=languages)
    again = await deliver_notification(command, uow=services.uow, messenger=services.messenger,
                                       renderer=services.renderer, clock=services.clock,
                                       languages=languages)
    assert not first.already_sent and again.already_sent
    assert again.activity_id == first.activity_id
    assert len(connector.activities) == 1


async def test_throttling_is_retried_honouring_retry_after(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service()
    await installed(service, connector)
    connector.faults.extend([Fault(429, retry_after=0.3), Fault(502), Fault(412)])
    requests_before = connector.requests
    await notify(service, "throttled")
    started = time.monotonic()
    assert await service.runtime.worker().run_once() == 1
    assert time.monotonic() - started >= 0.3  # waited at least as long as Retry-After said
    assert connector.requests - requests_before == 4
    assert len(connector.activities) == 1


async def test_a_throttling_storm_leaves_the_job_for_a_later_retry(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service(send_max_attempts=3)
    await installed(service, connector)
    connector.faults.extend([Fault(429, retry_after=0.01)] * 3)
    job_id = await notify(service, "storm")
    await service.runtime.worker().run_once()
    job = await service.runtime.jobs.get(job_id or "")
    assert job is not None and job.state is JobState.QUEUED and job.attempts == 1
    assert job.last_error == "MessengerUnavailable"
    assert job.run_at > service.runtime.clock.now()  # backed off, not hammering Teams
    assert connector.activities == []


async def test_a_removed_app_or_unknown_person_is_a_dead_letter_not_a_retry_loop(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service()
    await installed(service, connector)
    connector.faults.append(Fault(403, body='{"error": {"code": "BotNotInConversationRoster"}}'))
    gone = await notify(service, "gone")
    unknown = await notify(service, "unknown", user="nobody-has-this-id")
    await service.runtime.worker().run_once()
    for job_id, error in ((gone, "recipient_unreachable"), (unknown, "unknown_recipient")):
        job = await service.runtime.jobs.get(job_id or "")
        assert job is not None and job.state is JobState.DEAD and job.last_error == error


async def test_messages_to_one_conversation_are_paced(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service(per_conversation_rate=10, per_conversation_burst=2)
    await installed(service, connector)
    for n in range(8):
        await notify(service, f"burst-{n}")
    started = time.monotonic()
    await service.runtime.worker(concurrency=8).run_once()
    # 8 sends at 10/s with a burst of 2: at least 6 must wait their turn (~0.6 s).
    assert time.monotonic() - started >= 0.5
    assert len(connector.activities) == 8


async def test_a_job_due_later_runs_when_the_local_clock_is_moved(
    start_service: ServiceFactory, connector: FakeConnector
) -> None:
    service = await start_service(local_mode=True)
    await installed(service, connector)
    later = service.runtime.clock.now().replace(microsecond=0)
    await schedule_notification(
        ScheduleNotification(Recipient(user_id=USER_AAD), "help", "in-two-weeks",
                             at=later + timedelta(days=14)),
        uow=service.runtime.services.uow,
    )
    assert await service.runtime.worker().run_once() == 0

    async with service.http.post(f"{service.url}/_local/clock", json={"advance": "2w"}) as r:
        assert r.status == 200
    async with service.http.post(f"{service.url}/_local/clock", json={"advance": "soon"}) as r:
        assert r.status == 400 and "14d" in (await r.json())["error"]["message"]
    assert await service.runtime.worker().run_once() == 1
    assert len(connector.activities) == 1


async def test_the_clock_control_only_exists_in_local_mode(start_service: ServiceFactory) -> None:
    service = await start_service()
    async with service.http.post(f"{service.url}/_local/clock", json={"advance": "1d"}) as r:
        assert r.status in (404, 405)
