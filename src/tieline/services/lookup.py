"""Finding a person from what a user types: an id, a handle, or part of a name."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row, and_, func, select, text

from tieline.errors import Ambiguous, NotFound
from tieline.store import tables as t

MAX_ID = 2**63 - 1  # the largest id a database column holds; a bigger number names no row


def find_person(conn: Connection, account_id: int, ref: str) -> int:
    """The one person ``ref`` means; NotFound or Ambiguous otherwise."""
    p = t.people
    ref = ref.strip()
    if not ref:
        raise NotFound("no person given")
    if ref.lstrip("#").isdigit() and int(ref.lstrip("#")) <= MAX_ID:
        found = conn.execute(
            select(p.c.id).where(and_(p.c.account_id == account_id, p.c.id == int(ref.lstrip("#"))))
        ).scalar()
        if found is not None:
            return int(found)
    from tieline.ingest.normalise import guess  # phonenumbers: only a lookup by handle pays for it

    key = guess(ref)
    if key is not None and ("@" in ref or ref.startswith(("+", "http")) or ":" in ref):
        h = t.handles
        found = conn.execute(
            select(h.c.person_id).where(
                and_(
                    h.c.account_id == account_id,
                    h.c.kind == key[0],
                    h.c.value == key[1],
                    h.c.person_id.is_not(None),
                )
            )
        ).scalar()
        if found is not None:
            return int(found)
    exact = _named(conn, account_id, ref)
    if len(exact) == 1:
        return int(exact[0].id)
    rows = (
        exact
        or conn.execute(
            select(p.c.id, p.c.name)
            .where(
                and_(
                    p.c.account_id == account_id, func.lower(p.c.name).contains(ref.lower(), autoescape=True)
                )
            )
            .limit(6)
        ).all()
    )
    if not rows:
        raise NotFound(f"no person matches {ref!r}")
    if len(rows) > 1:
        shown = ", ".join(f"#{r.id} {r.name}" for r in rows[:5])
        raise Ambiguous(
            f"{ref!r} matches more than one person ({shown}{', ...' if len(rows) > 5 else ''}); use the #id"
        )
    return int(rows[0].id)


def _named(conn: Connection, account_id: int, ref: str) -> list[Row[Any]]:
    """The people whose name is ``ref`` in any case, found through ix_people_account_lower_name. Without
    statistics SQLite prefers the covering index on (account, name) and reads every person of the account
    (30,000 of them: a third of `people show`'s time)."""
    p = t.people
    if conn.dialect.name == "sqlite":
        return list(
            conn.execute(
                text(
                    "SELECT id, name FROM people INDEXED BY ix_people_account_lower_name "
                    "WHERE account_id = :account_id AND lower(name) = :name"
                ),
                {"account_id": account_id, "name": ref.lower()},
            )
        )
    return list(
        conn.execute(
            select(p.c.id, p.c.name).where(
                and_(p.c.account_id == account_id, func.lower(p.c.name) == ref.lower())
            )
        )
    )


def by_id(conn: Connection, account_id: int, person_id: int) -> str:
    """The reference ``#id`` of the account's person ``person_id``; NotFound for any other number (the
    web app's addresses name people by id only, never by a name that happens to look like one)."""
    p = t.people
    found = None
    if 0 < person_id <= MAX_ID:
        found = conn.execute(
            select(p.c.id).where(and_(p.c.account_id == account_id, p.c.id == person_id))
        ).scalar()
    if found is None:
        raise NotFound(f"no person #{person_id}")
    return f"#{found}"
