"""a participant row keeps its interaction's time, indexed by person and time

`people show` pages a person's timeline newest first. Their interactions were found through
(person, interaction) and then sorted by time: for the partner of a 100,000-message chat that is
100,000 rows read and sorted to show 50. With the time beside the person in the index, a page is a
walk of that many index entries. The index on (person, interaction) stays: it answers "did this person
take part in that interaction" in one probe, which this one cannot.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("participants", sa.Column("happened_at", sa.DateTime(timezone=True), nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE participants SET happened_at = i.happened_at FROM interactions i "
            "WHERE i.id = participants.interaction_id"
        )
    else:
        op.execute(
            "UPDATE participants SET happened_at = "
            "(SELECT i.happened_at FROM interactions i WHERE i.id = participants.interaction_id)"
        )
    op.create_index(
        "ix_participants_person_when", "participants", ["person_id", "happened_at", "interaction_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_participants_person_when", table_name="participants")
    with op.batch_alter_table("participants") as batch_op:
        batch_op.drop_column("happened_at")
