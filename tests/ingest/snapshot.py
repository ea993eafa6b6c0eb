"""The full contents of the imported-data tables, to compare a database before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tieline.store import tables as t
from tieline.store.db import Store

DATA = (
    t.people,
    t.handles,
    t.positions,
    t.notes,
    t.tags,
    t.interactions,
    t.participants,
    t.conversations,
    t.conversation_members,
    t.me_handles,
    t.merge_candidates,
    t.suppressions,
)


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.read() as conn:
        for table in DATA:
            cols = [c for c in table.c if c.name not in ("batch_id", "created_at", "updated_at")]
            rows = conn.execute(select(*cols).order_by(table.c.id)).all()
            out[table.name] = [tuple(r) for r in rows]
    return out
