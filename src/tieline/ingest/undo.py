"""Undoing a batch: put back every before-image it logged, then delete every row it wrote."""

from __future__ import annotations

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from tieline.ingest.context import from_json
from tieline.store import tables as t

# Children before parents, so deleting never trips a foreign key.
TRACKED = (
    t.merge_candidates,
    t.tags,
    t.notes,
    t.positions,
    t.interactions,
    t.conversation_members,
    t.conversations,
    t.handles,
    t.people,
)
MARKED = (*TRACKED, t.changes, t.participants)
BY_NAME = {table.name: table for table in (*TRACKED, t.participants, t.me_handles)}


def marks(conn: Connection) -> dict[str, int]:
    """The highest id in each table now; rows above it were written later."""
    return {
        table.name: int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())
        for table in MARKED
    }


def undo_since(conn: Connection, account_id: int, batch_id: int, since: dict[str, int] | None = None) -> None:
    """Remove what ``batch_id`` wrote after ``since`` (everything, when None), restoring what it changed."""
    since = since or {}
    ch = t.changes
    logged = conn.execute(
        select(ch.c.id, ch.c.table_name, ch.c.row_id, ch.c.op, ch.c.before)
        .where(and_(ch.c.batch_id == batch_id, ch.c.id > since.get("changes", 0)))
        .order_by(ch.c.id.desc())
    ).all()
    for _id, table_name, row_id, op, before in logged:
        table = BY_NAME[table_name]
        values = from_json(before)
        if op == "update":
            conn.execute(update(table).where(table.c.id == row_id).values(**values))
        elif op == "insert":  # a row of a table without a batch column that the batch wrote
            conn.execute(delete(table).where(table.c.id == row_id))
        else:
            conn.execute(insert(table).values(**values))
    conn.execute(delete(ch).where(and_(ch.c.batch_id == batch_id, ch.c.id > since.get("changes", 0))))
    inter = t.interactions
    doomed = select(inter.c.id).where(
        and_(inter.c.batch_id == batch_id, inter.c.id > since.get("interactions", 0))
    )
    conn.execute(delete(t.participants).where(t.participants.c.interaction_id.in_(doomed)))
    for table in TRACKED:
        conn.execute(
            delete(table).where(and_(table.c.batch_id == batch_id, table.c.id > since.get(table.name, 0)))
        )
    del account_id
