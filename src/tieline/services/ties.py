"""Per-tie summaries and a person's share of their group conversations, read with the database's means.

A tie's history is the interactions the person took part in (one-to-one, mail, meetings, their own
messages in groups) plus the owner's messages in the group conversations they are a member of.
``tie_summaries`` keeps that history in a few figures; every write that changes a tie calls
:func:`refresh` for the people it touched, so reads never aggregate interactions themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, distinct, func, insert, or_, select
from sqlalchemy.sql.elements import ColumnElement

from tieline.ingest.batch_rows import shown_status
from tieline.ingest.context import utc
from tieline.store import stale
from tieline.store import tables as t
from tieline.strength import defaults

CHUNK = 500
MINE = ("out", "both")


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _day(conn: Connection, when: Any) -> ColumnElement[Any]:
    if conn.dialect.name == "postgresql":
        return func.date_trunc("day", when)
    return func.date(when)


def members_of(account_id: int, person_ids: list[int]) -> Any:
    """(person, conversation, left_at) for every membership of these people."""
    m, h = t.conversation_members, t.handles
    return (
        select(h.c.person_id, m.c.conversation_id, m.c.left_at)
        .join(h, h.c.id == m.c.handle_id)
        .where(and_(m.c.account_id == account_id, h.c.person_id.in_(person_ids)))
        .subquery()
    )


def _mine_in(member: Any) -> Any:
    """The owner's messages in the member's conversations, while they were a member."""
    i = t.interactions
    return and_(
        i.c.conversation_id == member.c.conversation_id,
        i.c.direction.in_(MINE),
        or_(member.c.left_at.is_(None), i.c.happened_at <= member.c.left_at),
    )


def group_events(conn: Connection, account_id: int, person_ids: list[int]) -> Iterator[tuple[Any, ...]]:
    """The owner's messages in each member's groups, one event per person, conversation and day:
    (person, time, channel, direction, group size, duration, kind, bulk) as the model reads them."""
    i = t.interactions
    for ids in _chunks(person_ids):
        member = members_of(account_id, ids)
        day = _day(conn, i.c.happened_at)
        q = (
            select(
                member.c.person_id,
                func.min(i.c.happened_at),
                i.c.channel,
                func.max(i.c.group_size),
                func.count(),
            )
            .join(i, _mine_in(member))
            .group_by(member.c.person_id, member.c.conversation_id, day, i.c.channel)
        )
        for pid, when, channel, size, _n in conn.execute(q):
            yield pid, when, channel, "out", size, None, "conversation", False


def refresh(conn: Connection, account_id: int, person_ids: Iterable[int] | None = None) -> int:
    """Recompute the summaries of these people (everyone when None). Returns how many."""
    p = t.people
    if person_ids is None:
        ids = list(conn.execute(select(p.c.id).where(p.c.account_id == account_id)).scalars())
    else:
        wanted = sorted(set(person_ids))
        ids = [
            pid
            for chunk in _chunks(wanted)
            for pid in conn.execute(
                select(p.c.id).where(and_(p.c.account_id == account_id, p.c.id.in_(chunk)))
            ).scalars()
        ]
    ts = t.tie_summaries
    for chunk in _chunks(ids):
        rows = _summaries(conn, account_id, chunk)
        conn.execute(delete(ts).where(and_(ts.c.account_id == account_id, ts.c.person_id.in_(chunk))))
        conn.execute(insert(ts), rows)
    return len(ids)


def interactions_of(conn: Connection, account_id: int, pid: int) -> int:
    """How many interactions a person's tie has, counted now (for someone without a summary)."""
    return int(_summaries(conn, account_id, [pid])[0]["interactions"])


def settled(conn: Connection, marks: stale.Marks) -> stale.Marks:
    """The marks without those of imports still running: what such an import writes after a reader looked
    would otherwise lose its mark; the import catches its own batch up when it ends."""
    if marks.batches:
        b = t.batches
        running = {
            int(r.id)
            for r in conn.execute(
                select(b.c.id, b.c.status, b.c.stats).where(b.c.id.in_(sorted(marks.batches)))
            )
            if shown_status(r.status, r.stats) == "running"
        }
        marks.leave(running)
    return marks


def touched_by_batch(conn: Connection, batch_id: int) -> set[int]:
    """The people whose tie an import may have changed: created, updated, or in its interactions."""
    i, pa, p, ch, h = t.interactions, t.participants, t.people, t.changes, t.handles
    out = set(
        conn.execute(
            select(pa.c.person_id)
            .join(i, i.c.id == pa.c.interaction_id)
            .where(and_(i.c.batch_id == batch_id, pa.c.person_id.is_not(None)))
            .distinct()
        ).scalars()
    )
    out |= set(conn.execute(select(p.c.id).where(p.c.batch_id == batch_id)).scalars())
    # The members of the group conversations the batch wrote to (their share of it changed).
    m = t.conversation_members
    groups = select(i.c.conversation_id).where(
        and_(i.c.batch_id == batch_id, i.c.conversation_id.is_not(None))
    )
    out |= {
        pid
        for pid in conn.execute(
            select(h.c.person_id)
            .join(m, m.c.handle_id == h.c.id)
            .where(m.c.conversation_id.in_(groups))
            .distinct()
        ).scalars()
        if pid is not None
    }
    out |= set(
        conn.execute(
            select(ch.c.row_id).where(and_(ch.c.batch_id == batch_id, ch.c.table_name == "people"))
        ).scalars()
    )
    # What the text index holds of a person: their jobs, tags and notes.
    for table in (t.positions, t.tags, t.notes):
        if "batch_id" in table.c:
            out |= set(conn.execute(select(table.c.person_id).where(table.c.batch_id == batch_id)).scalars())
    handle_ids = select(ch.c.row_id).where(and_(ch.c.batch_id == batch_id, ch.c.table_name == "handles"))
    out |= {
        pid
        for pid in conn.execute(select(h.c.person_id).where(h.c.id.in_(handle_ids))).scalars()
        if pid is not None
    }
    return out


def _summaries(conn: Connection, account_id: int, ids: list[int]) -> list[dict[str, Any]]:
    i, pa = t.interactions, t.participants
    figures: dict[int, dict[str, Any]] = {
        pid: {
            "account_id": account_id,
            "person_id": pid,
            "interactions": 0,
            "sent": 0,
            "received": 0,
            "groups": 0,
            "first_contact": None,
            "last_contact": None,
            "last_sent": None,
            "last_received": None,
            "rhythm_days": None,
            "channels": {},
        }
        for pid in ids
    }
    direct = (
        select(
            pa.c.person_id,
            i.c.channel,
            i.c.direction,
            func.count(distinct(i.c.id)),
            func.min(i.c.happened_at),
            func.max(i.c.happened_at),
        )
        .join(i, i.c.id == pa.c.interaction_id)
        .where(pa.c.person_id.in_(ids))
        .group_by(pa.c.person_id, i.c.channel, i.c.direction)
    )
    member = members_of(account_id, ids)
    groups = (
        select(
            member.c.person_id,
            i.c.channel,
            i.c.direction,
            func.count(distinct(i.c.id)),
            func.min(i.c.happened_at),
            func.max(i.c.happened_at),
        )
        .join(i, _mine_in(member))
        .group_by(member.c.person_id, i.c.channel, i.c.direction)
    )
    for q in (direct, groups):
        for pid, channel, direction, n, first, last in conn.execute(q):
            _add(figures[pid], channel, direction or "unknown", int(n), utc(first), utc(last))
    shared = select(member.c.person_id, func.count(distinct(member.c.conversation_id))).group_by(
        member.c.person_id
    )
    for pid, n in conn.execute(shared):
        figures[pid]["groups"] = int(n)
    for f in figures.values():
        n, first, last = f["interactions"], f["first_contact"], f["last_contact"]
        if n >= 2 and first is not None and last is not None:
            f["rhythm_days"] = (last - first).total_seconds() / 86400 / (n - 1)
    return list(figures.values())


def _add(
    f: dict[str, Any], channel: str, direction: str, n: int, first: datetime | None, last: datetime | None
) -> None:
    f["interactions"] += n
    by_direction = f["channels"].setdefault(channel, {})
    by_direction[direction] = by_direction.get(direction, 0) + n
    if direction in MINE:
        f["sent"] += n
        f["last_sent"] = _later(f["last_sent"], last)
    if direction in ("in", "both"):
        f["received"] += n
        f["last_received"] = _later(f["last_received"], last)
    f["last_contact"] = _later(f["last_contact"], last)
    if first is not None and (f["first_contact"] is None or first < f["first_contact"]):
        f["first_contact"] = first


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None or b is None:
        return a or b
    return max(a, b)


@dataclass(frozen=True)
class Ranked:
    """A tie among the highest cached scores, with its layer among every scored tie (5: beyond)."""

    person_id: int
    score: float
    p_call: float | None
    state: str
    layer: int


def top_scores(conn: Connection, account_id: int, most: int | None = None) -> list[Ranked]:
    """The ``most`` highest cached scores (by default as many as the largest layer holds), best first,
    each with its layer: read from the top of the score index, never every tie."""
    ts = t.tie_scores
    rows = conn.execute(
        select(ts.c.person_id, ts.c.score, ts.c.p_call, ts.c.state)
        .where(and_(ts.c.account_id == account_id, ts.c.score.is_not(None)))
        .order_by(ts.c.score.desc(), ts.c.person_id)
        .limit(max(defaults.LAYER_SIZES) if most is None else most)
    ).all()
    layers = layers_of_top([float(r.score) for r in rows])
    return [
        Ranked(
            int(r.person_id), float(r.score), None if r.p_call is None else float(r.p_call), r.state, layer
        )
        for r, layer in zip(rows, layers, strict=True)
    ]


def layers_of_top(scores: list[float]) -> list[int]:
    """The Dunbar layer of each of the highest scores, given in descending order: the rule of
    :func:`tieline.strength.layers.assign_layers` (rank within a layer's size and its threshold met)
    without numpy, for reads that show a few people. Ties beyond the largest layer are "beyond"."""
    sizes, thresholds = defaults.LAYER_SIZES, defaults.LAYER_THRESHOLDS
    out = []
    for rank, s in enumerate(scores, start=1):
        inside = [k + 1 for k in range(len(sizes)) if rank <= sizes[k] and s >= thresholds[k]]
        out.append(min(inside) if inside else len(sizes) + 1)
    return out
