"""The person_languages store on SQLite and PostgreSQL: what a person did in Teams outranks what
their mailbox says; and revision 0006 starts it from each personal chat's locale."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from teams_app.adapters.sql.engine import create_engine, upgrade
from teams_app.adapters.sql.tables import conversations  # unchanged since 0001
from teams_app.adapters.sql.uow import SqlUnitOfWork
from teams_app.domain.languages import LanguageSource
from tests.fakes import FakeClock

AT = datetime(2026, 3, 2, 9, tzinfo=UTC)


async def test_activity_outranks_the_mailbox_and_the_mailbox_refreshes_itself(
    engine: AsyncEngine,
) -> None:
    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, FakeClock(AT), job_max_attempts=3)

    later = AT + timedelta(days=8)
    async with uow() as tx:
        await tx.languages.read_from_mailboxes({"ann": "sv-SE", "bob": None, "cem": "de"}, at=AT)
        await tx.languages.spoke("ann", "nl-NL", at=AT)
        await tx.commit()
    async with uow() as tx:
        await tx.languages.read_from_mailboxes({"ann": "de-DE", "bob": "en-GB"}, at=later)
        await tx.commit()
    async with uow() as tx:
        ann, bob = await tx.languages.get("ann"), await tx.languages.get("bob")
        cem, nobody = await tx.languages.get("cem"), await tx.languages.get("dan")
    assert ann is not None and (ann.locale, ann.source, ann.at) == \
        ("nl-NL", LanguageSource.ACTIVITY, AT)
    assert bob is not None and (bob.locale, bob.source, bob.at) == \
        ("en-GB", LanguageSource.MAILBOX, later)
    assert cem is not None and cem.locale == "de" and nobody is None


async def test_revision_0006_starts_from_each_personal_chats_locale(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade(engine, "0005")
        rows = [
            ("a:1", "personal", "ann", "sv_se", AT),
            ("a:2", "personal", "ann", "nl-NL", AT + timedelta(hours=1)),  # her latest chat
            ("a:3", "personal", "bob", "fr-FR", AT),  # none the cards speak
            ("a:4", "groupChat", "cem", "de-DE", AT),  # a group's locale is nobody's
            ("a:5", "personal", "dan", None, AT),
        ]
        async with engine.begin() as connection:
            for conversation_id, kind, user, locale, at in rows:
                await connection.execute(conversations.insert().values(
                    conversation_id=conversation_id, kind=kind, user_id=user,
                    channel_id="msteams", service_url="https://smba.example/", locale=locale,
                    reference={}, created_at=at, updated_at=at))
        await upgrade(engine)
        async with engine.connect() as connection:
            found = (await connection.execute(sa.text(
                "SELECT user_id, locale, source FROM person_languages ORDER BY user_id"))).all()
        assert [tuple(r) for r in found] == [("ann", "nl-NL", "activity")]
    finally:
        await engine.dispose()
