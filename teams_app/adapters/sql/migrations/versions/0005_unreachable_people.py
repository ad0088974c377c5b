"""Who the bot cannot reach in Teams and why (`unreachable_people`), so a plan's owner sees it.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from teams_app.adapters.sql.tables import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unreachable_people",
        sa.Column("user_id", sa.String(128), primary_key=True),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("since", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("unreachable_people")
