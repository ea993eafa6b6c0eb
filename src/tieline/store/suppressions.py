"""Suppressions keep a keyed hash of a forgotten handle, never the handle itself.

Imports still recognise the handle (same key, same hash), but someone reading the database file, a backup
or a dump learns nothing from it. The key is random, one per account, kept in ``accounts.hash_key``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection, and_, delete, insert, select, update

from tieline.store import tables as t

Key = tuple[str, str]


def new_key() -> str:
    return secrets.token_hex(32)


def digest(key: str, kind: str, value: str) -> str:
    """The keyed hash stored for a handle (kind and value as normalised by ingest)."""
    return hmac.new(bytes.fromhex(key), f"{kind}\x00{value}".encode(), hashlib.sha256).hexdigest()


def account_key(conn: Connection, account_id: int) -> str:
    """The account's hashing key, made on first use."""
    a = t.accounts
    key = conn.execute(select(a.c.hash_key).where(a.c.id == account_id)).scalar()
    if key:
        return str(key)
    key = new_key()
    conn.execute(update(a).where(a.c.id == account_id).values(hash_key=key))
    return key


@dataclass
class Suppressed:
    """The account's suppressions, asked ``(kind, value) in suppressed`` as a set of plain handles would be."""

    key: str
    digests: set[Key] = field(default_factory=set)

    def __contains__(self, item: object) -> bool:
        if not self.digests or not isinstance(item, tuple) or len(item) != 2:
            return False
        kind, value = item
        return (kind, digest(self.key, kind, value)) in self.digests

    def __bool__(self) -> bool:
        return bool(self.digests)


def load(conn: Connection, account_id: int) -> Suppressed:
    s = t.suppressions
    rows = conn.execute(select(s.c.kind, s.c.value).where(s.c.account_id == account_id))
    return Suppressed(account_key(conn, account_id), {(k, v) for k, v in rows})


def suppress(conn: Connection, account_id: int, keys: Iterable[Key], now: object) -> None:
    """Remember handles (and source keys) a later import must leave out."""
    key = account_key(conn, account_id)
    s = t.suppressions
    for kind, value in keys:
        hashed = digest(key, kind, value)
        found = conn.execute(
            select(s.c.id).where(and_(s.c.account_id == account_id, s.c.kind == kind, s.c.value == hashed))
        ).first()
        if found is None:
            conn.execute(insert(s).values(account_id=account_id, kind=kind, value=hashed, created_at=now))


def release(conn: Connection, account_id: int, kind: str, value: str) -> bool:
    """The user added the handle again by hand: imports may bring it back. Whether it was suppressed."""
    s = t.suppressions
    hashed = digest(account_key(conn, account_id), kind, value)
    gone = conn.execute(
        delete(s).where(and_(s.c.account_id == account_id, s.c.kind == kind, s.c.value == hashed))
    )
    return bool(gone.rowcount)
