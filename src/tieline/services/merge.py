"""Merging two people into one, and taking a merge back."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, or_, select, update

from tieline.errors import NotFound, TielineError
from tieline.ingest.context import from_json, to_json
from tieline.ingest.undo import restore
from tieline.services.lookup import find_person
from tieline.store import tables as t
from tieline.store.db import Store

MOVED = (t.handles, t.positions, t.notes, t.tags, t.participants)


def merge(store: Store, keep_ref: str, other_ref: str) -> int:
    """Move everything of ``other`` onto ``keep`` and delete ``other``; returns the merge id (for undo)."""
    with store.write() as conn:
        keep = find_person(conn, store.account_id, keep_ref)
        other = find_person(conn, store.account_id, other_ref)
        if keep == other:
            raise TielineError("that is the same person twice")
        merge_id = int(
            conn.execute(
                insert(t.merges)
                .values(
                    account_id=store.account_id,
                    kept_id=keep,
                    merged_id=other,
                    merged_at=datetime.now(UTC),
                    undone=False,
                )
                .returning(t.merges.c.id)
            ).scalar_one()
        )
        keep_row = conn.execute(select(t.people).where(t.people.c.id == keep)).mappings().one()
        other_row = conn.execute(select(t.people).where(t.people.c.id == other)).mappings().one()
        _log(conn, store.account_id, merge_id, t.people, keep_row, "update")
        _log(conn, store.account_id, merge_id, t.people, other_row, "delete")
        fill = {
            k: other_row[k]
            for k in (
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
            if keep_row[k] is None and other_row[k] is not None
        }
        if fill:
            conn.execute(update(t.people).where(t.people.c.id == keep).values(**fill))
        keep_tags = set(conn.execute(select(t.tags.c.tag).where(t.tags.c.person_id == keep)).scalars())
        for table in MOVED:
            for row in conn.execute(select(table).where(table.c.person_id == other)).mappings().all():
                if table is t.tags and row["tag"] in keep_tags:
                    _log(conn, store.account_id, merge_id, table, row, "delete")
                    conn.execute(delete(table).where(table.c.id == row["id"]))
                    continue
                _log(conn, store.account_id, merge_id, table, row, "update")
                conn.execute(update(table).where(table.c.id == row["id"]).values(person_id=keep))
        mc = t.merge_candidates
        for row in (
            conn.execute(select(mc).where(or_(mc.c.person_a == other, mc.c.person_b == other)))
            .mappings()
            .all()
        ):
            _log(conn, store.account_id, merge_id, mc, row, "delete")
            conn.execute(delete(mc).where(mc.c.id == row["id"]))
        conn.execute(
            update(t.people).where(t.people.c.introduced_by_id == other).values(introduced_by_id=keep)
        )
        conn.execute(delete(t.people).where(t.people.c.id == other))
    _rescore(store, [keep])
    return merge_id


def undo_merge(store: Store, merge_id: int | None = None) -> int:
    """Take back a merge (the latest when no id is given): the merged person comes back as they were."""
    with store.write() as conn:
        m = t.merges
        q = select(m).where(and_(m.c.account_id == store.account_id, m.c.undone.is_(False)))
        q = q.where(m.c.id == merge_id) if merge_id is not None else q.order_by(m.c.id.desc()).limit(1)
        row = conn.execute(q).mappings().first()
        if row is None:
            raise NotFound("no merge to undo" if merge_id is None else f"no merge #{merge_id} to undo")
        unmerge_in(conn, int(row["id"]))
        undone = int(row["id"])
    _rescore(store, [row["kept_id"], row["merged_id"]])
    return undone


def unmerge_in(conn: Connection, merge_id: int) -> None:
    """Take back one merge inside the caller's transaction."""
    m, ch = t.merges, t.changes
    logged = conn.execute(
        select(ch.c.table_name, ch.c.op, ch.c.before).where(ch.c.merge_id == merge_id).order_by(ch.c.id)
    ).all()
    by_name = {table.name: table for table in (*MOVED, t.people, t.merge_candidates)}
    # People first (the merged one must exist again before rows point back at it).
    for table_name, op, before in sorted(logged, key=lambda r: r.table_name != "people"):
        values = from_json(before)
        restore(conn, by_name[table_name], op, values["id"], values)
    conn.execute(delete(ch).where(ch.c.merge_id == merge_id))
    conn.execute(update(m).where(m.c.id == merge_id).values(undone=True))


def candidates(store: Store) -> list[dict[str, Any]]:
    """Likely duplicates waiting for the user to decide."""
    mc, p = t.merge_candidates, t.people
    a, b = p.alias("a"), p.alias("b")
    with store.read() as conn:
        rows = conn.execute(
            select(
                mc.c.id,
                mc.c.person_a,
                a.c.name.label("name_a"),
                mc.c.person_b,
                b.c.name.label("name_b"),
                mc.c.reason,
                mc.c.score,
            )
            .join(a, a.c.id == mc.c.person_a)
            .join(b, b.c.id == mc.c.person_b)
            .where(and_(mc.c.account_id == store.account_id, mc.c.status == "open"))
            .order_by(mc.c.score.desc(), mc.c.id)
        ).all()
    return [dict(r._mapping) for r in rows]


def _log(conn: Connection, account_id: int, merge_id: int, table: Any, row: Any, op: str) -> None:
    conn.execute(
        insert(t.changes).values(
            account_id=account_id,
            merge_id=merge_id,
            table_name=table.name,
            row_id=row["id"],
            op=op,
            before=to_json(dict(row)),
        )
    )


def _rescore(store: Store, person_ids: list[int]) -> None:
    """Only the people a merge or its undo changed need their summary and score again."""
    from tieline.services.strength import rescore

    rescore(store, person_ids)
