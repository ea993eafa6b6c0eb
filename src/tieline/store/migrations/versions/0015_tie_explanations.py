"""each cached tie score keeps its explanation, so `model explain` reads one row instead of the history

Rows cached before this keep NULL and are explained by scoring the tie again (which fills theirs);
`tieline model rescore` fills them all. Adding a nullable column rewrites no table on either backend.

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tie_scores", sa.Column("explanation", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tie_scores") as batch_op:
        batch_op.drop_column("explanation")
