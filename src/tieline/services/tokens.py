"""API tokens for scripts: made once, shown once, kept only as a hash, revoked by id.

A secret is 32 random bytes (``tl_`` + URL-safe base64). Such a secret cannot be guessed, so a plain
SHA-256 is enough to keep it (a slow password hash protects low-entropy secrets); the database holds
the hash alone, so a copy of it lets no one in. :func:`verify` is what the web app calls for
``Authorization: Bearer <secret>``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update

from tieline.errors import NotFound, TielineError
from tieline.store import tables as t
from tieline.store.db import Store

PREFIX = "tl_"
# last_used_at is written at most this often per token, so a busy script does not make every read a write.
TOUCH_EVERY = timedelta(minutes=1)
_NEVER_MATCHES = hashlib.sha256(b"no token").hexdigest()


@dataclass(frozen=True)
class Account:
    """Whom a valid token speaks for."""

    id: int
    name: str
    token_id: int


def create(store: Store, name: str) -> tuple[int, str]:
    """A new token named ``name`` for the store's account: its id and the secret (never shown again)."""
    name = name.strip()
    if not name or len(name) > 200:
        raise TielineError("a token needs a name of 1 to 200 characters (what the script is, e.g. 'backup')")
    secret = PREFIX + secrets.token_urlsafe(32)
    with store.write() as conn:
        token_id = conn.execute(
            insert(t.api_tokens)
            .values(
                account_id=store.account_id,
                name=name,
                token_hash=_hash(secret),
                created_at=datetime.now(UTC),
                revoked=False,
            )
            .returning(t.api_tokens.c.id)
        ).scalar_one()
    return int(token_id), secret


def list_tokens(store: Store) -> list[dict[str, Any]]:
    """The account's tokens, oldest first, without their secrets."""
    k = t.api_tokens.c
    with store.read() as conn:
        rows = conn.execute(
            select(k.id, k.name, k.created_at, k.last_used_at, k.revoked)
            .where(k.account_id == store.account_id)
            .order_by(k.id)
        ).mappings()
        return [
            {
                "id": r["id"],
                "name": r["name"],
                "created_at": _utc(r["created_at"]),
                "last_used_at": _utc(r["last_used_at"]),
                "revoked": bool(r["revoked"]),
            }
            for r in rows
        ]


def revoke(store: Store, token_id: int) -> None:
    """Revoke one of the account's tokens: it stops working at once (revoking twice is fine)."""
    k = t.api_tokens.c
    with store.write() as conn:
        done = conn.execute(
            update(t.api_tokens)
            .where(k.id == token_id, k.account_id == store.account_id)
            .values(revoked=True)
        )
        if done.rowcount == 0:
            raise NotFound(f"no token #{token_id} (see `tieline token list`)")


def verify(store: Store, secret: str) -> Account | None:
    """The account a secret belongs to, or None (unknown, revoked or malformed): for Bearer auth.

    Any account of the database, not only the store's: the token says whom it speaks for.
    """
    given = _hash(secret) if secret.startswith(PREFIX) and len(secret) < 200 else _NEVER_MATCHES
    k = t.api_tokens.c
    with store.read() as conn:
        row = conn.execute(
            select(k.id, k.token_hash, k.revoked, k.last_used_at, t.accounts.c.id, t.accounts.c.name)
            .join(t.accounts, t.accounts.c.id == k.account_id)
            .where(k.token_hash == given)
        ).first()
    stored = row[1] if row is not None else _NEVER_MATCHES
    # The lookup found the row by its hash; the comparison that decides is made in constant time.
    if row is None or not hmac.compare_digest(stored, given) or row[2]:
        return None
    now = datetime.now(UTC)
    last = _utc(row[3])
    if not store.read_only and (last is None or now - last >= TOUCH_EVERY):
        with store.write() as conn:
            conn.execute(update(t.api_tokens).where(k.id == row[0]).values(last_used_at=now))
    return Account(id=int(row[4]), name=str(row[5]), token_id=int(row[0]))


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _utc(when: datetime | None) -> datetime | None:
    # SQLite gives back naive datetimes: they were written in UTC.
    if when is None or when.tzinfo is not None:
        return when
    return when.replace(tzinfo=UTC)
