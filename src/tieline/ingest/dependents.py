"""What later work was built on a batch: the later batches and merges that must be undone before it.

Undoing batch N puts back the before-images N kept and deletes the rows N wrote. That is exact only
if nothing still in force has since used those rows: a later import whose messages point at N's
people or handles, that changed a row N wrote or changed, that gave N's people a job or a handle;
a merge that folded one of N's people or moved N's rows. Those are N's dependents (and, in turn,
theirs). `imports undo N` refuses while there are any; `--with-later` undoes them first, newest
first, so every undo runs on rows exactly as its batch left them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, and_, exists, or_, select

from tieline.ingest.context import utc
from tieline.store import tables as t

PERSON_ROWS = (t.handles, t.positions, t.notes, t.tags)
WRITTEN = (t.people, t.handles, t.positions, t.notes, t.tags, t.interactions, t.merge_candidates)


@dataclass(frozen=True)
class Later:
    kind: str  # "batch" or "merge"
    id: int
    when: datetime

    def __str__(self) -> str:
        return f"batch {self.id}" if self.kind == "batch" else f"merge #{self.id}"


def dependents(conn: Connection, account_id: int, batch_id: int) -> list[Later]:
    """Every later batch and merge still in force that builds on ``batch_id``, newest first."""
    b, m = t.batches, t.merges
    started = utc(conn.execute(select(b.c.started_at).where(b.c.id == batch_id)).scalar_one())
    assert started is not None
    batches = [
        Later("batch", int(r.id), utc(r.started_at) or started)
        for r in conn.execute(
            select(b.c.id, b.c.started_at).where(
                and_(b.c.account_id == account_id, b.c.id > batch_id, b.c.status != "undone")
            )
        )
    ]
    merges = [
        Later("merge", int(r.id), utc(r.merged_at) or started)
        for r in conn.execute(
            select(m.c.id, m.c.merged_at).where(
                and_(
                    m.c.account_id == account_id,
                    m.c.undone.is_(False),
                    # an import's own automatic merge is part of that batch: its undo takes the merge back
                    or_(m.c.batch_id.is_(None), m.c.batch_id != batch_id),
                )
            )
        )
        if (utc(r.merged_at) or started) >= started
    ]
    found: list[Later] = []
    base = {batch_id}
    grew = True
    while grew:
        grew = False
        for later in batches:
            if later not in found and _batch_uses(conn, later.id, base):
                found.append(later)
                base.add(later.id)
                grew = True
    for later in merges:
        if _merge_uses(conn, later.id, base):
            found.append(later)
    return sorted(found, key=lambda x: (x.when, x.kind == "merge", x.id), reverse=True)


def _changed_by(batch_ids: set[int], table_name: str) -> object:
    ch = t.changes
    return select(ch.c.row_id).where(and_(ch.c.batch_id.in_(batch_ids), ch.c.table_name == table_name))


def _batch_uses(conn: Connection, later: int, base: set[int]) -> bool:
    p, h, pa, i, ch = t.people, t.handles, t.participants, t.interactions, t.changes
    their_people = select(p.c.id).where(p.c.batch_id.in_(base))
    their_handles = select(h.c.id).where(h.c.batch_id.in_(base))
    attached = _changed_by(base, "handles")
    checks = [
        exists().where(
            and_(
                i.c.batch_id == later,
                pa.c.interaction_id == i.c.id,
                or_(
                    pa.c.person_id.in_(their_people),
                    pa.c.handle_id.in_(their_handles),
                    pa.c.handle_id.in_(attached),  # type: ignore[arg-type]
                ),
            )
        ),
        *(
            exists().where(and_(table.c.batch_id == later, table.c.person_id.in_(their_people)))
            for table in PERSON_ROWS
        ),
    ]  # A merge candidate naming one of their people is only a suggestion: it goes with them.
    # Messages or members a later batch added to a group conversation one of them began.
    c, m = t.conversations, t.conversation_members
    their_groups = select(c.c.id).where(c.c.batch_id.in_(base))
    checks += [
        exists().where(and_(i.c.batch_id == later, i.c.conversation_id.in_(their_groups))),
        exists().where(and_(m.c.batch_id == later, m.c.conversation_id.in_(their_groups))),
    ]
    for table in WRITTEN:
        theirs = select(table.c.id).where(table.c.batch_id.in_(base))
        checks.append(
            exists().where(
                and_(
                    ch.c.batch_id == later,
                    ch.c.table_name == table.name,
                    or_(ch.c.row_id.in_(theirs), ch.c.row_id.in_(_changed_by(base, table.name))),  # type: ignore[arg-type]
                )
            )
        )
    return any(conn.execute(select(check)).scalar() for check in checks)


def _merge_uses(conn: Connection, merge_id: int, base: set[int]) -> bool:
    ch = t.changes
    touched: set[tuple[str, int]] = set()
    for table_name, row_id, before in conn.execute(
        select(ch.c.table_name, ch.c.row_id, ch.c.before).where(ch.c.merge_id == merge_id)
    ):
        if isinstance(before, dict) and before.get("batch_id") in base:
            return True
        touched.add((table_name, int(row_id)))
    for table_name in {name for name, _ in touched}:
        changed = set(conn.execute(_changed_by(base, table_name)).scalars())  # type: ignore[call-overload]
        if any((table_name, int(r)) in touched for r in changed):
            return True
    return False
