"""a full-text index of what is known about each person, for `tieline who`

SQLite: an FTS5 table (BM25 ranking, Porter stemming). PostgreSQL: a table with a weighted tsvector and a
GIN index (ts_rank_cd). Either is derived data, rebuilt from people, positions, tags, notes and subjects
whenever they change (see tieline.insight.textindex); neither is described in tables.py because the two
backends' forms differ.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

FIELDS = ("name", "work", "tags", "notes", "met", "subjects")


def upgrade() -> None:
    op.create_table(
        "text_index_state",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_text_index_state_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_text_index_state")),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE person_text USING fts5("
            "person_id UNINDEXED, account_id UNINDEXED, "
            + ", ".join(FIELDS)
            + ", tokenize='porter unicode61')"
        )
        return
    op.execute(
        "CREATE TABLE person_text (person_id integer PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE, "
        "account_id integer NOT NULL, "
        + ", ".join(f"{f} text" for f in FIELDS)
        + ", document tsvector NOT NULL)"
    )
    op.execute("CREATE INDEX ix_person_text_document ON person_text USING gin (document)")
    op.execute("CREATE INDEX ix_person_text_account ON person_text (account_id)")


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS person_text")
    op.drop_table("text_index_state")
