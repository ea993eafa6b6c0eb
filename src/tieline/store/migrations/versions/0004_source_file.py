"""the file each handle and position came from (provenance when one import reads several)

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("handles", "positions"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("source_file", sa.String(length=500), nullable=True))


def downgrade() -> None:
    for table in ("handles", "positions"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("source_file")
