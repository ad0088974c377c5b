"""Keeping SharePoint calls inside the app's resource units before SharePoint has to say 429.

SharePoint sends RateLimit headers (IETF draft 03) to app-only callers from 80 % of their
resource units per minute on: `RateLimit-Remaining` units and `RateLimit-Reset` seconds until
more free up. Microsoft recommends pacing on them rather than running into 429s, which also
count against the limit ("Prevent throttling in your application by using RateLimit headers in
SharePoint Online"). When fewer units remain than a write costs, the next SharePoint request
waits for the reset. Retry-After on a 429 stays the retry handler's job.
"""

from __future__ import annotations

import asyncio
import time

import httpx
from kiota_http.middleware import BaseMiddleware

from teams_app.domain.backoff import retry_after_seconds

WRITE_COST = 2  # resource units of a create, update or delete (and of a query)
MAX_WAIT_SECONDS = 60.0  # a minute is the longest SharePoint's window can ask for


class SharePointPacing(BaseMiddleware):
    def __init__(self) -> None:
        super().__init__()
        self._resume_at = 0.0  # monotonic time before which SharePoint calls wait

    async def send(
        self, request: httpx.Request, transport: httpx.AsyncBaseTransport
    ) -> httpx.Response:
        sharepoint = "/sites" in request.url.path
        if sharepoint:
            wait = self._resume_at - time.monotonic()
            if wait > 0:
                await asyncio.sleep(min(wait, MAX_WAIT_SECONDS))
        response = await super().send(request, transport)
        if sharepoint:
            self._note(response.headers)
        return response

    def _note(self, headers: httpx.Headers) -> None:
        remaining = retry_after_seconds(headers.get("RateLimit-Remaining"))
        reset = retry_after_seconds(headers.get("RateLimit-Reset"))
        if remaining is not None and reset is not None and remaining < WRITE_COST:
            self._resume_at = max(self._resume_at,
                                  time.monotonic() + min(reset, MAX_WAIT_SECONDS))
