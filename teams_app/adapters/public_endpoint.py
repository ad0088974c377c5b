"""Asks the service's public address whether it is ready (GET /readyz), for the doctor."""

from __future__ import annotations

import aiohttp

from teams_app.ports.doctor import EndpointUnreachable, Readiness

SECONDS = 10.0


class HttpPublicEndpoint:
    async def readiness(self, base_url: str) -> Readiness:
        url = f"{base_url.rstrip('/')}/readyz"
        timeout = aiohttp.ClientTimeout(total=SECONDS)
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session, \
                    session.get(url, allow_redirects=False) as response:
                try:
                    body = await response.json(content_type=None)
                except ValueError:
                    body = None
                ready = isinstance(body, dict) and body.get("ready") is True
                return Readiness(status=response.status, ready=ready)
        except TimeoutError:
            raise EndpointUnreachable(f"no answer within {SECONDS:g} s") from None
        except aiohttp.ClientError as error:
            raise EndpointUnreachable(f"{type(error).__name__}: {error}") from None
