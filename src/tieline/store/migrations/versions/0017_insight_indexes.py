"""indexes for the insight commands: figures of the network read by the database, not by Python

`tieline health` and `tieline due` used to read every cached score and every person to count them in
Python. Their figures are now aggregates over a covering index of the cached scores (state, probability),
the people left out of the counts are two index ranges (archived, connected in the future), the
never-touched ones start from the ties with no interaction, and due's candidates (a cadence set, a new connection, a
birthday, a job change) are index ranges too. The indexes on people and positions do not lead with the account, so
SQLite never prefers them for the many queries that ask for an account's rows by id. The latest edit
of anyone (``people.updated_at``) is the last entry of an index, for the past figures of `health`.

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_tie_scores_account_state", "tie_scores", ["account_id", "state", "p_call"]),
    ("ix_people_archived", "people", ["archived_at"]),
    ("ix_people_connected", "people", ["connected_on"]),
    ("ix_people_how_met", "people", ["how_met"]),
    ("ix_people_every_days", "people", ["every_days"]),
    ("ix_people_birthday", "people", ["birthday"]),
    ("ix_people_updated", "people", ["updated_at"]),
    ("ix_tie_summaries_account_interactions", "tie_summaries", ["account_id", "interactions"]),
    ("ix_positions_start", "positions", ["start_date"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
