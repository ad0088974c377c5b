"""Results in SharePoint: the outbox (`sharepoint_outbox`), where provisioning put each list
(`sharepoint_lists`) and the lease that keeps one drain at a time (`sharepoint_drain`).

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from teams_app.adapters.sql.tables import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sharepoint_outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("list_kind", sa.String(32), nullable=False),
        sa.Column("item_key", sa.String(255), nullable=False),
        sa.Column("fields", sa.JSON, nullable=False),
        sa.Column("enqueued_at", UtcDateTime, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.Column("written_at", UtcDateTime, nullable=True),
    )
    op.create_index("ix_sharepoint_outbox_state_id", "sharepoint_outbox", ["state", "id"])
    op.create_index("ix_sharepoint_outbox_list_kind_item_key", "sharepoint_outbox",
                    ["list_kind", "item_key"])
    op.create_table(
        "sharepoint_lists",
        sa.Column("list_kind", sa.String(32), primary_key=True),
        sa.Column("site_id", sa.String(255), nullable=False),
        sa.Column("list_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("key_column", sa.String(64), nullable=False),
        sa.Column("indexed", sa.JSON, nullable=False),
        sa.Column("columns", sa.JSON, nullable=False),
        sa.Column("provisioned_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "sharepoint_drain",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sharepoint_drain")
    op.drop_table("sharepoint_lists")
    op.drop_index("ix_sharepoint_outbox_list_kind_item_key", "sharepoint_outbox")
    op.drop_index("ix_sharepoint_outbox_state_id", "sharepoint_outbox")
    op.drop_table("sharepoint_outbox")
