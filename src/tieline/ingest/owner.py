"""When the owner's handles change, what is stored is read again: who wrote, and who is a person.

An import made before the owner was known took the owner's messages for incoming ones and kept
everyone on handles only (no two-way contact was seen). Adding a handle to "me" turns the
interactions it sent into outgoing ones and makes people of the handles that now have two-way
contact; removing it turns them back. Either runs as a batch of its own, so ``imports undo`` takes
it back like any import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, and_, delete, insert, select, update

from tieline.ingest.contacts import write_me
from tieline.ingest.context import Context, Counts, to_json
from tieline.ingest.history import HistoryWriter
from tieline.ingest.index import HandleIndex, Key
from tieline.records import Participant
from tieline.store import stale
from tieline.store import tables as t


@dataclass
class OwnerChange:
    kind: str
    value: str
    batch: int | None = None
    redirected: int = 0  # stored interactions whose direction changed
    promoted: int = 0  # handles that became people


def claim(conn: Connection, account_id: int, key: Key) -> OwnerChange:
    """Make ``key`` the owner's and re-read what it sent."""
    out = OwnerChange(*key)
    index = HandleIndex.load(conn, account_id)
    if key in index.me:
        return out
    entry = index.handles.get(key)
    if entry is None:  # nothing stored involves it: no batch to undo, as before any import
        conn.execute(insert(t.me_handles).values(account_id=account_id, kind=key[0], value=key[1]))
        return out
    ctx = _context(conn, account_id, index, f"me add {key[1]}")
    write_me(ctx, [key])
    sent = _sent_by(conn, int(entry[0]), "in")  # type: ignore[arg-type]
    out.redirected = _redirect(ctx, sent, "out")
    writer = HistoryWriter(ctx)
    pa = t.participants
    for hid, pid in conn.execute(
        select(pa.c.handle_id, pa.c.person_id)
        .join(t.interactions, t.interactions.c.id == pa.c.interaction_id)
        .where(
            and_(
                pa.c.interaction_id.in_(sent),
                pa.c.handle_id != entry[0],
                t.interactions.c.bulk.is_(False),
            )
        )
        .distinct()
    ).all():
        if pid is None and index.by_id[hid][1] is None:
            writer.promote(hid, Participant())
            out.promoted += 1
    # The members of the group conversations it wrote to: a group message keeps only its sender.
    i, m = t.interactions, t.conversation_members
    groups = select(i.c.conversation_id).where(and_(i.c.id.in_(sent), i.c.bulk.is_(False)))
    for hid in conn.execute(
        select(m.c.handle_id)
        .where(and_(m.c.conversation_id.in_(groups), m.c.handle_id != entry[0]))
        .distinct()
    ).scalars():
        if index.by_id[hid][1] is None:
            writer.promote(hid, Participant())
            out.promoted += 1
    out.batch = _finish(ctx)
    return out


def release(conn: Connection, account_id: int, key: Key) -> OwnerChange:
    """The handle is not the owner's after all: what it sent is incoming again (people made stay)."""
    out = OwnerChange(*key)
    m = t.me_handles
    row = conn.execute(
        select(m.c.id).where(and_(m.c.account_id == account_id, m.c.kind == key[0], m.c.value == key[1]))
    ).first()
    if row is None:
        return out
    index = HandleIndex.load(conn, account_id)
    ctx = _context(conn, account_id, index, f"me remove {key[1]}")
    ctx.log_change(m, int(row.id), "delete")
    conn.execute(delete(m).where(m.c.id == row.id))
    entry = index.handles.get(key)
    if entry is not None:
        out.redirected = _redirect(ctx, _sent_by(conn, int(entry[0]), "out"), "in")  # type: ignore[arg-type]
    out.batch = _finish(ctx)
    return out


def _sent_by(conn: Connection, handle_id: int, direction: str) -> list[int]:
    pa, i = t.participants, t.interactions
    return list(
        conn.execute(
            select(i.c.id)
            .join(pa, pa.c.interaction_id == i.c.id)
            .where(and_(pa.c.handle_id == handle_id, pa.c.role == "sender", i.c.direction == direction))
        ).scalars()
    )


def _redirect(ctx: Context, ids: list[int], direction: str) -> int:
    i = t.interactions
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        rows = ctx.conn.execute(select(i).where(i.c.id.in_(part))).mappings().all()
        ctx.conn.execute(
            insert(t.changes),
            [
                {
                    "account_id": ctx.account_id,
                    "batch_id": ctx.batch_id,
                    "table_name": i.name,
                    "row_id": r["id"],
                    "op": "update",
                    "before": to_json(dict(r)),
                }
                for r in rows
            ],
        )
        ctx.conn.execute(update(i).where(i.c.id.in_(part)).values(direction=direction))
    return len(ids)


def _context(conn: Connection, account_id: int, index: HandleIndex, what: str) -> Context:
    now = datetime.now(UTC)
    batch = conn.execute(
        insert(t.batches)
        .values(account_id=account_id, source="me", paths=what[:500], started_at=now, status="running")
        .returning(t.batches.c.id)
    ).scalar_one()
    stale.mark(conn, account_id, batch_id=int(batch))
    return Context(conn, account_id, int(batch), index, Counts(), now)


def _finish(ctx: Context) -> int:
    ctx.conn.execute(
        update(t.batches)
        .where(t.batches.c.id == ctx.batch_id)
        .values(
            status="done", finished_at=datetime.now(UTC), stats={"people_created": ctx.counts.people_created}
        )
    )
    return ctx.batch_id
