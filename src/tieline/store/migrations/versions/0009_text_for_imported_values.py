"""imported values are TEXT on PostgreSQL, as they always were in effect on SQLite

PostgreSQL enforced ``VARCHAR(n)`` where SQLite stores any length, so a WhatsApp line or a Messenger
field over 400 characters failed a whole file on one backend only. (NUL bytes are dropped on the way
in, by the ``Clean`` column type in tables.py.)

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

COLUMNS = {
    "people": ("name", "given_name", "family_name", "photo_ref", "source_key"),
    "handles": ("value", "label", "display_name", "source_key", "source_file"),
    "positions": ("organization", "title", "source_key", "source_file"),
    "notes": ("source_key",),
    "tags": ("tag",),
    "interactions": ("thread", "subject", "source_key"),
    "me_handles": ("value",),
    "suppressions": ("value",),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite keeps any length in any text column already
    for table, columns in COLUMNS.items():
        for column in columns:
            op.alter_column(table, column, type_=sa.Text())


def downgrade() -> None:
    pass  # narrowing could fail on stored data; TEXT is a correct type for every older version too
