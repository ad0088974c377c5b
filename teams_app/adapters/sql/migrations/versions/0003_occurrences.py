"""Defending booked learning time: occurrence outcomes, member decisions, collision cards sent,
calendar delta links, change-notification subscriptions and member cards nobody could receive.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from teams_app.adapters.sql.tables import UtcDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "slot_occurrences",
        sa.Column("plan_id", sa.String(36), primary_key=True),
        sa.Column("member_id", sa.String(128), primary_key=True),
        sa.Column("revision", sa.Integer, primary_key=True),
        sa.Column("occurrence_key", sa.String(16), primary_key=True),
        sa.Column("starts_at", UtcDateTime, nullable=False),
        sa.Column("ends_at", UtcDateTime, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("decision", sa.String(16), nullable=True),
        sa.Column("event_id", sa.String(512), nullable=True),
        sa.Column("decided_at", UtcDateTime, nullable=True),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "slot_collisions",
        sa.Column("plan_id", sa.String(36), primary_key=True),
        sa.Column("member_id", sa.String(128), primary_key=True),
        sa.Column("revision", sa.Integer, primary_key=True),
        sa.Column("collision_key", sa.String(600), primary_key=True),
        sa.Column("occurrence_key", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "calendar_scans",
        sa.Column("mailbox_id", sa.String(128), primary_key=True),
        sa.Column("delta_link", sa.Text, nullable=True),
        sa.Column("window_start", UtcDateTime, nullable=False),
        sa.Column("window_end", UtcDateTime, nullable=False),
        sa.Column("scanned_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "calendar_subscriptions",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("mailbox_id", sa.String(128), nullable=False),
        sa.Column("client_state", sa.String(128), nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
    )
    op.create_index(
        "ix_calendar_subscriptions_mailbox_id", "calendar_subscriptions", ["mailbox_id"]
    )
    op.create_table(
        "member_card_misses",
        sa.Column("delivery_key", sa.String(255), primary_key=True),
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("member_id", sa.String(128), nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_member_card_misses_plan_id", "member_card_misses", ["plan_id"])


def downgrade() -> None:
    for table in (
        "member_card_misses",
        "calendar_subscriptions",
        "calendar_scans",
        "slot_collisions",
        "slot_occurrences",
    ):
        op.drop_table(table)
