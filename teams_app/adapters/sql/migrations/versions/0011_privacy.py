"""A person's own data: outbox deletes, the erasure log, the privacy keys.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

from teams_app.adapters.sql.tables import UtcDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sharepoint_outbox") as batch:
        batch.add_column(sa.Column("operation", sa.String(8), nullable=False,
                                   server_default="upsert"))
    op.create_table(
        "privacy_erasures",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("by", sa.String(16), nullable=False),
        sa.Column("person_hash", sa.String(64), nullable=True),
        sa.Column("counts", sa.JSON, nullable=False),
    )
    op.create_index("ix_privacy_erasures_person_hash", "privacy_erasures", ["person_hash"])
    op.create_table(
        "privacy_keys",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("secret", sa.LargeBinary(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("privacy_keys")
    op.drop_index("ix_privacy_erasures_person_hash", table_name="privacy_erasures")
    op.drop_table("privacy_erasures")
    with op.batch_alter_table("sharepoint_outbox") as batch:
        batch.drop_column("operation")
