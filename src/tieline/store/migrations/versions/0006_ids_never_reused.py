"""ids are never handed out twice: SQLite tables rebuilt with AUTOINCREMENT

Without it SQLite gives the id of a deleted row (the highest one) to the next row, so a before-image
kept for undo or unmerge could be written over somebody added later. PostgreSQL's sequences never
hand an id out twice already.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLES = (
    "accounts",
    "batches",
    "people",
    "handles",
    "positions",
    "notes",
    "tags",
    "interactions",
    "participants",
    "me_handles",
    "suppressions",
    "merge_candidates",
    "changes",
    "merges",
    "model_weights",
    "tie_scores",
    "review_decisions",
    "health_snapshots",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    # store/migrate.py turns foreign keys off around migrations: dropping the old table must not cascade.
    for table in TABLES:
        with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": True}):
            pass
    # Start each sequence above the highest id ever seen, as far as the rows still tell.
    for table in TABLES:
        op.execute(
            f"INSERT INTO sqlite_sequence (name, seq) SELECT '{table}', COALESCE(MAX(id), 0) FROM {table} "
            f"WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = '{table}')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(table, recreate="always"):
            pass
