"""Learning partners of a reflection round: a pairing is of a plan or of a round (exactly one),
and a round pairing's "your partners" card that reached nobody keeps why.

Only adds for one release: plan_id becomes nullable (the previous release always sets it), the
new columns are nullable, and the check lets every row the previous release writes.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

ONE_SOURCE = "(plan_id IS NULL) <> (round_id IS NULL)"


def upgrade() -> None:
    # SQLite alters a column or adds a check only by copying the table (batch mode).
    with op.batch_alter_table("partner_pairings") as batch:
        batch.add_column(sa.Column("round_id", sa.String(36), nullable=True))
        batch.alter_column("plan_id", existing_type=sa.String(36), nullable=True)
        batch.create_check_constraint("ck_partner_pairings_one_source", ONE_SOURCE)
    op.create_index("ix_partner_pairings_round_id", "partner_pairings", ["round_id"])
    with op.batch_alter_table("partner_groups") as batch:
        batch.add_column(sa.Column("unreachable", sa.String(32), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM partner_checkins WHERE pairing_id IN "
               "(SELECT id FROM partner_pairings WHERE round_id IS NOT NULL)")
    op.execute("DELETE FROM partner_groups WHERE pairing_id IN "
               "(SELECT id FROM partner_pairings WHERE round_id IS NOT NULL)")
    op.execute("DELETE FROM partner_pairings WHERE round_id IS NOT NULL")
    with op.batch_alter_table("partner_groups") as batch:
        batch.drop_column("unreachable")
    op.drop_index("ix_partner_pairings_round_id", table_name="partner_pairings")
    with op.batch_alter_table("partner_pairings") as batch:
        batch.drop_constraint("ck_partner_pairings_one_source", type_="check")
        batch.alter_column("plan_id", existing_type=sa.String(36), nullable=False)
        batch.drop_column("round_id")
