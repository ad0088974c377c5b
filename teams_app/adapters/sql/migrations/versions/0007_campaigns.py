"""Campaigns (issue 12): campaigns, who was asked (prompts), and what was answered (responses),
kept apart so an anonymous answer cannot be joined to the person asked.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from teams_app.adapters.sql.tables import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("owner_id", sa.String(128), nullable=False),
        sa.Column("spec", sa.JSON, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("closes_at", UtcDateTime, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("closed_at", UtcDateTime, nullable=True),
    )
    op.create_index("ix_campaigns_owner_id", "campaigns", ["owner_id"])
    op.create_index("ix_campaigns_state", "campaigns", ["state"])
    op.create_table(
        "campaign_prompts",
        sa.Column("campaign_id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(128), primary_key=True),
        sa.Column("round", sa.String(40), primary_key=True),
        sa.Column("due_at", UtcDateTime, nullable=False),
        sa.Column("send_at", UtcDateTime, nullable=False),
        sa.Column("postponed", sa.Integer, nullable=False),
        sa.Column("sent_at", UtcDateTime, nullable=True),
        sa.Column("reminders_sent", sa.Integer, nullable=False),
        sa.Column("answered", sa.Boolean, nullable=False),
        sa.Column("unreachable", sa.String(32), nullable=True),
    )
    op.create_index("ix_campaign_prompts_person_id_send_at", "campaign_prompts",
                    ["person_id", "send_at"])
    op.create_index("ix_campaign_prompts_answered_sent_at", "campaign_prompts",
                    ["answered", "sent_at"])
    op.create_table(
        "campaign_responses",
        sa.Column("response_key", sa.String(36), primary_key=True),
        sa.Column("campaign_id", sa.String(36), nullable=False),
        sa.Column("form_key", sa.String(40), nullable=False),
        sa.Column("form_version", sa.Integer, nullable=False),
        sa.Column("person_id", sa.String(128), nullable=True),
        sa.Column("round", sa.String(40), nullable=True),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("submitted_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=True),
        sa.Column("exported", sa.Boolean, nullable=False),
        sqlite_with_rowid=False,  # no order of arrival (see campaign_tables.py)
    )
    op.create_index("ix_campaign_responses_campaign_id", "campaign_responses", ["campaign_id"])
    op.create_index("uq_campaign_responses_named", "campaign_responses",
                    ["campaign_id", "round", "person_id"], unique=True)


def downgrade() -> None:
    op.drop_table("campaign_responses")
    op.drop_table("campaign_prompts")
    op.drop_table("campaigns")
