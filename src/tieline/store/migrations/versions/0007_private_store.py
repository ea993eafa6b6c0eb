"""suppressions hold a keyed hash of each handle (key per account); when the account was last backed up

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.add_column(sa.Column("hash_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("backed_up_at", sa.DateTime(timezone=True), nullable=True))
    conn = op.get_bind()
    accounts = sa.table("accounts", sa.column("id", sa.Integer), sa.column("hash_key", sa.String))
    rows = sa.table(
        "suppressions",
        sa.column("id", sa.Integer),
        sa.column("account_id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("value", sa.String),
    )
    keys: dict[int, str] = {}
    for (account_id,) in conn.execute(sa.select(accounts.c.id)).all():
        keys[account_id] = secrets.token_hex(32)
        conn.execute(accounts.update().where(accounts.c.id == account_id).values(hash_key=keys[account_id]))
    # The same digest as tieline.store.suppressions.digest, written out so this step never changes.
    for rid, account_id, kind, value in conn.execute(
        sa.select(rows.c.id, rows.c.account_id, rows.c.kind, rows.c.value)
    ).all():
        hashed = hmac.new(
            bytes.fromhex(keys[account_id]), f"{kind}\x00{value}".encode(), hashlib.sha256
        ).hexdigest()
        conn.execute(rows.update().where(rows.c.id == rid).values(value=hashed))


def downgrade() -> None:
    # The handles cannot be recovered from their hashes: the suppressions stay hashed (and match nothing).
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.drop_column("backed_up_at")
        batch_op.drop_column("hash_key")
