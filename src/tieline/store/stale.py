"""Marks on the ties whose derived data (summary, cached score, text-index row) is out of date.

Every writer of people or interactions calls :func:`mark` in its own transaction, so a mark exists
whenever the write does, even if the process dies before the derived data is brought up to date. The
readers that keep derived data (``services.strength.catch_up``, ``insight.textindex.refresh``) read the
marks with one index lookup, bring the named ties up to date, and :func:`clear` exactly the marks they
read: a mark added meanwhile by another process stays for the next reader.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import Connection, and_, delete, insert, select, update

from tieline.store import tables as t

Kind = Literal["scores", "text"]


@dataclass
class Marks:
    """What the marks of one kind name: people, import batches, or everyone."""

    ids: list[int] = field(default_factory=list)  # the marks' own ids, to clear exactly these
    people: set[int] = field(default_factory=set)
    batches: set[int] = field(default_factory=set)
    everyone: bool = False
    of_batch: dict[int, list[int]] = field(default_factory=dict)  # batch -> the ids of the marks naming it

    def __bool__(self) -> bool:
        return bool(self.ids)

    def leave(self, batches: set[int]) -> None:
        """Leave the marks of these batches for later (an import still writing them)."""
        gone = {mark_id for b in batches for mark_id in self.of_batch.pop(b, [])}
        self.ids = [mark_id for mark_id in self.ids if mark_id not in gone]
        self.batches -= batches


def mark(
    conn: Connection,
    account_id: int,
    person_ids: Iterable[int] = (),
    batch_id: int | None = None,
    everyone: bool = False,
) -> None:
    """Mark these people's ties (or a batch's, or everyone's) as out of date, in the caller's transaction."""
    rows = [
        {"account_id": account_id, "person_id": int(pid), "batch_id": None, "scores": True, "text": True}
        for pid in sorted({int(p) for p in person_ids})
    ]
    if batch_id is not None or everyone:
        rows.append(
            {"account_id": account_id, "person_id": None, "batch_id": batch_id, "scores": True, "text": True}
        )
    for start in range(0, len(rows), 2000):
        conn.execute(insert(t.stale_ties), rows[start : start + 2000])


def pending(conn: Connection, account_id: int, kind: Kind) -> Marks:
    """The marks of one kind (``scores`` or ``text``) not yet cleared."""
    st = t.stale_ties
    out = Marks()
    for mark_id, pid, batch_id in conn.execute(
        select(st.c.id, st.c.person_id, st.c.batch_id).where(
            and_(st.c.account_id == account_id, st.c[kind].is_(True))
        )
    ):
        out.ids.append(int(mark_id))
        if pid is not None:
            out.people.add(int(pid))
        elif batch_id is not None:
            out.batches.add(int(batch_id))
            out.of_batch.setdefault(int(batch_id), []).append(int(mark_id))
        else:
            out.everyone = True
    return out


def clear(conn: Connection, account_id: int, marks: Marks, kind: Kind, text_too: bool = False) -> None:
    """Clear exactly these marks for one kind (and for the text index too when it is not built yet, since
    its first build is whole); a mark cleared for both kinds is deleted."""
    st = t.stale_ties
    values = {kind: False} | ({"text": False} if text_too else {})
    for start in range(0, len(marks.ids), 500):
        chunk = marks.ids[start : start + 500]
        conn.execute(
            update(st).where(and_(st.c.account_id == account_id, st.c.id.in_(chunk))).values(**values)
        )
        conn.execute(delete(st).where(and_(st.c.id.in_(chunk), st.c.scores.is_(False), st.c.text.is_(False))))
