"""marks on the ties whose summary, score or text-index row is out of date; an index on model versions

Reads used to look for ties needing a summary or a score by joining every person against the
summaries and the scores. Writers now mark what they changed (stale_ties), so a read touches only
the marked rows. Ties already missing a summary or a score are marked once here, and the text index
is rebuilt whole once (it is kept up to date person by person from now on).

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stale_ties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("scores", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name="fk_stale_ties_account_id_accounts", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_stale_ties"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_stale_ties_account", "stale_ties", ["account_id", "id"])
    op.create_index("ix_tie_scores_account_version", "tie_scores", ["account_id", "model_version"])
    op.execute(
        "INSERT INTO stale_ties (account_id, person_id, batch_id, scores, text) "
        "SELECT p.account_id, p.id, NULL, true, false FROM people p "
        "LEFT JOIN tie_summaries s ON s.account_id = p.account_id AND s.person_id = p.id "
        "LEFT JOIN tie_scores c ON c.account_id = p.account_id AND c.person_id = p.id "
        "WHERE s.id IS NULL OR c.id IS NULL"
    )
    op.execute("DELETE FROM text_index_state")


def downgrade() -> None:
    op.drop_index("ix_tie_scores_account_version", table_name="tie_scores")
    op.drop_index("ix_stale_ties_account", table_name="stale_ties")
    op.drop_table("stale_ties")
