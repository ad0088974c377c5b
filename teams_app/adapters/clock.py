"""Clocks. Production reads the system clock; local mode adds an offset kept in the database,
so the web process, the workers and the CLI all agree on how far "now" has been moved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from teams_app.adapters.sql.dialects import insert_for
from teams_app.adapters.sql.engine import reading, writing
from teams_app.adapters.sql.tables import clock_offsets

_ROW = "local"


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class MovableClock:
    """System time plus an offset. Only moves forward, like time for the people using it."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    async def refresh(self) -> timedelta:
        async with reading(self._engine) as connection:
            stored = (
                await connection.execute(
                    select(clock_offsets.c.offset_seconds).where(clock_offsets.c.name == _ROW)
                )
            ).scalar()
        self.offset = timedelta(seconds=stored or 0.0)
        return self.offset

    async def advance(self, by: timedelta) -> datetime:
        if by < timedelta(0):
            raise ValueError("the clock only moves forward")
        async with writing(self._engine) as connection:
            await connection.execute(
                insert_for(connection)(clock_offsets)
                .values(name=_ROW, offset_seconds=0.0)
                .on_conflict_do_nothing(index_elements=["name"])
            )
            await connection.execute(
                update(clock_offsets)
                .where(clock_offsets.c.name == _ROW)
                .values(offset_seconds=clock_offsets.c.offset_seconds + by.total_seconds())
            )
        await self.refresh()
        return self.now()
