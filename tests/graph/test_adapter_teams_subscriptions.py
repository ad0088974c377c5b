"""Installing the Teams app for a person, and event subscriptions with a real receiver: the
emulator validates the endpoint and delivers notifications to `handle_notification_request`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web

from graph.calendar import GraphCalendar
from graph.client import GraphConnection
from graph.subscriptions import GraphSubscriptions, handle_notification_request
from graph.teams_apps import GraphTeamsAppInstaller
from teams_app.domain.calendar import ChangeNotification, ChangeType, EventDraft
from teams_app.ports import GraphForbidden, GraphNotFound
from tests.graph.adapter_fixtures import NOW, graph_fixture, graph_settings_fixture  # noqa: F401
from tests.graph.conftest import GraphEmulator

APP_ID = "2d5c3f9e-6a1b-4c8d-9e0f-1a2b3c4d5e6f"
SECRET = "client-state-7f3a"
EMULATOR_NOW = datetime.fromisoformat(NOW.replace("Z", "+00:00"))


async def test_install_is_idempotent_and_gives_the_chat(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    ann = await graph_emulator.control.add_user("Ann")
    bob = await graph_emulator.control.add_user("Bob")
    installer = GraphTeamsAppInstaller(graph, teams_app_id=APP_ID)

    first = await installer.install_for_user(ann["id"])
    assert first.newly_installed and first.chat_id
    again = await installer.install_for_user(ann["id"])  # 409 from Graph: still a success
    assert not again.newly_installed
    assert again.chat_id == first.chat_id == await installer.chat_id(ann["id"])
    assert await installer.chat_id(bob["id"]) is None
    installed = await graph_emulator.control.objects("installedApps")
    assert [(i["userId"], i["teamsAppId"]) for i in installed] == [(ann["id"], APP_ID)]
    with pytest.raises(GraphNotFound):
        await installer.install_for_user("no-such-user")


async def test_install_forbidden_names_the_installation_permission(
    graph_emulator: GraphEmulator, graph: GraphConnection
) -> None:
    ann = await graph_emulator.control.add_user("Ann")
    await graph_emulator.control.set_limits(fail_next=[{"match": "installedApps", "status": 403}])
    with pytest.raises(GraphForbidden) as caught:
        await GraphTeamsAppInstaller(graph, teams_app_id=APP_ID).install_for_user(ann["id"])
    assert caught.value.permission == "TeamsAppInstallation.ReadWriteSelfForUser.All"


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[str, list[ChangeNotification]]]:
    """A notification endpoint on loopback answering with the pure handshake helper."""
    received: list[ChangeNotification] = []

    async def receive(request: web.Request) -> web.Response:
        status, text, notifications = handle_notification_request(
            dict(request.query), await request.read(), SECRET
        )
        received.extend(notifications)
        return web.Response(status=status, text=text, content_type="text/plain")

    app = web.Application()
    app.router.add_post("/notifications", receive)
    app.router.add_post("/lifecycle", receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}", received
    finally:
        await runner.cleanup()


async def test_subscribe_receive_renew_recreate_delete(
    graph_emulator: GraphEmulator,
    graph: GraphConnection,
    receiver: tuple[str, list[ChangeNotification]],
) -> None:
    url, received = receiver
    control = graph_emulator.control
    ann = await control.add_user("Ann")
    subscriptions = GraphSubscriptions(
        graph, notification_url=f"{url}/notifications", lifecycle_url=f"{url}/lifecycle"
    )
    resource = f"users/{ann['id']}/events"
    kinds = (ChangeType.CREATED, ChangeType.UPDATED, ChangeType.DELETED)

    sub = await subscriptions.create(
        resource, kinds, client_state=SECRET, expires_at=EMULATOR_NOW + timedelta(hours=1)
    )  # the emulator validated our endpoint before answering
    assert sub.change_types == kinds and sub.client_state == SECRET

    draft = EventDraft(subject="x", start=datetime(2026, 3, 3, 9), end=datetime(2026, 3, 3, 10),
                       time_zone="UTC", transaction_id="t")
    event = await GraphCalendar(graph).create_event(ann["id"], draft)
    await control.drain_notifications()
    assert [(n.change_type, n.resource_id, n.subscription_id) for n in received] == [
        ("created", event.id, sub.id)
    ]

    later = EMULATOR_NOW + timedelta(minutes=30)
    await control.advance_clock(30 * 60)  # Graph's clock and ours move together
    kept = await subscriptions.keep_alive(sub, at=EMULATOR_NOW, lifetime=timedelta(days=2),
                                          margin=timedelta(minutes=10))
    assert kept is sub  # not due yet
    renewed = await subscriptions.keep_alive(sub, at=later, lifetime=timedelta(days=30),
                                             margin=timedelta(hours=1))
    assert renewed.id == sub.id
    # Asked for 30 days; Outlook allows at most 10,080 minutes.
    assert renewed.expires_at == (later + timedelta(minutes=10_080)).astimezone(UTC)

    await control.lifecycle(sub.id, "subscriptionRemoved")
    await control.drain_notifications()
    assert received[-1].lifecycle_event == "subscriptionRemoved"
    recreated = await subscriptions.keep_alive(
        renewed, at=later, lifetime=timedelta(days=1), margin=timedelta(days=8)
    )
    assert recreated.id != sub.id and recreated.client_state == SECRET

    await subscriptions.delete(recreated.id)
    await subscriptions.delete(recreated.id)  # already gone: still fine
    assert await control.objects("subscriptions") == []
