"""Primary keys handed out in blocks, so bulk inserts need no RETURNING round trip.

On SQLite the caller holds the write lock (``BEGIN IMMEDIATE``), so the next ids after the highest
ever handed out (``sqlite_sequence``, kept by ``AUTOINCREMENT``) are its own; inserting them moves
the sequence on. On PostgreSQL the table's sequence hands them out. Either way an id is never given
twice, even after the row that had it was deleted.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table, func, select, text


def allocate(conn: Connection, table: Table, n: int) -> list[int]:
    if n <= 0:
        return []
    if conn.dialect.name == "postgresql":
        seq = f"{table.name}_id_seq"
        rows = conn.execute(text("SELECT nextval(:seq) FROM generate_series(1, :n)"), {"seq": seq, "n": n})
        return [int(r[0]) for r in rows]
    top = int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())
    ever = conn.execute(text("SELECT seq FROM sqlite_sequence WHERE name = :t"), {"t": table.name}).scalar()
    top = max(top, int(ever or 0))
    return list(range(top + 1, top + 1 + n))
