"""SQL store of each person's language (ports.PersonLanguageStore)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from teams_app.adapters.sql.dialects import insert_for
from teams_app.adapters.sql.tables import person_languages
from teams_app.domain.languages import LanguageSource, PersonLanguage


class SqlPersonLanguageStore:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def get(self, user_id: str) -> PersonLanguage | None:
        row = (
            await self._connection.execute(
                select(person_languages).where(person_languages.c.user_id == user_id)
            )
        ).mappings().first()
        if row is None:
            return None
        return PersonLanguage(
            row["user_id"], row["locale"], LanguageSource(row["source"]), row["updated_at"]
        )

    async def spoke(self, user_id: str, locale: str, *, at: datetime) -> None:
        insert = insert_for(self._connection)(person_languages).values(
            user_id=user_id, locale=locale, source=LanguageSource.ACTIVITY.value, updated_at=at
        )
        await self._connection.execute(
            insert.on_conflict_do_update(
                index_elements=["user_id"],
                set_={"locale": locale, "source": LanguageSource.ACTIVITY.value,
                      "updated_at": at},
            )
        )

    async def spoke_all(self, locales: Mapping[str, str], *, at: datetime) -> None:
        if not locales:
            return
        insert = insert_for(self._connection)(person_languages)
        await self._connection.execute(
            insert.on_conflict_do_update(
                index_elements=["user_id"],
                set_={"locale": insert.excluded.locale, "source": insert.excluded.source,
                      "updated_at": insert.excluded.updated_at},
            ),
            [
                {"user_id": user, "locale": locale, "source": LanguageSource.ACTIVITY.value,
                 "updated_at": at}
                for user, locale in locales.items()
            ],
        )

    async def read_from_mailboxes(
        self, locales: Mapping[str, str | None], *, at: datetime
    ) -> None:
        if not locales:
            return
        insert = insert_for(self._connection)(person_languages)
        mailbox = LanguageSource.MAILBOX.value
        await self._connection.execute(
            insert.on_conflict_do_update(
                index_elements=["user_id"],
                set_={"locale": insert.excluded.locale, "updated_at": insert.excluded.updated_at},
                # What the person did in Teams outranks what their mailbox says.
                where=person_languages.c.source == mailbox,
            ),
            [
                {"user_id": user, "locale": locale, "source": mailbox, "updated_at": at}
                for user, locale in locales.items()
            ],
        )
