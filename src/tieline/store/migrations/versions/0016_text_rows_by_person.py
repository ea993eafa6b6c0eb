"""SQLite's full-text index keeps each person under their own id as its row id

`tieline who` joins the matches to the cached scores by row id and reads the stored text only of the
people it shows; before, finding a match's person or account meant reading its whole text (a hundred
subjects). The index is derived data: emptied here, it is rebuilt whole by the next search.
PostgreSQL's index is keyed by person already.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DELETE FROM person_text")
        op.execute("DELETE FROM text_index_state")


def downgrade() -> None:
    pass  # rows keyed by person are rows like any other to the older code
