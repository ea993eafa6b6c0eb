"""merges made by an import: why, and which batch (undoing the batch takes them back)

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("merges") as batch_op:
        batch_op.add_column(sa.Column("reason", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_merges_batch_id_batches"), "batches", ["batch_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("merges") as batch_op:
        batch_op.drop_constraint(op.f("fk_merges_batch_id_batches"), type_="foreignkey")
        batch_op.drop_column("batch_id")
        batch_op.drop_column("reason")
