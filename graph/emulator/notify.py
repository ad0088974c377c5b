"""Outgoing webhooks: the validation handshake and change/lifecycle notifications.

Graph POSTs `{notificationUrl}?validationToken=...` and needs the token back as text/plain
with 200 within 10 seconds before it creates a subscription; change notifications are POSTed
as `{"value": [changeNotification...]}` and delivery is best effort
(https://learn.microsoft.com/graph/change-notifications-delivery-webhooks).
The emulator only ever calls loopback addresses.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from graph.emulator.errors import GraphError
from graph.emulator.store import EmulatorState, Subscription
from graph.emulator.timezones import stamp

VALIDATION_TIMEOUT_S = 10.0
DELIVERY_TIMEOUT_S = 3.0
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def require_loopback(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or (parts.hostname or "") not in _LOOPBACK:
        raise GraphError(400, "ValidationError",
                         f"Notification endpoint '{url}' is not reachable from the emulator: "
                         "it only calls loopback (127.0.0.1 / localhost) addresses.")


class Notifier:
    def __init__(self, state: EmulatorState, tenant_id: str) -> None:
        self.state = state
        self.tenant_id = tenant_id
        self.tasks: set[asyncio.Task[None]] = set()
        self.session: aiohttp.ClientSession | None = None

    def _session(self) -> aiohttp.ClientSession:
        if self.session is None or self.session.closed:
            self.session = aiohttp.ClientSession()
        return self.session

    async def validate(self, url: str) -> None:
        require_loopback(url)
        token = "Validation: Testing client application reachability for subscription " \
                f"Request-Id: {self.state.new_guid()}"
        try:
            async with self._session().post(
                url, params={"validationToken": token}, data=b"",
                headers={"Content-Type": "text/plain; charset=utf-8"},
                timeout=aiohttp.ClientTimeout(total=VALIDATION_TIMEOUT_S),
            ) as response:
                text = await response.text()
                status = response.status
        except TimeoutError:
            raise GraphError(400, "ValidationError",
                             "Subscription validation request timed out.") from None
        except aiohttp.ClientError as error:
            raise GraphError(400, "ValidationError",
                             "Subscription validation request failed. Notification endpoint "
                             f"must respond with 200 OK to validation request. ({error})") from None
        if status != 200:
            raise GraphError(400, "ValidationError",
                             "Subscription validation request failed. Notification endpoint "
                             f"must respond with 200 OK to validation request. (got {status})")
        if text != token:
            raise GraphError(400, "ValidationError",
                             "Subscription validation request failed. Response must exactly "
                             "match validationToken query parameter.")

    def _active(self, now: datetime) -> list[Subscription]:
        return [s for s in self.state.subscriptions.values() if s.expiration > now]

    def event_changed(self, mailbox_id: str, event_id: str, change_key: str, change: str,
                      now: datetime) -> None:
        for sub in self._active(now):
            if sub.kind != "events" or sub.target != (mailbox_id,):
                continue
            if change not in sub.change_types:
                continue
            path = f"Users/{mailbox_id}/Events/{event_id}"
            self._send(sub, {
                "subscriptionId": sub.id,
                "subscriptionExpirationDateTime": stamp(sub.expiration),
                "changeType": change,
                "resource": path,
                "resourceData": {"@odata.type": "#Microsoft.Graph.Event", "@odata.id": path,
                                 "@odata.etag": f'W/"{change_key}"', "id": event_id},
                "clientState": sub.client_state,
                "tenantId": self.tenant_id,
            })

    def list_changed(self, site_id: str, list_id: str, now: datetime) -> None:
        for sub in self._active(now):
            if sub.kind != "list" or sub.target != (site_id, list_id):
                continue
            self._send(sub, {
                "subscriptionId": sub.id,
                "subscriptionExpirationDateTime": stamp(sub.expiration),
                "changeType": "updated",
                "resource": sub.resource,
                "resourceData": None,
                "clientState": sub.client_state,
                "tenantId": self.tenant_id,
            })

    def lifecycle(self, sub: Subscription, event: str) -> None:
        self._send(sub, {
            "subscriptionId": sub.id,
            "subscriptionExpirationDateTime": stamp(sub.expiration),
            "tenantId": self.tenant_id,
            "clientState": sub.client_state,
            "lifecycleEvent": event,
        }, url=sub.lifecycle_url or sub.notification_url)

    def _send(self, sub: Subscription, notification: dict[str, Any],
              url: str | None = None) -> None:
        target = url or sub.notification_url
        entry = {"subscriptionId": sub.id, "url": target, "notification": notification,
                 "status": None}
        self.state.notifications.append(entry)
        task = asyncio.get_running_loop().create_task(self._deliver(target, entry))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _deliver(self, url: str, entry: dict[str, Any]) -> None:
        try:
            async with self._session().post(
                url, json={"value": [entry["notification"]]},
                timeout=aiohttp.ClientTimeout(total=DELIVERY_TIMEOUT_S),
            ) as response:
                entry["status"] = response.status
        except (aiohttp.ClientError, TimeoutError) as error:
            entry["status"] = f"failed: {type(error).__name__}"

    async def drain(self) -> None:
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*list(self.tasks), return_exceptions=True)
        if self.session is not None:
            await self.session.close()
