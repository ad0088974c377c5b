"""Change notifications for calendars: subscriptions, and the handshake of incoming requests.

Outlook event subscriptions live at most 10,080 minutes (7 days), so a job renews them before
they lapse; a lifecycle URL receives `reauthorizationRequired`, `subscriptionRemoved` and
`missed` (then a calendarView delta re-scan catches up). Incoming notifications prove they
come from our subscription with the clientState secret we chose.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from msgraph.generated.models.subscription import Subscription as GraphSubscription

from graph.client import GraphConnection
from graph.errors import Operation
from teams_app.domain.calendar import ChangeNotification, ChangeType, Subscription
from teams_app.ports import GraphNotFound, GraphRejected

MAX_EVENT_SUBSCRIPTION = timedelta(minutes=10_080)
MAX_CLIENT_STATE = 128  # Graph's limit on clientState length


class GraphSubscriptions:
    def __init__(
        self, graph: GraphConnection, *, notification_url: str, lifecycle_url: str | None
    ) -> None:
        self._graph = graph
        self._notification_url = notification_url
        self._lifecycle_url = lifecycle_url

    async def create(
        self,
        resource: str,
        change_types: Iterable[ChangeType],
        *,
        client_state: str,
        expires_at: datetime,
    ) -> Subscription:
        if not client_state or len(client_state) > MAX_CLIENT_STATE:
            raise ValueError(f"clientState is a secret of 1 to {MAX_CLIENT_STATE} characters")
        body = GraphSubscription(
            change_type=",".join(c.value for c in change_types),
            notification_url=self._notification_url,
            lifecycle_notification_url=self._lifecycle_url,
            resource=resource,
            expiration_date_time=expires_at.astimezone(UTC),
            client_state=client_state,
        )
        subscriptions = self._graph.client.subscriptions
        created = await self._graph.call(
            Operation.SUBSCRIBE_EVENTS, lambda: subscriptions.post(body)
        )
        return _subscription(created, client_state)

    async def renew(self, subscription_id: str, *, expires_at: datetime) -> Subscription:
        item = self._graph.client.subscriptions.by_subscription_id(subscription_id)
        body = GraphSubscription(expiration_date_time=expires_at.astimezone(UTC))
        renewed = await self._graph.call(Operation.SUBSCRIBE_EVENTS, lambda: item.patch(body))
        return _subscription(renewed, "")

    async def delete(self, subscription_id: str) -> None:
        item = self._graph.client.subscriptions.by_subscription_id(subscription_id)
        try:
            await self._graph.call(Operation.SUBSCRIBE_EVENTS, item.delete)
        except GraphNotFound:
            pass  # expired or removed already: the goal is reached

    async def keep_alive(
        self, current: Subscription, *, at: datetime, lifetime: timedelta, margin: timedelta
    ) -> Subscription:
        """Renew `current` when it expires within `margin`; recreate it when Graph has already
        dropped it (renewing a lapsed subscription answers 404)."""
        if not current.due_for_renewal(at=at, margin=margin):
            return current
        lifetime = min(lifetime, MAX_EVENT_SUBSCRIPTION)
        try:
            renewed = await self.renew(current.id, expires_at=at + lifetime)
        except GraphNotFound:
            return await self.create(
                current.resource,
                current.change_types,
                client_state=current.client_state,
                expires_at=at + lifetime,
            )
        return Subscription(
            id=renewed.id,
            resource=current.resource,
            change_types=current.change_types,
            expires_at=renewed.expires_at,
            notification_url=current.notification_url,
            lifecycle_url=current.lifecycle_url,
            client_state=current.client_state,
        )


def handle_notification_request(
    query: Mapping[str, str], body: bytes | str | None, expected_client_state: str
) -> tuple[int, str, list[ChangeNotification]]:
    """Answer an incoming request on the notification or lifecycle URL (pure; no I/O).

    - `?validationToken=...`: Graph checks the endpoint when a subscription is created or
      renewed; echo the (already URL-decoded) token as text/plain with 200 within 10 s.
    - Otherwise a JSON body `{"value": [...]}`: keep the items whose clientState matches
      (constant-time compare) and answer 202 quickly; the work happens in a job. When nothing
      matches the request is not from our subscriptions: 403, and nothing is returned.
    """
    token = query.get("validationToken")
    if token is not None:
        return 200, token, []
    try:
        payload: Any = json.loads(body or b"")
    except (ValueError, UnicodeDecodeError, RecursionError):  # nested too deep is no JSON here
        return 400, "body is not JSON", []
    items = payload.get("value") if isinstance(payload, dict) else None
    if not isinstance(items, list) or not items:
        return 400, "no notifications", []
    accepted: list[ChangeNotification] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        state = item.get("clientState")
        if not isinstance(state, str) or not hmac.compare_digest(
            state.encode(), expected_client_state.encode()
        ):
            continue
        resource_data = item.get("resourceData")
        lifecycle = item.get("lifecycleEvent")
        accepted.append(
            ChangeNotification(
                subscription_id=str(item.get("subscriptionId") or ""),
                change_type=str(lifecycle or item.get("changeType") or ""),
                resource=str(item.get("resource") or ""),
                resource_id=(
                    str(resource_data.get("id"))
                    if isinstance(resource_data, dict) and resource_data.get("id")
                    else None
                ),
                lifecycle_event=str(lifecycle) if lifecycle else None,
                tenant_id=str(item["tenantId"]) if item.get("tenantId") else None,
            )
        )
    if not accepted:
        return 403, "clientState does not match", []
    return 202, "", accepted


def _subscription(found: GraphSubscription | None, client_state: str) -> Subscription:
    if found is None or not found.id or found.expiration_date_time is None:
        raise GraphRejected(status=None, detail="subscription answered without id or expiry")
    expires = found.expiration_date_time
    if expires.tzinfo is None:
        expires = expires.replace(tzinfo=UTC)
    kinds = tuple(
        ChangeType(kind.strip())
        for kind in (found.change_type or "").split(",")
        if kind.strip() in {c.value for c in ChangeType}
    )
    return Subscription(
        id=found.id,
        resource=found.resource or "",
        change_types=kinds,
        expires_at=expires.astimezone(UTC),
        notification_url=found.notification_url or "",
        lifecycle_url=found.lifecycle_notification_url,
        client_state=client_state or found.client_state or "",
    )
