"""What the service keeps to reach a person, as personal data: their language, their chats
with the bot, and why they could not be reached. Not significant for an erase confirmation
(every turn may change them); erased with the rest, and kept again on their next message."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncConnection

from teams_app.adapters.sql.tables import conversations, person_languages, unreachable_people
from teams_app.domain.privacy import Erased, Holding


class SqlLanguageData:
    source = "languages"

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def describe(self, person_id: str) -> list[Holding]:
        rows = (await self._connection.execute(select(person_languages).where(
            person_languages.c.user_id == person_id))).mappings().all()
        return [Holding(self.source, "language", person_id, r["updated_at"], significant=False,
                        details={"locale": r["locale"], "source": r["source"]})
                for r in rows]

    async def export(self, person_id: str) -> list[Holding]:
        return await self.describe(person_id)

    async def erase(self, person_id: str, *, at: datetime) -> Erased:
        removed = (await self._connection.execute(delete(person_languages).where(
            person_languages.c.user_id == person_id))).rowcount
        return Erased({"languages": removed})

    async def expire(self, before: datetime, *, at: datetime) -> Erased:
        return Erased()


class SqlConversationData:
    source = "conversations"

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def describe(self, person_id: str) -> list[Holding]:
        rows = (await self._connection.execute(select(conversations).where(
            conversations.c.user_id == person_id))).mappings().all()
        return [Holding(self.source, "chat", r["conversation_id"], r["updated_at"],
                        significant=False,
                        details={"kind": r["kind"], "locale": r["locale"],
                                 "created_at": r["created_at"].isoformat()})
                for r in rows]

    async def export(self, person_id: str) -> list[Holding]:
        return await self.describe(person_id)

    async def erase(self, person_id: str, *, at: datetime) -> Erased:
        removed = (await self._connection.execute(delete(conversations).where(
            conversations.c.user_id == person_id))).rowcount
        return Erased({"chats": removed})

    async def expire(self, before: datetime, *, at: datetime) -> Erased:
        return Erased()


class SqlReachData:
    source = "reach"

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def describe(self, person_id: str) -> list[Holding]:
        rows = (await self._connection.execute(select(unreachable_people).where(
            unreachable_people.c.user_id == person_id))).mappings().all()
        return [Holding(self.source, "unreachable", person_id, r["since"], significant=False,
                        details={"reason": r["reason"]}) for r in rows]

    async def export(self, person_id: str) -> list[Holding]:
        return await self.describe(person_id)

    async def erase(self, person_id: str, *, at: datetime) -> Erased:
        removed = (await self._connection.execute(delete(unreachable_people).where(
            unreachable_people.c.user_id == person_id))).rowcount
        return Erased({"unreachable": removed})

    async def expire(self, before: datetime, *, at: datetime) -> Erased:
        return Erased()
