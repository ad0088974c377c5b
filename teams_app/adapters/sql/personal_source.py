"""The shape most personal-data sources share: `describe` and `export` read the same holdings,
the export with every detail (the answers themselves), the description with counts and where."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from teams_app.domain.privacy import Holding


class HoldingsSource:
    source: str

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def describe(self, person_id: str) -> list[Holding]:
        return await self._holdings(person_id, details=False)

    async def export(self, person_id: str) -> list[Holding]:
        return await self._holdings(person_id, details=True)

    async def _holdings(self, person_id: str, *, details: bool) -> list[Holding]:
        raise NotImplementedError
