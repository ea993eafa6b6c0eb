"""The network in the few figures `health` and `due` need: counts and sums, and the ties of the top layers.

For the present they are read by the database from the cached scores (:func:`now`): the counts and sums
by state are aggregates over a covering index, the layers come from the highest scores (an indexed
``ORDER BY score DESC LIMIT 150``; every other scored tie is "beyond"), and the people out of the counts
(archived, or connected in the future) are two index ranges. So a read does work in proportion to what
it shows, whatever the size of the network. A past moment has no cache: there every tie is scored anew
(:class:`tieline.insight.ties.Picture`) and :func:`of_picture` gives the same figures from it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, case, func, select, union

from tieline.services import roster
from tieline.services.ties import Ranked, top_scores
from tieline.store import tables as t
from tieline.store.db import Store
from tieline.strength import defaults

CHUNK = 500
STATES = roster.STATES


@dataclass(frozen=True)
class Overview:
    """Who counts at one moment, in figures: connections, expected callers, by state and layer."""

    as_of: datetime
    connections: int
    would_take_call: float  # the sum of every counted tie's probability
    likely: int  # counted ties with a probability above 0.5
    states: dict[str, int]
    layers: dict[int, int]  # layer (0 unknown, 1..5) -> counted ties
    top: list[Ranked]  # the counted ties in layers 1..4, best first
    left_out: frozenset[int] = frozenset()  # people out of the counts (for :func:`now`)
    members: frozenset[int] | None = None  # everyone counted, when known (a past picture)

    def counted(self, conn: Connection, account_id: int, person_ids: Iterable[int]) -> set[int]:
        """Which of these people count: they have a tie scored and are not left out."""
        ids = sorted({int(pid) for pid in person_ids})
        if self.members is not None:
            return {pid for pid in ids if pid in self.members}
        ts = t.tie_scores
        found: set[int] = set()
        for start in range(0, len(ids), CHUNK):
            found |= set(
                conn.execute(
                    select(ts.c.person_id).where(
                        and_(ts.c.account_id == account_id, ts.c.person_id.in_(ids[start : start + CHUNK]))
                    )
                ).scalars()
            )
        return found - self.left_out


def now(store: Store) -> Overview:
    """The network now, from the cached scores (the marked ties caught up first)."""
    from tieline.services.catchup import catch_up

    catch_up(store)
    when = datetime.now(UTC)
    ts, a = t.tie_scores, store.account_id
    with store.read() as conn:
        out = frozenset(left_out_now(conn, a, when))
        by_state = conn.execute(
            select(
                ts.c.state,
                func.count(),
                func.sum(ts.c.p_call),
                func.sum(case((ts.c.p_call > 0.5, 1), else_=0)),
            )
            .where(ts.c.account_id == a)
            .group_by(ts.c.state)
        ).all()
        gone: list[Any] = []
        ids = sorted(out)
        for start in range(0, len(ids), CHUNK):
            gone += conn.execute(
                select(ts.c.state, ts.c.p_call).where(
                    and_(ts.c.account_id == a, ts.c.person_id.in_(ids[start : start + CHUNK]))
                )
            ).all()
        top = top_ties(conn, a)
    states: Counter[str] = Counter()
    total, likely = 0.0, 0
    for state, n, p_sum, above in by_state:
        states[state] += int(n)
        total += float(p_sum or 0.0)
        likely += int(above or 0)
    for state, p in gone:
        states[state] -= 1
        if p is not None:
            total -= float(p)
            likely -= int(p > 0.5)
    counted_top = [r for r in top if r.person_id not in out]
    connections = sum(states.values())
    layers = Counter(r.layer for r in counted_top)
    layers[0] = states.get("unknown", 0)
    layers[5] = connections - layers[0] - sum(layers[k] for k in (1, 2, 3, 4))
    return Overview(
        when,
        connections,
        total,
        likely,
        {s: states.get(s, 0) for s in STATES},
        dict(layers),
        counted_top,
        left_out=out,
    )


def top_ties(conn: Connection, account_id: int) -> list[Ranked]:
    """The ties in layers 1..4 among every cached score (the archived ones too, as the layers rank them)."""
    return [r for r in top_scores(conn, account_id) if r.layer <= len(defaults.LAYER_SIZES)]


def left_out_now(conn: Connection, account_id: int, when: datetime) -> set[int]:
    """Who is out of the counts at ``when`` whatever their history: archived by then, or connected later.
    Two index ranges; the account is checked on the rows found, since given the account SQLite would
    walk every one of its people through an index that leads with it instead."""
    p = t.people
    archived = select(p.c.id, p.c.account_id).where(p.c.archived_at <= when)
    later = select(p.c.id, p.c.account_id).where(p.c.connected_on > when)
    return {int(pid) for pid, account in conn.execute(union(archived, later)) if account == account_id}


def of_picture(pic: object) -> Overview:
    """The same figures from a picture scored at its moment (the past, or a check of :func:`now`)."""
    import numpy as np

    from tieline.insight.ties import Picture

    assert isinstance(pic, Picture)
    layers = Counter(int(x) for x in pic.layer.tolist())
    states = Counter(str(x) for x in pic.state.tolist())
    p_call = np.nan_to_num(pic.p_call, nan=0.0)
    inner = np.flatnonzero((pic.layer >= 1) & (pic.layer <= len(defaults.LAYER_SIZES)))
    inner = inner[np.argsort(-pic.strength[inner], kind="stable")]
    top = [
        Ranked(
            int(pic.ids[i]),
            float(pic.strength[i]),
            None if np.isnan(pic.p_call[i]) else float(pic.p_call[i]),
            str(pic.state[i]),
            int(pic.layer[i]),
        )
        for i in inner.tolist()
    ]
    return Overview(
        pic.as_of,
        len(pic),
        float(p_call.sum()),
        int((p_call > 0.5).sum()),
        {s: states.get(s, 0) for s in STATES},
        {k: layers.get(k, 0) for k in range(6)},
        top,
        members=frozenset(int(x) for x in pic.ids.tolist()),
    )
