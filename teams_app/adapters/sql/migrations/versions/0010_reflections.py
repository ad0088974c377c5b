"""Reflection rounds: rounds, who was asked, reflections and follow-ups (docs/reflections.md).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from teams_app.adapters.sql.tables import UtcDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reflection_rounds",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("source_key", sa.String(400), nullable=False, unique=True),
        sa.Column("conversation_id", sa.String(400), nullable=True),
        sa.Column("organiser_id", sa.String(128), nullable=True),
        sa.Column("form_key", sa.String(40), nullable=False),
        sa.Column("form_version", sa.Integer, nullable=False),
        sa.Column("opened_at", UtcDateTime, nullable=False),
        sa.Column("closes_at", UtcDateTime, nullable=False),
        sa.Column("k", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("summary_outcome", sa.String(64), nullable=True),
    )
    op.create_index("ix_reflection_rounds_state_closes_at", "reflection_rounds",
                    ["state", "closes_at"])
    op.create_index("ix_reflection_rounds_conversation_id_state", "reflection_rounds",
                    ["conversation_id", "state"])
    op.create_index("ix_reflection_rounds_organiser_id", "reflection_rounds", ["organiser_id"])
    op.create_table(
        "reflection_participants",
        sa.Column("round_id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(128), primary_key=True),
        sa.Column("sent_at", UtcDateTime, nullable=True),
        sa.Column("reminded", sa.Boolean, nullable=False),
        sa.Column("answered", sa.Boolean, nullable=False),
        sa.Column("unreachable", sa.String(32), nullable=True),
    )
    op.create_index("ix_reflection_participants_person_id", "reflection_participants",
                    ["person_id"])
    op.create_table(
        "reflections",
        sa.Column("reflection_key", sa.String(36), primary_key=True),
        sa.Column("round_id", sa.String(36), nullable=False),
        sa.Column("sharing", sa.String(16), nullable=False),
        sa.Column("form_key", sa.String(40), nullable=False),
        sa.Column("form_version", sa.Integer, nullable=False),
        sa.Column("person_id", sa.String(128), nullable=True),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("submitted_at", UtcDateTime, nullable=False),
        sa.Column("late", sa.Boolean, nullable=False),
        sa.Column("exported", sa.Boolean, nullable=False),
        sqlite_with_rowid=False,  # no order of arrival (see reflection_tables.py)
    )
    op.create_index("ix_reflections_round_id", "reflections", ["round_id"])
    op.create_index("ix_reflections_person_id", "reflections", ["person_id"])
    op.create_index("ix_reflections_exported", "reflections", ["exported"])
    op.create_table(
        "reflection_follow_ups",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("person_id", sa.String(128), nullable=False),
        sa.Column("round_id", sa.String(36), nullable=False),
        sa.Column("reflection_key", sa.String(36), nullable=False, unique=True),
        sa.Column("action", sa.String(300), nullable=False),
        sa.Column("action_by", sa.Date, nullable=True),
        sa.Column("planned_on", sa.Date, nullable=False),
        sa.Column("due_at", UtcDateTime, nullable=False),
        sa.Column("ask", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("applied", sa.String(16), nullable=True),
        sa.Column("answers", sa.JSON, nullable=True),
        sa.Column("answered_at", UtcDateTime, nullable=True),
        sa.Column("exported", sa.Boolean, nullable=False),
    )
    op.create_index("ix_reflection_follow_ups_person_id", "reflection_follow_ups",
                    ["person_id"])
    op.create_index("ix_reflection_follow_ups_round_id", "reflection_follow_ups", ["round_id"])
    op.create_index("ix_reflection_follow_ups_state_due_at", "reflection_follow_ups",
                    ["state", "due_at"])
    op.create_index("ix_reflection_follow_ups_exported", "reflection_follow_ups", ["exported"])


def downgrade() -> None:
    op.drop_table("reflection_follow_ups")
    op.drop_table("reflections")
    op.drop_table("reflection_participants")
    op.drop_table("reflection_rounds")
