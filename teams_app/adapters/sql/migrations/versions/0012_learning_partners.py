"""Learning partners: a plan's pairings, their groups, and the coaching check-ins.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from teams_app.adapters.sql.tables import UtcDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partner_pairings",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("every_weeks", sa.Integer, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("chosen", sa.Boolean, nullable=False),
        sa.Column("cycle", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.create_index("ix_partner_pairings_plan_id", "partner_pairings", ["plan_id"])
    op.create_index("ix_partner_pairings_active", "partner_pairings", ["active"])
    op.create_table(
        "partner_groups",
        sa.Column("pairing_id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(128), primary_key=True),
        sa.Column("group_no", sa.Integer, nullable=False),
    )
    op.create_index("ix_partner_groups_person_id", "partner_groups", ["person_id"])
    op.create_table(
        "partner_checkins",
        sa.Column("pairing_id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(128), primary_key=True),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("due_at", UtcDateTime, nullable=False),
        sa.Column("sent_at", UtcDateTime, nullable=True),
        sa.Column("unreachable", sa.String(32), nullable=True),
        sa.Column("answered_at", UtcDateTime, nullable=True),
        sa.Column("went", sa.String(1000), nullable=True),
        sa.Column("would_help", sa.String(1000), nullable=True),
    )
    op.create_index("ix_partner_checkins_person_id", "partner_checkins", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_partner_checkins_person_id", table_name="partner_checkins")
    op.drop_table("partner_checkins")
    op.drop_index("ix_partner_groups_person_id", table_name="partner_groups")
    op.drop_table("partner_groups")
    op.drop_index("ix_partner_pairings_active", table_name="partner_pairings")
    op.drop_index("ix_partner_pairings_plan_id", table_name="partner_pairings")
    op.drop_table("partner_pairings")
