"""What the user decides about a tie: archive it, give it a cadence, snooze it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from tieline.services.lookup import find_person
from tieline.store import stale
from tieline.store import tables as t
from tieline.store.db import Store


def archive(store: Store, ref: str, archived: bool = True) -> int:
    """Archive a person (kept, but out of every count and list of what to do) or bring them back."""
    return _set(store, ref, archived_at=datetime.now(UTC) if archived else None)


def set_cadence(store: Store, ref: str, every_days: int | None) -> int:
    """How often the user wants to be in touch with this person (None: the tie's own rhythm)."""
    return _set(store, ref, every_days=every_days)


def snooze(store: Store, ref: str, days: int, now: datetime | None = None) -> tuple[int, datetime]:
    """Not due for ``days`` from now."""
    until = (now or datetime.now(UTC)) + timedelta(days=days)
    return _set(store, ref, snoozed_until=until), until


def _set(store: Store, ref: str, **fields: object) -> int:
    with store.write() as conn:
        pid = find_person(conn, store.account_id, ref)
        conn.execute(
            update(t.people).where(t.people.c.id == pid).values(updated_at=datetime.now(UTC), **fields)
        )
        stale.mark(conn, store.account_id, [pid])  # brought up to date by the next read
    return pid


def cadences(store: Store) -> list[dict[str, object]]:
    """The people the user set a cadence for (`people edit --every`), most frequent first."""
    from sqlalchemy import and_, select

    p = t.people
    with store.read() as conn:
        rows = conn.execute(
            select(p.c.id, p.c.name, p.c.every_days)
            .where(and_(p.c.account_id == store.account_id, p.c.every_days.is_not(None)))
            .order_by(p.c.every_days, p.c.id)
        ).all()
    return [{"id": r.id, "name": r.name, "every_days": r.every_days} for r in rows]
