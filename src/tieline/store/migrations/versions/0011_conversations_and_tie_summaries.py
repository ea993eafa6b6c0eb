"""group conversations stored once; per-tie summaries; indexes for the read paths

A message of a group chat used to carry a participant row for every member (a 2,000,000-message chat
of 50: 100 million rows). Now the conversation holds its members once and a message keeps its sender.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# Which interactions are messages of a group conversation (the same rule as ingest.conversations).
GROUP = "thread IS NOT NULL AND group_size > 2 AND channel IN ('chat', 'sms', 'social')"


def _account() -> sa.Column[int]:
    return sa.Column("account_id", sa.Integer(), nullable=False)


def _account_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["account_id"], ["accounts.id"], name=f"fk_{table}_account_id_accounts", ondelete="CASCADE"
    )


def _batch_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["batch_id"], ["batches.id"], name=f"fk_{table}_batch_id_batches", ondelete="SET NULL"
    )


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        _account(),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        _account_fk("conversations"),
        _batch_fk("conversations"),
        sa.PrimaryKeyConstraint("id", name="pk_conversations"),
        sa.UniqueConstraint("account_id", "key", name="uq_conversations_account_key"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "conversation_members",
        sa.Column("id", sa.Integer(), nullable=False),
        _account(),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("handle_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        _account_fk("conversation_members"),
        _batch_fk("conversation_members"),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name="fk_conversation_members_conversation_id_conversations",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["handle_id"],
            ["handles.id"],
            name="fk_conversation_members_handle_id_handles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_conversation_members"),
        sa.UniqueConstraint(
            "conversation_id", "handle_id", name="uq_conversation_members_conversation_handle"
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_conversation_members_handle", "conversation_members", ["handle_id"])
    with op.batch_alter_table("interactions") as batch_op:
        batch_op.add_column(sa.Column("conversation_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_interactions_conversation_id_conversations",
            "conversations",
            ["conversation_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_index(
        "ix_interactions_conversation", "interactions", ["conversation_id", "direction", "happened_at"]
    )
    op.drop_index("ix_participants_person", table_name="participants")
    op.create_index("ix_participants_person", "participants", ["person_id", "interaction_id"])
    op.create_index("ix_tie_scores_account_score", "tie_scores", ["account_id", "score"])
    op.create_index(
        "ix_people_account_lower_name", "people", ["account_id", sa.text("lower(name)")], unique=False
    )
    op.create_table(
        "tie_summaries",
        sa.Column("id", sa.Integer(), nullable=False),
        _account(),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("interactions", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("received", sa.Integer(), nullable=False),
        sa.Column("groups", sa.Integer(), nullable=False),
        sa.Column("first_contact", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_contact", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_sent", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_received", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rhythm_days", sa.Float(), nullable=True),
        sa.Column("channels", sa.JSON(), nullable=False),
        _account_fk("tie_summaries"),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name="fk_tie_summaries_person_id_people", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_tie_summaries"),
        sa.UniqueConstraint("account_id", "person_id", name="uq_tie_summaries_account_person"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_tie_summaries_account_last", "tie_summaries", ["account_id", "last_contact"])
    _store_groups_once()


def _store_groups_once() -> None:
    """Existing group messages: one conversation per thread, its members from the old participant
    rows, and of those rows only the sender's kept."""
    op.execute(
        "INSERT INTO conversations (account_id, key, channel, batch_id) "
        f"SELECT account_id, thread, MIN(channel), MIN(batch_id) FROM interactions WHERE {GROUP} "
        "GROUP BY account_id, thread"
    )
    op.execute(
        "UPDATE interactions SET conversation_id = (SELECT c.id FROM conversations c "
        "WHERE c.account_id = interactions.account_id AND c.key = interactions.thread) "
        f"WHERE {GROUP}"
    )
    op.execute(
        "INSERT INTO conversation_members (account_id, conversation_id, handle_id, joined_at, batch_id) "
        "SELECT i.account_id, i.conversation_id, pa.handle_id, MIN(i.happened_at), MIN(i.batch_id) "
        "FROM participants pa JOIN interactions i ON i.id = pa.interaction_id "
        "WHERE i.conversation_id IS NOT NULL AND pa.handle_id IS NOT NULL "
        "GROUP BY i.account_id, i.conversation_id, pa.handle_id"
    )
    op.execute(
        "DELETE FROM participants WHERE role <> 'sender' AND interaction_id IN "
        "(SELECT id FROM interactions WHERE conversation_id IS NOT NULL)"
    )


def downgrade() -> None:
    # Every member becomes a participant of every message of the group again (but its sender).
    op.execute(
        "INSERT INTO participants (account_id, interaction_id, handle_id, person_id, role) "
        "SELECT i.account_id, i.id, m.handle_id, h.person_id, 'recipient' "
        "FROM interactions i JOIN conversation_members m ON m.conversation_id = i.conversation_id "
        "JOIN handles h ON h.id = m.handle_id "
        "WHERE NOT EXISTS (SELECT 1 FROM participants pa WHERE pa.interaction_id = i.id "
        "AND pa.handle_id = m.handle_id)"
    )
    op.drop_index("ix_tie_summaries_account_last", table_name="tie_summaries")
    op.drop_table("tie_summaries")
    op.drop_index("ix_people_account_lower_name", table_name="people")
    op.drop_index("ix_tie_scores_account_score", table_name="tie_scores")
    op.drop_index("ix_participants_person", table_name="participants")
    op.create_index("ix_participants_person", "participants", ["person_id"])
    op.drop_index("ix_interactions_conversation", table_name="interactions")
    with op.batch_alter_table("interactions") as batch_op:
        batch_op.drop_constraint("fk_interactions_conversation_id_conversations", type_="foreignkey")
        batch_op.drop_column("conversation_id")
    op.drop_index("ix_conversation_members_handle", table_name="conversation_members")
    op.drop_table("conversation_members")
    op.drop_table("conversations")
