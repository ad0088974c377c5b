"""A slot made by an edit starts its series at the edit (`plan_slots.since`): the sessions
before it stay with the older revision's series, so an edit never rewrites the past.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

from teams_app.adapters.sql.tables import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan_slots") as table:
        table.add_column(sa.Column("since", UtcDateTime, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("plan_slots") as table:
        table.drop_column("since")
