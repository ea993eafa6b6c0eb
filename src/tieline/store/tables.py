"""The schema, in SQLAlchemy Core. Alembic migrations under ``migrations/`` create and evolve it.

Every row belongs to an account. Rows written by an import carry the ``batch_id`` that wrote them
and the ``source_key`` of the record they came from, so a re-import changes nothing and a batch
can be undone.

Ids are never handed out twice (``AUTOINCREMENT`` on SQLite, sequences on PostgreSQL): a before-image
kept for undo or unmerge names its row by id, and must never land on somebody added later.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)


class Clean(TypeDecorator[str]):
    """Text as it came from an export, of any length, without NUL bytes.

    PostgreSQL refuses NUL in text and enforces ``VARCHAR(n)``; SQLite does neither. Dropping NUL here,
    and storing imported values as ``TEXT``, makes both accept the same files (issue 9).
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        return value.replace("\x00", "") if isinstance(value, str) else value


def _account() -> Column[int]:
    return Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)


def _batch() -> Column[int]:
    return Column("batch_id", Integer, ForeignKey("batches.id", ondelete="SET NULL"), nullable=True)


accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # The random key suppressions are hashed with (store/suppressions.py); kept in backups, never in exports.
    Column("hash_key", String(64)),
    Column("backed_up_at", DateTime(timezone=True)),  # when `tieline backup` last ran
    # The web app's multi-user mode: an argon2 hash (services/accounts.py); None: no password login.
    Column("password_hash", String(200)),
    sqlite_autoincrement=True,
)

batches = Table(
    "batches",
    metadata,
    Column("id", Integer, primary_key=True),
    _account(),
    Column("source", String(60), nullable=False),
    Column("paths", Text, nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("status", String(20), nullable=False),  # running, done, undone
    Column("stats", JSON),
    sqlite_autoincrement=True,
)

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    _account(),
    Column("name", Clean, nullable=False),
    Column("given_name", Clean),
    Column("family_name", Clean),
    Column("birthday", Date),
    Column("connected_on", DateTime(timezone=True)),
    Column("how_met", Clean),
    Column("why_connected", Clean),
    Column("introduced_by_id", Integer, ForeignKey("people.id", ondelete="SET NULL")),
    Column("relationship", String(40)),  # family, partner, friend, colleague, mentor, acquaintance
    Column("closeness", Integer),  # the user's own rating, 1-5
    Column("would_take_call", Boolean),  # the user's own answer
    Column("photo_ref", Clean),
    Column("archived_at", DateTime(timezone=True)),  # archived: kept, but out of every count
    Column("every_days", Integer),  # the user's own cadence for this tie, overriding its rhythm
    Column("snoozed_until", DateTime(timezone=True)),  # not due before this moment
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    _batch(),
    Column("source_key", Clean),
    sqlite_autoincrement=True,
)
Index("ix_people_account_name", people.c.account_id, people.c.name)
# `people list` sorts by the name as folded for display; this index serves that order with a limit.
Index("ix_people_account_lower_name", people.c.account_id, func.lower(people.c.name))
# Who is out of the counts now (archived, connected in the future), who is new, who said how they met,
# who has a cadence or a birthday: index ranges. Not led by the account, so that SQLite never walks them for an account's rows by id.
Index("ix_people_archived", people.c.archived_at)
Index("ix_people_connected", people.c.connected_on)
Index("ix_people_how_met", people.c.how_met)
Index("ix_people_every_days", people.c.every_days)
Index("ix_people_birthday", people.c.birthday)
Index("ix_people_updated", people.c.updated_at)  # the latest edit: the index's last entry

handles = Table(
    "handles",
    metadata,
    Column("id", Integer, primary_key=True),
    _account(),
    # A handle seen only in one-way traffic (a newsletter) has no person until there is two-way contact.
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=True),
    Column("kind", String(20), nullable=False),
    Column("value", Clean, nullable=False),
    Column("label", Clean),
    Column("display_name", Clean),
    _batch(),
    Column("source_key", Clean),
    Column("source_file", Clean),
    UniqueConstraint("account_id", "kind", "value", name="uq_handles_account_kind_value"),
    sqlite_autoincrement=True,
)
Index("ix_handles_person", handles.c.person_id)

positions = Table(
    "positions",
    metadata,
    Column("id", Integer, primary_key=True),
    _account(),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("organization", Clean, nullable=False),
    Column("title", Clean),
    Column("start_date", Date),
    Column("end_date", Date),
    _batch(),
    Column("source_key", Clean),
    Column("source_file", Clean),
    sqlite_autoincrement=True,
)
Index("ix_positions_person", positions.c.person_id)
Index("ix_positions_start", positions.c.start_date)  # job changes: a range of recent starts

notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    _account(),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("body", Clean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    _batch(),
    Column("source_key", Clean),
    sqlite_autoincrement=True,
)
Index("ix_notes_person", notes.c.person_id)

tags = Table(
    "tags",
    metadata,
    Column("id", Integer, primary_key=True),
    _account(),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("tag", Clean, nullable=False),
    _batch(),
    UniqueConstraint("person_id", "tag", name="uq_tags_person_tag"),
    sqlite_autoincrement=True,
)

# A group conversation (a group chat, a thread of many) is stored once: its members here, and each
# message records only its sender and the conversation, never a copy of every member.
conversations = Table(
    "conversations",
    metadata,
    Column("id", Integer, primary_key=True),
    _account(),
    Column("key", String(300), nullable=False),  # the reader's thread id
    Column("channel", String(20), nullable=False),
    _batch(),
    UniqueConstraint("account_id", "key", name="uq_conversations_account_key"),
    sqlite_autoincrement=True,
)

# A member is a handle, so merging, promoting or forgetting its person carries the membership along.
conversation_members = Table(
    "conversation_members",
    metadata,
    Column("id", Integer, primary_key=True),
    _account(),
    Column("conversation_id", Integer, ForeignKey("conversations.id", ondelete="CASCADE"), nullable=False),
    Column("handle_id", Integer, ForeignKey("handles.id", ondelete="CASCADE"), nullable=False),
    Column("joined_at", DateTime(timezone=True)),  # first seen, or when the export says they joined
    Column("left_at", DateTime(timezone=True)),
    _batch(),
    UniqueConstraint("conversation_id", "handle_id", name="uq_conversation_members_conversation_handle"),
    sqlite_autoincrement=True,
)
Index("ix_conversation_members_handle", conversation_members.c.handle_id)

interactions = Table(
    "interactions",
    metadata,
    Column("id", Integer, primary_key=True),
    _account(),
    Column("happened_at", DateTime(timezone=True), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("direction", String(10)),  # out, in, both; NULL when unknown
    Column("kind", String(20), nullable=False),
    Column("group_size", Integer, nullable=False),
    Column("duration_s", Integer),
    Column("thread", Clean),
    Column("subject", Clean),
    Column("bulk", Boolean, nullable=False),
    _batch(),
    Column("source_key", Clean, nullable=False),
    Column("conversation_id", Integer, ForeignKey("conversations.id", ondelete="SET NULL")),
    UniqueConstraint("account_id", "source_key", name="uq_interactions_account_source_key"),
    sqlite_autoincrement=True,
)
# A member's share of a group: the owner's messages in it, by time.
Index(
    "ix_interactions_conversation",
    interactions.c.conversation_id,
    interactions.c.direction,
    interactions.c.happened_at,
)
Index("ix_interactions_account_when", interactions.c.account_id, interactions.c.happened_at)
# Favours, tidbits, introductions: every query by kind asks for these, never for conversations. On PostgreSQL
# the index holds only them (migration 0019), so the messages and mails, nearly every row, add nothing to it;
# SQLite cannot match `kind = ?` to such an index, and keeps every row.
Index(
    "ix_interactions_account_kind",
    interactions.c.account_id,
    interactions.c.kind,
    interactions.c.happened_at,
    postgresql_where=interactions.c.kind != "conversation",
)

participants = Table(
    "participants",
    metadata,
    Column("id", Integer, primary_key=True),
    _account(),
    Column("interaction_id", Integer, ForeignKey("interactions.id", ondelete="CASCADE"), nullable=False),
    Column("handle_id", Integer, ForeignKey("handles.id", ondelete="CASCADE")),
    # SET NULL, not CASCADE: undoing the batch that promoted a handle to a person must leave the
    # older interactions in place, attached to the handle again.
    Column("person_id", Integer, ForeignKey("people.id", ondelete="SET NULL")),
    Column("role", String(10), nullable=False),  # sender, recipient, attendee
    # The interaction's time, copied by every writer, so a person's timeline is an index walk newest first.
    Column("happened_at", DateTime(timezone=True)),
    sqlite_autoincrement=True,
)
Index("ix_participants_interaction", participants.c.interaction_id)
# Covering: "did this person take part in that interaction" in one probe; a person's summary.
Index("ix_participants_person", participants.c.person_id, participants.c.interaction_id)
# Covering: a person's timeline, newest first, a page at a time.
Index(
    "ix_participants_person_when",
    participants.c.person_id,
    participants.c.happened_at,
    participants.c.interaction_id,
)
Index("ix_participants_handle", participants.c.handle_id)

me_handles = Table(
    "me_handles",
    metadata,
    Column("id", Integer, primary_key=True),
    _account(),
    Column("kind", String(20), nullable=False),
    Column("value", Clean, nullable=False),
    UniqueConstraint("account_id", "kind", "value", name="uq_me_handles_account_kind_value"),
    sqlite_autoincrement=True,
)

# What `forget` leaves behind: a keyed hash of each handle (and source key) a later import must leave out.
suppressions = Table(
    "suppressions",
    metadata,
    Column("id", Integer, primary_key=True),
    _account(),
    Column("kind", String(20), nullable=False),
    Column("value", Clean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("account_id", "kind", "value", name="uq_suppressions_account_kind_value"),
    sqlite_autoincrement=True,
)

merge_candidates = Table(
    "merge_candidates",
    metadata,
    Column("id", Integer, primary_key=True),
    _account(),
    Column("person_a", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("person_b", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("reason", String(200), nullable=False),
    Column("score", Float, nullable=False),
    Column("status", String(20), nullable=False),  # open, merged, dismissed
    _batch(),
    UniqueConstraint("person_a", "person_b", name="uq_merge_candidates_pair"),
    sqlite_autoincrement=True,
)

# Before-images of rows a batch or a merge changed, so either can be undone exactly.
changes = Table(
    "changes",
    metadata,
    Column("id", Integer, primary_key=True),
    _account(),
    Column("batch_id", Integer, ForeignKey("batches.id", ondelete="CASCADE")),
    Column("merge_id", Integer),
    Column("table_name", String(40), nullable=False),
    Column("row_id", Integer, nullable=False),
    Column("op", String(10), nullable=False),  # update, delete
    Column("before", JSON, nullable=False),
    sqlite_autoincrement=True,
)
Index("ix_changes_batch", changes.c.batch_id)

merges = Table(
    "merges",
    metadata,
    Column("id", Integer, primary_key=True),
    _account(),
    Column("kept_id", Integer, nullable=False),
    Column("merged_id", Integer, nullable=False),
    Column("merged_at", DateTime(timezone=True), nullable=False),
    Column("undone", Boolean, nullable=False),
    Column("reason", String(200)),  # an import's automatic merge says why; the user's own has none
    _batch(),  # the import that merged automatically: undoing it takes the merge back
    sqlite_autoincrement=True,
)


# The weights `tieline model fit` adopted for an account (the shipped defaults apply when there are none).
model_weights = Table(
    "model_weights",
    metadata,
    Column("id", Integer, primary_key=True),
    _account(),
    Column("model_version", String(40), nullable=False),
    Column("weights", JSON, nullable=False),
    Column("fitted_at", DateTime(timezone=True), nullable=False),
    Column("labels", Integer, nullable=False),
    Column("heldout_auc", Float),
    Column("heldout_auc_defaults", Float),
    sqlite_autoincrement=True,
)


# Derived data: each tie's score as of `as_of`, so reads need not rescore everything and an import
# rescores only the ties it touched. Recomputable at any time from interactions and user input.
tie_scores = Table(
    "tie_scores",
    metadata,
    Column("id", Integer, primary_key=True),
    _account(),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("model_version", String(40), nullable=False),
    Column("as_of", DateTime(timezone=True), nullable=False),
    Column("score", Float),
    Column("p_call", Float),
    Column("state", String(10), nullable=False),
    # What `model explain` says about the tie as of the same moment (strength/packed.py); NULL in rows
    # cached before it was kept, which are explained by scoring the tie again.
    Column("explanation", LargeBinary),
    UniqueConstraint("account_id", "person_id", name="uq_tie_scores_account_person"),
    sqlite_autoincrement=True,
)
Index("ix_tie_scores_account_score", tie_scores.c.account_id, tie_scores.c.score)
# Covering: the health headline's counts and sums by state read this index only.
Index("ix_tie_scores_account_state", tie_scores.c.account_id, tie_scores.c.state, tie_scores.c.p_call)

# Derived data: each tie's history in a few figures, kept current by every write that changes it, so
# `people list` and the insight commands read one row per person instead of every interaction.
tie_summaries = Table(
    "tie_summaries",
    metadata,
    Column("id", Integer, primary_key=True),
    _account(),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("interactions", Integer, nullable=False),  # every interaction, theirs and mine in shared groups
    Column("sent", Integer, nullable=False),  # the owner's (out, both)
    Column("received", Integer, nullable=False),  # theirs (in, both)
    Column("groups", Integer, nullable=False),  # group conversations shared
    Column("first_contact", DateTime(timezone=True)),
    Column("last_contact", DateTime(timezone=True)),
    Column("last_sent", DateTime(timezone=True)),
    Column("last_received", DateTime(timezone=True)),
    Column("rhythm_days", Float),  # the mean gap between contacts, in days
    Column("channels", JSON, nullable=False),  # {channel: {direction: count}}
    UniqueConstraint("account_id", "person_id", name="uq_tie_summaries_account_person"),
    sqlite_autoincrement=True,
)
Index("ix_tie_summaries_account_last", tie_summaries.c.account_id, tie_summaries.c.last_contact)
Index("ix_tie_summaries_account_interactions", tie_summaries.c.account_id, tie_summaries.c.interactions)
Index("ix_tie_scores_account_version", tie_scores.c.account_id, tie_scores.c.model_version)

# Which ties need their summary, score or text-index row brought up to date: every writer of people or
# interactions adds a mark in its own transaction, so a read touches only the marked rows (store/stale.py).
# A mark names a person, or an import batch (everyone it touched), or neither (everyone). No foreign key
# on the person: a mark outlives the person it names, so that their text-index row goes with them.
stale_ties = Table(
    "stale_ties",
    metadata,
    Column("id", Integer, primary_key=True),
    _account(),
    Column("person_id", Integer),
    Column("batch_id", Integer),
    Column("scores", Boolean, nullable=False),  # summary and cached score still to bring up to date
    Column("text", Boolean, nullable=False),  # the person's row of the text index still to rebuild
    sqlite_autoincrement=True,
)
Index("ix_stale_ties_account", stale_ties.c.account_id, stale_ties.c.id)


# What the user decided in `tieline review`: the next review does not ask again, and `review --undo`
# restores ``before`` (the person's fields as they were) for every decision of the last session.
review_decisions = Table(
    "review_decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    _account(),
    Column("person_id", Integer, ForeignKey("people.id", ondelete="CASCADE"), nullable=False),
    Column("session", Integer, nullable=False),
    Column("queue", String(20), nullable=False),  # prune, nurture, reconnect, solidify, ask
    Column(
        "decision", String(20), nullable=False
    ),  # keep, archive, forget, cadence, how-met, log, answer, skip
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("before", JSON, nullable=False),
    Column("undone", Boolean, nullable=False),
    sqlite_autoincrement=True,
)
Index("ix_review_decisions_person", review_decisions.c.person_id)

# Derived data: the headline figures of `tieline health` as of a past moment, so the change since
# the first of the month at least 90 days back and the monthly trend are not rescored on every call. ``fingerprint`` says which data
# they were computed from; a snapshot whose data changed since is computed again.
health_snapshots = Table(
    "health_snapshots",
    metadata,
    Column("id", Integer, primary_key=True),
    _account(),
    Column("as_of", DateTime(timezone=True), nullable=False),
    Column("model_version", String(40), nullable=False),
    Column("fingerprint", String(200), nullable=False),
    Column("figures", JSON, nullable=False),
    UniqueConstraint("account_id", "as_of", name="uq_health_snapshots_account_as_of"),
    sqlite_autoincrement=True,
)


# Which data the full-text index of people (`person_text`, made by migration 0008: FTS5 on SQLite, a
# tsvector with a GIN index on PostgreSQL, so not described here) was last built from.
text_index_state = Table(
    "text_index_state",
    metadata,
    Column("account_id", Integer, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("fingerprint", String(200), nullable=False),
)


# Secrets that let a script use the JSON API as the account (`tieline token create`). Only a SHA-256 of the
# secret is kept: the secret is shown once, and a copy of the database lets no one in.
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    _account(),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked", Boolean, nullable=False),
    sqlite_autoincrement=True,
)
