"""Import batches: list them, undo one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, select, update

from tieline.errors import NotFound, TielineError
from tieline.ingest.batch import batch_row_counts
from tieline.ingest.context import utc
from tieline.ingest.undo import undo_since
from tieline.store import tables as t
from tieline.store.db import Store


def listing(store: Store) -> list[dict[str, Any]]:
    b = t.batches
    with store.read() as conn:
        rows = (
            conn.execute(select(b).where(b.c.account_id == store.account_id).order_by(b.c.id))
            .mappings()
            .all()
        )
        out = []
        for r in rows:
            started = utc(r["started_at"])
            out.append(
                {
                    "batch": r["id"],
                    "source": r["source"],
                    "paths": r["paths"].split("\n") if r["paths"] else [],
                    "started_at": started.isoformat() if started else None,
                    "status": r["status"],
                    "stats": r["stats"] or {},
                    "rows": batch_row_counts(conn, r["id"]) if r["status"] != "undone" else {},
                }
            )
    return out


def undo(store: Store, batch_id: int) -> None:
    b = t.batches
    with store.write() as conn:
        row = conn.execute(
            select(b.c.status).where(and_(b.c.account_id == store.account_id, b.c.id == batch_id))
        ).first()
        if row is None:
            raise NotFound(f"no import batch {batch_id}")
        if row.status == "undone":
            raise TielineError(f"batch {batch_id} is already undone")
        undo_since(conn, store.account_id, batch_id)
        conn.execute(update(b).where(b.c.id == batch_id).values(status="undone"))
