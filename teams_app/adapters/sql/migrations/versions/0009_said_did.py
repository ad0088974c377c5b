""""You said, we did": what a campaign's owner tells everyone asked, and how many it reached.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from teams_app.adapters.sql.tables import UtcDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaign_said_did",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("campaign_id", sa.String(36), nullable=False),
        sa.Column("text", sa.String(2000), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("sent", sa.Integer, nullable=False),
        sa.Column("unreachable", sa.Integer, nullable=False),
    )
    op.create_index("ix_campaign_said_did_campaign_id", "campaign_said_did", ["campaign_id"])


def downgrade() -> None:
    op.drop_index("ix_campaign_said_did_campaign_id", table_name="campaign_said_did")
    op.drop_table("campaign_said_did")
