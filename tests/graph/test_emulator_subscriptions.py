"""Change notifications: the validation handshake, Outlook's 10,080-minute limit, change
notifications for events, renewal, deletion and lifecycle notifications."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web

from tests.graph.conftest import GraphEmulator

NOW = datetime(2025, 3, 24, 6, 0, tzinfo=UTC)


@dataclass
class Receiver:
    url: str
    echo: bool = True
    validations: list[str] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    state = Receiver(url="")

    async def handle(request: web.Request) -> web.Response:
        token = request.query.get("validationToken")
        if token is not None:
            state.validations.append(token)
            return web.Response(text=token if state.echo else "nope", content_type="text/plain")
        state.received.append(await request.json())
        return web.Response(status=202)

    app = web.Application()
    app.router.add_post("/notify", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    state.url = f"http://{host}:{port}/notify"
    try:
        yield state
    finally:
        await runner.cleanup()


def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.0000000Z")


async def _subscribe(graph_emulator: GraphEmulator, receiver: Receiver, user: str,
                     minutes: int = 4230) -> Any:
    return await graph_emulator.request("POST", "/subscriptions", json={
        "changeType": "created,updated,deleted",
        "notificationUrl": receiver.url,
        "lifecycleNotificationUrl": receiver.url,
        "resource": f"/users/{user}/events",
        "expirationDateTime": _stamp(NOW + timedelta(minutes=minutes)),
        "clientState": "secretClientValue",
    })


async def _person(graph_emulator: GraphEmulator) -> str:
    await graph_emulator.control.reset(now=_stamp(NOW))
    return str((await graph_emulator.control.add_user("Ada Lovelace"))["id"])


async def test_subscription_validates_then_notifies(graph_emulator: GraphEmulator,
                                                    receiver: Receiver) -> None:
    user = await _person(graph_emulator)

    created = await _subscribe(graph_emulator, receiver, user)

    assert created.status == 201
    sub = created.body
    assert sub["@odata.context"].endswith("/$metadata#subscriptions/$entity")
    assert {"id", "resource", "applicationId", "changeType", "clientState", "notificationUrl",
            "expirationDateTime", "creatorId", "latestSupportedTlsVersion"} <= set(sub)
    assert len(receiver.validations) == 2  # notificationUrl and lifecycleNotificationUrl

    event = await graph_emulator.request("POST", f"/users/{user}/events", json={
        "subject": "Learning time", "start": {"dateTime": "2025-03-25T09:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2025-03-25T10:00:00", "timeZone": "UTC"}})
    await graph_emulator.control.drain_notifications()

    [payload] = receiver.received
    [note] = payload["value"]
    event_id = event.body["id"]
    assert note["subscriptionId"] == sub["id"]
    assert note["clientState"] == "secretClientValue"
    assert note["changeType"] == "created"
    assert note["resource"] == f"Users/{user}/Events/{event_id}"
    assert note["resourceData"]["id"] == event_id
    assert note["resourceData"]["@odata.id"] == f"Users/{user}/Events/{event_id}"
    assert note["subscriptionExpirationDateTime"] == sub["expirationDateTime"]
    assert note["tenantId"]


async def test_subscription_rules(graph_emulator: GraphEmulator, receiver: Receiver) -> None:
    user = await _person(graph_emulator)

    too_long = await _subscribe(graph_emulator, receiver, user, minutes=10_081)
    longest = await _subscribe(graph_emulator, receiver, user, minutes=10_080)
    receiver.echo = False
    unvalidated = await _subscribe(graph_emulator, receiver, user)
    remote = await graph_emulator.request("POST", "/subscriptions", json={
        "changeType": "created", "notificationUrl": "https://webhook.azurewebsites.net/api",
        "resource": f"users/{user}/events", "expirationDateTime": _stamp(NOW + timedelta(hours=1))})

    assert too_long.status == 400
    assert too_long.body["error"]["message"] == \
        "Subscription expiration can only be 10080 minutes in the future."
    assert longest.status == 201
    assert unvalidated.status == 400 and "validation" in unvalidated.body["error"]["message"]
    assert remote.status == 400


async def test_renew_delete_and_lifecycle(graph_emulator: GraphEmulator,
                                          receiver: Receiver) -> None:
    user = await _person(graph_emulator)
    sub = (await _subscribe(graph_emulator, receiver, user)).body
    later = _stamp(NOW + timedelta(days=6))

    renewed = await graph_emulator.request("PATCH", f"/subscriptions/{sub['id']}",
                                           json={"expirationDateTime": later})
    await graph_emulator.control.lifecycle(sub["id"], "reauthorizationRequired")
    await graph_emulator.control.drain_notifications()
    deleted = await graph_emulator.request("DELETE", f"/subscriptions/{sub['id']}")
    gone = await graph_emulator.request("GET", f"/subscriptions/{sub['id']}")

    assert renewed.status == 200 and renewed.body["expirationDateTime"] == later
    assert receiver.received[-1]["value"][0]["lifecycleEvent"] == "reauthorizationRequired"
    assert (deleted.status, deleted.body) == (204, None)
    assert gone.status == 404
