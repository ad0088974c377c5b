"""Authentication of inbound Bot Connector requests.

Follows Microsoft's "authenticate requests from the Bot Connector service" rules: a bearer JWT
signed with a key from the connector's OpenID metadata, issuer and audience checked, expiry with
five minutes of clock skew, the key endorsed for the activity's channel, and the serviceUrl
claim matching the activity. The metadata address is a setting, so tests serve their own keys
and exercise this same code."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
import jwt
import structlog

log = structlog.get_logger()

CLOCK_SKEW_SECONDS = 300
_KEYS_TTL_SECONDS = 24 * 3600
_MIN_REFRESH_INTERVAL_SECONDS = 300  # an unknown kid may be a rotation, but not every request


class Unauthorized(Exception):
    """The request is not from the Bot Connector for this bot. The reason is logged, not sent."""


@dataclass(frozen=True)
class VerifiedToken:
    claims: dict[str, Any]
    token: str


class ConnectorKeys:
    """Signing keys from the OpenID metadata, cached and refreshed on rotation."""

    def __init__(self, metadata_url: str, *, timeout: float = 10.0) -> None:
        self._metadata_url = metadata_url
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._keys: dict[str, tuple[jwt.PyJWK, list[str]]] = {}
        # None until the first fetch: monotonic time starts near zero on a fresh boot, so a
        # zero here would look like a fetch that just happened.
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> tuple[jwt.PyJWK, list[str]]:
        if self._fetched_at is None or time.monotonic() - self._fetched_at > _KEYS_TTL_SECONDS:
            await self._refresh(force=True)
        if kid not in self._keys:
            await self._refresh(force=False)
        try:
            return self._keys[kid]
        except KeyError:
            raise Unauthorized("unknown signing key") from None

    async def _refresh(self, *, force: bool) -> None:
        async with self._lock:
            recently = (
                self._fetched_at is not None
                and time.monotonic() - self._fetched_at < _MIN_REFRESH_INTERVAL_SECONDS
            )
            if not force and recently:
                return
            try:
                async with aiohttp.ClientSession(timeout=self._timeout) as session:
                    async with session.get(self._metadata_url) as response:
                        response.raise_for_status()
                        metadata = await response.json(content_type=None)
                    jwks_uri = metadata.get("jwks_uri") if isinstance(metadata, dict) else None
                    if not isinstance(jwks_uri, str):
                        raise ValueError("the OpenID metadata names no jwks_uri")
                    async with session.get(jwks_uri) as response:
                        response.raise_for_status()
                        jwks = await response.json(content_type=None)
                entries = jwks.get("keys") if isinstance(jwks, dict) else None
                if not isinstance(entries, list):
                    raise ValueError("the key set has no list of keys")
            except (aiohttp.ClientError, TimeoutError, ValueError) as error:
                # A key set of the wrong shape is an outage of the keys, not of this service.
                log.error("openid_metadata_unavailable", error_type=type(error).__name__)
                if not self._keys:
                    raise Unauthorized("signing keys unavailable") from None
                return
            keys: dict[str, tuple[jwt.PyJWK, list[str]]] = {}
            for entry in entries:
                try:
                    endorsements = entry.get("endorsements", [])
                    if not isinstance(entry["kid"], str) or not isinstance(endorsements, list):
                        continue
                    keys[entry["kid"]] = (jwt.PyJWK(entry), [str(e) for e in endorsements])
                except (KeyError, TypeError, ValueError, AttributeError, jwt.PyJWTError):
                    continue  # one unusable key (no n or e, a list, ...) spoils no other
            self._keys = keys
            self._fetched_at = time.monotonic()


class ConnectorAuthenticator:
    def __init__(self, *, app_id: str, issuers: list[str], keys: ConnectorKeys) -> None:
        self._app_id = app_id
        self._issuers = issuers
        self._keys = keys

    async def verify(
        self, authorization: str | None, *, channel_id: str | None, service_url: str | None
    ) -> VerifiedToken:
        if not authorization:
            raise Unauthorized("no authorization header")
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token or " " in token:
            raise Unauthorized("not a bearer token")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthorized("malformed token") from None
        if header.get("alg") != "RS256" or not isinstance(header.get("kid"), str):
            raise Unauthorized("unexpected token algorithm")
        key, endorsements = await self._keys.key(header["kid"])
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=["RS256"],
                audience=self._app_id,
                issuer=self._issuers,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as error:
            raise Unauthorized(type(error).__name__) from None
        # One audience, this bot: a token also meant for another service is not ours to take.
        if claims.get("aud") != self._app_id:
            raise Unauthorized("audience is not this bot alone")
        if channel_id and endorsements and channel_id not in endorsements:
            raise Unauthorized("key not endorsed for channel")
        # The connector names where it expects the answer; without that claim the bot would
        # send its own token wherever the activity says (Microsoft's validation requires it).
        claimed_url = claims.get("serviceurl", claims.get("serviceUrl"))
        if not isinstance(claimed_url, str) or not claimed_url.strip():
            raise Unauthorized("no serviceUrl claim")
        if not service_url or claimed_url.rstrip("/") != service_url.rstrip("/"):
            raise Unauthorized("serviceUrl mismatch")
        return VerifiedToken(claims=claims, token=token)
