"""Joining two stored people into one, keeping a before-image of every row it touches.

Both ``people merge`` (the user's) and an import's automatic merge (a phone number and the same
name) come here; either is recorded in ``merges`` and taken back by ``people unmerge``. An import's
merge also carries its batch, so undoing the batch takes the merge back with it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, or_, select, update

from tieline.ingest.context import to_json
from tieline.store import tables as t

MOVED = (t.handles, t.positions, t.notes, t.tags, t.participants)
FILLED = (
    "given_name",
    "family_name",
    "birthday",
    "connected_on",
    "how_met",
    "why_connected",
    "relationship",
    "closeness",
    "would_take_call",
    "photo_ref",
)


def merge_people(
    conn: Connection,
    account_id: int,
    keep: int,
    other: int,
    reason: str | None = None,
    batch_id: int | None = None,
) -> int:
    """Move everything of ``other`` onto ``keep`` and delete ``other``; returns the merge id."""
    merge_id = int(
        conn.execute(
            insert(t.merges)
            .values(
                account_id=account_id,
                kept_id=keep,
                merged_id=other,
                merged_at=datetime.now(UTC),
                undone=False,
                reason=(reason or None) and reason[:200],
                batch_id=batch_id,
            )
            .returning(t.merges.c.id)
        ).scalar_one()
    )
    log = _Log(conn, account_id, merge_id, batch_id)
    keep_row = conn.execute(select(t.people).where(t.people.c.id == keep)).mappings().one()
    other_row = conn.execute(select(t.people).where(t.people.c.id == other)).mappings().one()
    fill = {k: other_row[k] for k in FILLED if keep_row[k] is None and other_row[k] is not None}
    if fill:
        conn.execute(update(t.people).where(t.people.c.id == keep).values(**fill))
    keep_tags = set(conn.execute(select(t.tags.c.tag).where(t.tags.c.person_id == keep)).scalars())
    for table in MOVED:
        for row in conn.execute(select(table).where(table.c.person_id == other)).mappings().all():
            if table is t.tags and row["tag"] in keep_tags:
                log.keep(table, row, "delete")
                conn.execute(delete(table).where(table.c.id == row["id"]))
                continue
            log.keep(table, row, "update")
            conn.execute(update(table).where(table.c.id == row["id"]).values(person_id=keep))
    mc = t.merge_candidates
    for row in (
        conn.execute(select(mc).where(or_(mc.c.person_a == other, mc.c.person_b == other))).mappings().all()
    ):
        log.keep(mc, row, "delete")
        conn.execute(delete(mc).where(mc.c.id == row["id"]))
    conn.execute(update(t.people).where(t.people.c.introduced_by_id == other).values(introduced_by_id=keep))
    conn.execute(delete(t.people).where(t.people.c.id == other))
    # The people last: a batch undo puts before-images back newest first, and they must exist first.
    log.keep(t.people, keep_row, "update")
    log.keep(t.people, other_row, "delete")
    return merge_id


class _Log:
    def __init__(self, conn: Connection, account_id: int, merge_id: int, batch_id: int | None) -> None:
        self.conn, self.account_id, self.merge_id, self.batch_id = conn, account_id, merge_id, batch_id

    def keep(self, table: Any, row: Any, op: str) -> None:
        self.conn.execute(
            insert(t.changes).values(
                account_id=self.account_id,
                batch_id=self.batch_id,
                merge_id=self.merge_id,
                table_name=table.name,
                row_id=row["id"],
                op=op,
                before=to_json(dict(row)),
            )
        )
