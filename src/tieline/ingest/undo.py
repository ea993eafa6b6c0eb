"""Undoing a batch: put back every before-image it logged, then delete every row it wrote."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, and_, delete, func, insert, select, update

from tieline.ingest.context import from_json
from tieline.store import tables as t

# Children before parents, so deleting never trips a foreign key.
TRACKED = (
    t.merges,
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


def restore(conn: Connection, table: Table, op: str, row_id: int, values: dict[str, Any]) -> bool:
    """Put one before-image back, only onto the row it was taken from; whether anything was written.

    Ids are never handed out twice, so a row with the same id is the same row. An update finds it
    gone when it was merged away or forgotten since: there is nothing left to restore. A deleted row
    comes back only where no row holds its id, and only if what it points at still exists.
    """
    if op == "update":
        return bool(conn.execute(update(table).where(table.c.id == row_id).values(**values)).rowcount)
    if op == "insert":  # a row of a table without a batch column that the batch wrote
        return bool(conn.execute(delete(table).where(table.c.id == row_id)).rowcount)
    if conn.execute(select(table.c.id).where(table.c.id == row_id)).first() is not None:
        return False
    for fk in table.foreign_keys:
        target = values.get(fk.parent.name)
        if target is None or fk.column.table is t.batches:
            continue
        parent = fk.column.table
        if conn.execute(select(parent.c.id).where(parent.c.id == target)).first() is None:
            if fk.parent.nullable and fk.ondelete == "SET NULL":
                values[fk.parent.name] = None
            else:
                return False
    conn.execute(insert(table).values(**values))
    return True


def follow_handles(conn: Connection, handle_ids: set[int]) -> None:
    """Participants follow the person their handle belongs to again, once its before-image is back."""
    h, pa = t.handles, t.participants
    ids = sorted(handle_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        owner = select(h.c.person_id).where(h.c.id == pa.c.handle_id).scalar_subquery()
        conn.execute(update(pa).where(pa.c.handle_id.in_(chunk)).values(person_id=owner))


def undo_since(conn: Connection, account_id: int, batch_id: int, since: dict[str, int] | None = None) -> None:
    """Remove what ``batch_id`` wrote after ``since`` (everything, when None), restoring what it changed."""
    since = since or {}
    ch = t.changes
    logged = conn.execute(
        select(ch.c.id, ch.c.table_name, ch.c.row_id, ch.c.op, ch.c.before)
        .where(and_(ch.c.batch_id == batch_id, ch.c.id > since.get("changes", 0)))
        .order_by(ch.c.id.desc())
    ).all()
    restored_handles: set[int] = set()
    for _id, table_name, row_id, op, before in logged:
        table = BY_NAME[table_name]
        if restore(conn, table, op, row_id, from_json(before)) and table is t.handles:
            restored_handles.add(row_id)
    follow_handles(conn, restored_handles)
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
    _drop_orphaned_logs(conn, account_id)


def _drop_orphaned_logs(conn: Connection, account_id: int) -> None:
    """A `log` about someone the batch brought goes with them, as it would had the batch never run."""
    i, pa = t.interactions, t.participants
    someone = select(pa.c.id).where(and_(pa.c.interaction_id == i.c.id, pa.c.person_id.is_not(None)))
    orphans = list(
        conn.execute(
            select(i.c.id).where(
                and_(
                    i.c.account_id == account_id,
                    i.c.batch_id.is_(None),
                    i.c.source_key.like("manual:%"),
                    ~someone.exists(),
                )
            )
        ).scalars()
    )
    for start in range(0, len(orphans), 500):
        chunk = orphans[start : start + 500]
        conn.execute(delete(pa).where(pa.c.interaction_id.in_(chunk)))
        conn.execute(delete(i).where(i.c.id.in_(chunk)))
