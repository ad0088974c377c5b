"""Foundation: conversation references, jobs, schedules, deliveries, local clock.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

from teams_app.adapters.sql.tables import UtcDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("conversation_id", sa.String(512), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=True),
        sa.Column("tenant_id", sa.String(64), nullable=True),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("service_url", sa.String(512), nullable=False),
        sa.Column("locale", sa.String(16), nullable=True),
        sa.Column("reference", sa.JSON, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_conversations_user_id", "conversations", ["user_id"])
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("kind", sa.String(100), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("idempotency_key", sa.String(255), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("run_at", UtcDateTime, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("max_attempts", sa.Integer, nullable=False),
        sa.Column("lease_owner", sa.String(128), nullable=True),
        sa.Column("lease_expires_at", UtcDateTime, nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("finished_at", UtcDateTime, nullable=True),
        sa.UniqueConstraint("idempotency_key", name="uq_jobs_idempotency_key"),
    )
    op.create_index("ix_jobs_state_run_at", "jobs", ["state", "run_at"])
    op.create_table(
        "schedules",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("kind", sa.String(100), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("interval_seconds", sa.Float, nullable=False),
        sa.Column("next_run_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "deliveries",
        sa.Column("delivery_key", sa.String(255), primary_key=True),
        sa.Column("conversation_id", sa.String(512), nullable=False),
        sa.Column("activity_id", sa.String(255), nullable=True),
        sa.Column("sent_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "clock_offsets",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("offset_seconds", sa.Float, nullable=False),
    )


def downgrade() -> None:
    for table in ("clock_offsets", "deliveries", "schedules", "jobs", "conversations"):
        op.drop_table(table)
