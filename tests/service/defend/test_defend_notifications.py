"""Change notifications, where configured: the scan subscribes to each defended mailbox, a
change in the calendar scans that mailbox at once (a collision card without waiting for the
period), forged notifications are refused, and a removed subscription is made again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest
from aiohttp import web

from teams_app.use_cases.defend.scan import DEFEND_MAILBOX, DEFEND_SCAN
from teams_app.use_cases.defend.watch import SETTLE
from tests.card_texts import texts
from tests.connector import FakeConnector
from tests.graph.conftest import GraphEmulator, graph_emulator  # noqa: F401
from tests.service.conftest import ServiceFactory, start_site
from tests.service.defend.support import Booked, booked_plan, iso, run_jobs, start_of

SECRET = "a-client-state-secret-of-some-length"


class Relay:
    """Stands at the public notification address and passes requests to the service, which
    only gets its port once it starts (after the address is configured)."""

    def __init__(self) -> None:
        self.target = ""
        self.url = ""

    def app(self) -> web.Application:
        async def forward(request: web.Request) -> web.Response:
            async with aiohttp.ClientSession() as session, session.post(
                f"{self.target}{request.path_qs}", data=await request.read(),
                headers={"Content-Type": request.headers.get("Content-Type", "text/plain")},
            ) as answer:
                return web.Response(status=answer.status, body=await answer.read(),
                                    headers={"Content-Type": answer.content_type})

        app = web.Application()
        app.router.add_post("/{tail:.*}", forward)
        return app


@pytest.fixture
async def relay() -> AsyncIterator[Relay]:
    found = Relay()
    runner, found.url = await start_site(found.app())
    try:
        yield found
    finally:
        await runner.cleanup()


async def watched_plan(start_service: ServiceFactory, emulator: GraphEmulator,
                       connector: FakeConnector, relay: Relay) -> Booked:
    plan = await booked_plan(
        start_service, emulator, connector,
        graph_notification_url=f"{relay.url}/api/graph/notifications",
        graph_lifecycle_url=f"{relay.url}/api/graph/lifecycle",
        graph_notification_secret=SECRET,
    )
    relay.target = plan.service.url
    await plan.service.runtime.register_schedules()
    await run_jobs(plan.service)  # the first scan subscribes
    return plan


async def subscriptions_of(emulator: GraphEmulator, member: str) -> list[dict[str, object]]:
    found = await emulator.control.objects("subscriptions")
    return [s for s in found if s["resource"] == f"users/{member}/events"]


async def scans_run(plan: Booked) -> list[str]:
    """The kinds of every scan job so far (queued or run)."""
    jobs = await plan.service.runtime.jobs.list()
    return [j.kind for j in jobs if j.kind in (DEFEND_SCAN, DEFEND_MAILBOX)]


async def test_a_change_in_the_calendar_is_carded_without_waiting_for_the_period(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
    relay: Relay,
) -> None:
    plan = await watched_plan(start_service, graph_emulator, connector, relay)
    (subscription,) = await subscriptions_of(graph_emulator, plan.member)
    assert subscription["notificationUrl"] == f"{relay.url}/api/graph/notifications"
    async with plan.services.uow() as tx:
        watched = await tx.occurrences.watched(plan.member)
    assert watched is not None and watched.subscription_id == subscription["id"]
    before = await scans_run(plan)

    second = (await plan.instances())[1]
    await graph_emulator.control.add_event(
        plan.member, subject="Sprint review", start=iso(start_of(second)),
        end=iso(start_of(second) + timedelta(minutes=30)), show_as="busy",
    )
    await graph_emulator.control.drain_notifications()
    after = await scans_run(plan)
    assert after.count(DEFEND_SCAN) == before.count(DEFEND_SCAN)  # no periodic scan
    assert after.count(DEFEND_MAILBOX) == before.count(DEFEND_MAILBOX) + 1  # one, just this
    await plan.service.runtime.advance_clock(SETTLE)
    await run_jobs(plan.service)
    (card,) = [a["attachments"][0]["content"]
               for a in connector.sent_to(f"a:personal-{plan.member}")]
    assert "Sprint review" in texts(card)


async def test_forged_notifications_are_refused_and_the_handshake_is_answered(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
    relay: Relay,
) -> None:
    plan = await watched_plan(start_service, graph_emulator, connector, relay)
    (subscription,) = await subscriptions_of(graph_emulator, plan.member)
    before = await scans_run(plan)
    url = f"{plan.service.url}/api/graph/notifications"
    forged = {"value": [{"subscriptionId": subscription["id"], "clientState": "guess",
                         "changeType": "updated", "resource": f"users/{plan.member}/events/x"}]}
    async with plan.service.http.post(url, json=forged) as response:
        assert response.status == 403
    async with plan.service.http.post(url, data=b"not json") as response:
        assert response.status == 400
    async with plan.service.http.post(f"{url}?validationToken=Validation%3A+abc") as response:
        assert response.status == 200 and await response.text() == "Validation: abc"
        assert response.content_type == "text/plain"
    unknown = {"value": [{"subscriptionId": "not-ours", "clientState": SECRET,
                          "changeType": "updated", "resource": "users/x/events/y"}]}
    async with plan.service.http.post(url, json=unknown) as response:
        assert response.status == 202  # accepted, but about nothing we watch
    assert await scans_run(plan) == before


async def test_a_removed_subscription_is_made_again_by_the_next_scan(
    start_service: ServiceFactory,
    graph_emulator: GraphEmulator,  # noqa: F811
    connector: FakeConnector,
    relay: Relay,
) -> None:
    plan = await watched_plan(start_service, graph_emulator, connector, relay)
    (old,) = await subscriptions_of(graph_emulator, plan.member)
    await graph_emulator.control.lifecycle(str(old["id"]), "subscriptionRemoved")
    await graph_emulator.control.drain_notifications()
    async with plan.services.uow() as tx:
        assert await tx.occurrences.watched(plan.member) is None
    await plan.service.runtime.advance_clock(SETTLE)
    await run_jobs(plan.service)
    async with plan.services.uow() as tx:
        again = await tx.occurrences.watched(plan.member)
    assert again is not None and again.subscription_id != old["id"]
    assert [s["id"] for s in await subscriptions_of(graph_emulator, plan.member)] == [
        again.subscription_id
    ]
