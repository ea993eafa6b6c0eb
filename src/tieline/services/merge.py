"""Merging two people into one, and taking a merge back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, delete, select, update

from tieline.errors import NotFound, TielineError
from tieline.ingest.context import from_json
from tieline.ingest.merging import MOVED, merge_people
from tieline.ingest.undo import restore
from tieline.services.lookup import find_person
from tieline.store import stale
from tieline.store import tables as t
from tieline.store.db import Store


def merge(store: Store, keep_ref: str, other_ref: str) -> int:
    """Move everything of ``other`` onto ``keep`` and delete ``other``; returns the merge id (for undo)."""
    with store.write() as conn:
        keep = find_person(conn, store.account_id, keep_ref)
        other = find_person(conn, store.account_id, other_ref)
        if keep == other:
            raise TielineError("that is the same person twice")
        merge_id = merge_people(conn, store.account_id, keep, other)
        stale.mark(conn, store.account_id, [keep, other])  # the merged one's text-index row goes too
    _catch_up(store)
    return merge_id


def merge_pair(store: Store, pair: int) -> int:
    """Merge a proposed pair (``candidates``): the second person into the first; returns the merge id."""
    for row in candidates(store):
        if row["id"] == pair:
            return merge(store, f"#{row['person_a']}", f"#{row['person_b']}")
    raise NotFound(f"no proposed pair {pair} (see `tieline people duplicates`)")


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
        stale.mark(conn, store.account_id, [row["kept_id"], row["merged_id"]])
    _catch_up(store)
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


def dismiss(store: Store, pair: int) -> dict[str, Any]:
    """Mark a proposed pair as not the same person, for good: no import proposes it again."""
    mc = t.merge_candidates
    with store.write() as conn:
        row = conn.execute(
            select(mc.c.id, mc.c.person_a, mc.c.person_b, mc.c.status).where(
                and_(mc.c.account_id == store.account_id, mc.c.id == pair)
            )
        ).first()
        if row is None:
            raise NotFound(f"no proposed pair {pair} (see `tieline people duplicates`)")
        # Kept apart from the batch that proposed it: undoing that batch does not bring the pair back.
        conn.execute(update(mc).where(mc.c.id == pair).values(status="dismissed", batch_id=None))
    return {"pair": pair, "person_a": row.person_a, "person_b": row.person_b}


def listing(store: Store) -> list[dict[str, Any]]:
    """Every merge, newest first, with its number (for `people unmerge N`), who was kept and who merged."""
    m, ch, p = t.merges, t.changes, t.people
    with store.read() as conn:
        rows = (
            conn.execute(
                select(m, p.c.name.label("kept_name"))
                .outerjoin(p, p.c.id == m.c.kept_id)
                .where(m.c.account_id == store.account_id)
                .order_by(m.c.id.desc())
            )
            .mappings()
            .all()
        )
        gone = {
            merge_id: before.get("name")
            for merge_id, before in conn.execute(
                select(ch.c.merge_id, ch.c.before).where(
                    and_(
                        ch.c.account_id == store.account_id,
                        ch.c.merge_id.is_not(None),
                        ch.c.table_name == p.name,
                        ch.c.op == "delete",
                    )
                )
            )
            if isinstance(before, dict)
        }
    return [
        {
            "merge": r["id"],
            "kept_id": r["kept_id"],
            "kept_name": r["kept_name"],
            "merged_id": r["merged_id"],
            "merged_name": gone.get(r["id"]),
            "merged_at": r["merged_at"].isoformat() if r["merged_at"] else None,
            "reason": r["reason"] or "merged by you",
            "automatic": r["batch_id"] is not None,
            "batch": r["batch_id"],
            "undone": bool(r["undone"]),
        }
        for r in rows
    ]


def _catch_up(store: Store) -> None:
    """Only the people a merge or its undo changed (marked) need their summary and score again."""
    from tieline.services.catchup import catch_up

    catch_up(store)
