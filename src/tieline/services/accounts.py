"""Accounts that log in with a password (the web app's multi-user mode): argon2 hashes, never the password.

The single-user mode needs none of this: its one account has no password and logs in with the link
``tieline serve`` prints.
"""

from __future__ import annotations

from sqlalchemy import select, update

from tieline.errors import TielineError
from tieline.store import tables as t
from tieline.store.db import Store

MIN_LENGTH = 10
# A hash checked when the account does not exist, so that a wrong name costs as long as a wrong password.
_NOBODY = "$argon2id$v=19$m=65536,t=3,p=4$7bl0+LDlleoSsnpeYFYMdg$EesPmqXzvFNe4Gygv7fLCuGno6s2yM5V74OXtt116cI"


def check_name(name: str) -> str:
    """A user name: 1-200 printable characters without surrounding spaces."""
    cleaned = name.strip()
    if not cleaned or len(cleaned) > 200 or not cleaned.isprintable():
        raise TielineError("a user name is 1 to 200 printable characters")
    return cleaned


def set_password(url: str | None, name: str, password: str) -> int:
    """Make the account ``name`` (if new) and give it this password. Returns the account's id."""
    from argon2 import PasswordHasher

    if len(password) < MIN_LENGTH:
        raise TielineError(f"a password needs at least {MIN_LENGTH} characters")
    store = Store(url, account=check_name(name))
    try:
        digest = PasswordHasher().hash(password)
        with store.write() as conn:
            conn.execute(
                update(t.accounts).where(t.accounts.c.id == store.account_id).values(password_hash=digest)
            )
        return store.account_id
    finally:
        store.dispose()


def check_password(store: Store, name: str, password: str) -> bool:
    """Whether ``name`` is an account with this password (as slow for an unknown name as for a known one)."""
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    with store.read() as conn:
        digest = conn.execute(
            select(t.accounts.c.password_hash).where(t.accounts.c.name == name.strip())
        ).scalar()
    hasher = PasswordHasher()
    try:
        hasher.verify(digest or _NOBODY, password)
    except (VerificationError, InvalidHashError):
        return False
    return digest is not None
