"""Tie strength for the people in the store: load their history as columns, score, explain.

The same :func:`tieline.strength.model.score` serves the product and ``tieline model score/eval``;
this module only turns rows into the model's columns and its answers back into people.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, and_, select

from tieline.ingest.context import utc
from tieline.services.lookup import find_person
from tieline.store import tables as t
from tieline.store.db import Store
from tieline.strength.events import (
    CHANNEL_CODE,
    DIRECTION_CODE,
    KIND_CODE,
    RELATIONSHIP_CODE,
    EventTable,
    TieFacts,
)
from tieline.strength.explain import explain as explain_terms
from tieline.strength.explain import summary as explain_summary
from tieline.strength.model import Scores, score

LAYER_NAMES = {1: "support", 2: "sympathy", 3: "affinity", 4: "active", 5: "beyond"}


@dataclass(frozen=True)
class Network:
    """Every person's tie, scored as of one moment."""

    person_ids: list[int]
    scores: Scores
    as_of: datetime

    def index(self) -> dict[int, int]:
        return {pid: i for i, pid in enumerate(self.person_ids)}

    def row(self, i: int) -> dict[str, Any]:
        s = float(self.scores.score[i])
        layer = int(self.scores.layer[i])
        p = float(self.scores.p_call[i])
        return {
            "strength": None if np.isnan(s) else round(s, 4),
            "layer": layer or None,
            "state": str(self.scores.state[i]),
            "p_call": None if np.isnan(p) else round(p, 4),
        }


def _ts(dt: datetime | None) -> float:
    d = utc(dt)
    return d.timestamp() if d is not None else float("nan")


def load(
    conn: Connection, account_id: int, person_ids: Iterable[int] | None = None
) -> tuple[list[int], EventTable, TieFacts]:
    """The people (all, or those given), their interactions as columns, and what the user said about them."""
    p = t.people
    q = select(p.c.id, p.c.connected_on, p.c.relationship, p.c.closeness, p.c.would_take_call).where(
        p.c.account_id == account_id
    )
    wanted = None if person_ids is None else sorted(set(person_ids))
    if wanted is not None:
        q = q.where(p.c.id.in_(wanted))
    people = conn.execute(q.order_by(p.c.id)).all()
    ids = [r.id for r in people]
    index = {pid: i for i, pid in enumerate(ids)}
    facts = TieFacts(
        start=np.array([_ts(r.connected_on) for r in people], dtype=np.float64),
        relationship=np.array([RELATIONSHIP_CODE.get(r.relationship, 0) for r in people], dtype=np.int8),
        closeness=np.array(
            [np.nan if r.closeness is None else r.closeness for r in people], dtype=np.float64
        ),
        would_take_call=np.array(
            [np.nan if r.would_take_call is None else float(r.would_take_call) for r in people],
            dtype=np.float64,
        ),
    )
    i, pa = t.interactions, t.participants
    eq = (
        select(
            pa.c.person_id,
            i.c.happened_at,
            i.c.channel,
            i.c.direction,
            i.c.group_size,
            i.c.duration_s,
            i.c.kind,
            i.c.bulk,
        )
        .join(i, i.c.id == pa.c.interaction_id)
        .where(and_(pa.c.account_id == account_id, pa.c.person_id.is_not(None)))
    )
    if wanted is not None:
        eq = eq.where(pa.c.person_id.in_(wanted))
    tie: list[int] = []
    ts: list[float] = []
    channel: list[int] = []
    direction: list[int] = []
    group: list[int] = []
    duration: list[float] = []
    kind: list[int] = []
    bulk: list[bool] = []
    email = CHANNEL_CODE["email"]
    for pid, when, ch, dr, gs, dur, kd, bk in conn.execute(eq):
        k = index.get(pid)
        if k is None:
            continue
        tie.append(k)
        ts.append(_ts(when))
        channel.append(CHANNEL_CODE.get(ch, email))
        direction.append(DIRECTION_CODE.get(dr, 0))
        group.append(min(int(gs or 2), 32000))
        duration.append(float("nan") if dur is None else float(dur))
        kind.append(KIND_CODE.get(kd, 0))
        bulk.append(bool(bk))
    events = EventTable.from_arrays(tie, ts, channel, direction, group, duration, kind, bulk)
    return ids, events, facts


def network(store: Store, as_of: datetime | None = None) -> Network:
    """Score every tie from scratch as of ``as_of`` (now by default)."""
    when = (as_of or datetime.now(UTC)).astimezone(UTC)
    from tieline.services.model import weights

    with store.read() as conn:
        ids, events, facts = load(conn, store.account_id)
    return Network(ids, score(events, len(ids), when.timestamp(), facts, weights(store)), when)


def explain(store: Store, ref: str, as_of: datetime | None = None) -> dict[str, Any]:
    """One person's score, layer, state and each term's contribution in plain words."""
    with store.read() as conn:
        pid = find_person(conn, store.account_id, ref)
        name = conn.execute(select(t.people.c.name).where(t.people.c.id == pid)).scalar_one()
    net = network(store, as_of)
    i = net.index()[pid]
    row = net.row(i)
    terms = [
        {"term": term, "contribution": round(contribution, 4), "words": words}
        for term, contribution, words in explain_terms(net.scores, i)
    ]
    return {
        "id": pid,
        "name": name,
        "as_of": net.as_of.isoformat(),
        **row,
        "layer_name": LAYER_NAMES.get(row["layer"] or 0),
        "logit": round(float(net.scores.logit[i]), 4),
        "summary": explain_summary(net.scores, i),
        "terms": terms,
    }
