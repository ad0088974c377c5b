"""The web entry point for Microsoft Graph change and lifecycle notifications (thin): answer
the validation handshake, check the clientState, queue scans, and answer 202 at once."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import structlog
from aiohttp import web

from teams_app.domain.calendar import ChangeNotification
from teams_app.ports.services import Services
from teams_app.use_cases.defend.watch import notice_changes
from teams_app.web.app import read_body

log = structlog.get_logger()

NOTIFICATIONS_PATH = "/api/graph/notifications"
LIFECYCLE_PATH = "/api/graph/lifecycle"
_MAX_BODY = 1_000_000  # Graph batches notifications; far below this

# (query, body, expected clientState) -> (status, text, accepted notifications)
NotificationParser = Callable[
    [Mapping[str, str], bytes, str], tuple[int, str, list[ChangeNotification]]
]


def add_notification_routes(
    app: web.Application, services: Services, parse: NotificationParser
) -> None:
    secret = services.settings.graph_notification_secret or ""

    async def receive(request: web.Request) -> web.Response:
        if request.content_length is not None and request.content_length > _MAX_BODY:
            return web.Response(status=413)
        body = (
            await read_body(request, services.settings.body_read_seconds)
            if request.can_read_body else b""
        )
        if body is None:
            return web.Response(status=408)
        status, text, accepted = parse(request.query, body, secret)
        queued = 0
        if accepted:
            queued = await notice_changes(accepted, uow=services.uow, clock=services.clock)
        log.info("graph_notifications", status=status, items=len(accepted), queued=queued)
        if status == 200:  # the validation handshake: echo the token as plain text
            # ... which must never be sniffed into HTML: the token is whatever the caller sent.
            return web.Response(text=text, content_type="text/plain",
                                headers={"X-Content-Type-Options": "nosniff"})
        return web.Response(status=status)

    app.router.add_post(NOTIFICATIONS_PATH, receive)
    app.router.add_post(LIFECYCLE_PATH, receive)
