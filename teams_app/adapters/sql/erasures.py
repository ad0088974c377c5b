"""The erasure log and the privacy keys (ports.ErasureLog), on the unit of work's connection."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from teams_app.adapters.sql.dialects import insert_for
from teams_app.adapters.sql.privacy_tables import privacy_erasures, privacy_keys
from teams_app.ports.privacy import Erasure

_KEY_BYTES = 32


class SqlErasureLog:
    def __init__(self, connection: AsyncConnection, configured_key: bytes | None) -> None:
        self._connection = connection
        self._configured = configured_key

    async def record(self, erasure: Erasure) -> None:
        await self._connection.execute(privacy_erasures.insert().values(
            at=erasure.at, by=erasure.by, person_hash=erasure.person_hash,
            counts=dict(erasure.counts)))

    async def recent(self, limit: int) -> list[Erasure]:
        rows = (await self._connection.execute(
            select(privacy_erasures).order_by(privacy_erasures.c.id.desc()).limit(limit)
        )).mappings().all()
        return [Erasure(r["at"], r["by"], r["person_hash"], r["counts"]) for r in rows]

    async def key(self, name: str) -> bytes:
        if self._configured is not None:
            return hmac.new(self._configured, name.encode(), hashlib.sha256).digest()
        # Made once by whichever process asks first; the others read the same row.
        await self._connection.execute(insert_for(self._connection)(privacy_keys).values(
            name=name, secret=secrets.token_bytes(_KEY_BYTES)).on_conflict_do_nothing())
        return (await self._connection.execute(select(privacy_keys.c.secret).where(
            privacy_keys.c.name == name))).scalar_one()
