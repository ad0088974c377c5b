"""Each person's language for proactive cards (`person_languages`), started from the locale of
each person's personal chat, so nobody who wrote to the bot before changes language.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from teams_app.adapters.sql.tables import UtcDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# As domain/languages.py had them when this revision was written: a revision must not change
# what it does when the domain changes later.
_LANGUAGES = ("en", "sv", "nl", "de")


def _supported(locale: str | None) -> str | None:
    parts = [p.strip() for p in (locale or "").replace("_", "-").split("-")]
    language = parts[0].lower()
    if language not in _LANGUAGES:
        return None
    for part in parts[1:]:
        if (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            return f"{language}-{part.upper()}"
    return language


def upgrade() -> None:
    table = op.create_table(
        "person_languages",
        sa.Column("user_id", sa.String(128), primary_key=True),
        sa.Column("locale", sa.String(16), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    chats = sa.table(
        "conversations",
        sa.column("kind", sa.String),
        sa.column("user_id", sa.String),
        sa.column("locale", sa.String),
        sa.column("updated_at", UtcDateTime),
    )
    rows = op.get_bind().execute(
        sa.select(chats.c.user_id, chats.c.locale, chats.c.updated_at)
        .where(chats.c.kind == "personal", chats.c.user_id.is_not(None),
               chats.c.locale.is_not(None))
        .order_by(chats.c.updated_at)
    )
    latest: dict[str, dict[str, object]] = {}
    for user_id, locale, updated_at in rows:  # later chats overwrite earlier ones
        if (supported := _supported(locale)) is not None:
            latest[user_id] = {"user_id": user_id, "locale": supported, "source": "activity",
                               "updated_at": updated_at}
    if latest:
        op.bulk_insert(table, list(latest.values()))


def downgrade() -> None:
    op.drop_table("person_languages")
