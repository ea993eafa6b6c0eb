"""on PostgreSQL, the index of interactions by kind holds only the ones that are not conversations

Every query that asks for interactions by kind asks for favours, tidbits or introductions (a person's
favours, what is owed, the giving in `health`); none asks for conversations, which are nearly every row:
each message of a group chat and each mail added an entry nobody reads, filled half (a time-ordered
insert into the middle of an index splits its pages in two). At 200,000 group messages that was 16 MB of
the chat's 122 MB on PostgreSQL, a quarter of its export's size. PostgreSQL proves that `kind = 'intro'`
(or `kind IN (...)` of such kinds) falls inside `kind <> 'conversation'` and reads the small index as before.
SQLite cannot match `kind = ?` to a partial index, so it keeps the whole one (its plans are pinned by
tests/core/test_schema.py).

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

NAME = "ix_interactions_account_kind"
COLUMNS = ["account_id", "kind", "happened_at"]


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(NAME, table_name="interactions")
    op.create_index(NAME, "interactions", COLUMNS, postgresql_where=sa.text("kind <> 'conversation'"))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index(NAME, table_name="interactions")
    op.create_index(NAME, "interactions", COLUMNS)
