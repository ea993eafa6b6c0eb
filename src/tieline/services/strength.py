"""Tie strength for the people in the store: load their history as columns, score, explain.

The same :func:`tieline.strength.model.score` serves the product and ``tieline model score/eval``;
this module only turns rows into the model's columns and its answers back into people.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection, and_, delete, func, insert, select

from tieline.ingest.context import utc
from tieline.services import ties

# Re-exported: every writer and reader calls ``strength.catch_up`` (it loads this module only to score).
from tieline.services.catchup import Progress as Progress
from tieline.services.catchup import catch_up as catch_up
from tieline.services.catchup import outdated as outdated
from tieline.services.lookup import find_person
from tieline.store import tables as t
from tieline.store.db import Store
from tieline.strength import defaults
from tieline.strength.events import (
    F64,
    RELATIONSHIP_CODE,
    EventTable,
    TieFacts,
)
from tieline.strength.explain import explain as explain_terms
from tieline.strength.explain import summary as explain_summary
from tieline.strength.layers import assign_layers
from tieline.strength.model import Scores, score
from tieline.strength.packed import pack, unpack

LAYER_NAMES = {1: "support", 2: "sympathy", 3: "affinity", 4: "active", 5: "beyond"}


@dataclass(frozen=True)
class Network:
    """Every person's tie, scored as of one moment."""

    person_ids: list[int]
    score: F64
    layer: npt.NDArray[np.int8]
    state: list[str]
    p_call: F64
    as_of: datetime
    scores: Scores | None = None  # the full model output (terms, evidence) when scored just now

    @classmethod
    def of(cls, ids: list[int], scores: Scores, as_of: datetime) -> Network:
        return cls(
            ids, scores.score, scores.layer, [str(x) for x in scores.state], scores.p_call, as_of, scores
        )

    def index(self) -> dict[int, int]:
        return {pid: i for i, pid in enumerate(self.person_ids)}

    def row(self, i: int) -> dict[str, Any]:
        s = float(self.score[i])
        layer = int(self.layer[i])
        p = float(self.p_call[i])
        return {
            "strength": None if np.isnan(s) else round(s, 4),
            "layer": layer or None,
            "state": self.state[i],
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
    rows = [
        (index[pid], _ts(when), ch, dr, gs, dur, kd, bk)
        for pid, when, ch, dr, gs, dur, kd, bk in conn.execute(eq)
        if pid in index
    ]
    # Group conversations are stored once: a member's share is derived from the membership.
    rows += [
        (index[pid], _ts(when), ch, dr, gs, dur, kd, bk)
        for pid, when, ch, dr, gs, dur, kd, bk in ties.group_events(conn, account_id, ids)
        if pid in index
    ]
    events = EventTable.from_named_rows(rows)
    return ids, events, facts


def network(store: Store, as_of: datetime | None = None, progress: Progress | None = None) -> Network:
    """Every tie as of ``as_of``, scored from scratch. Without one, the cached scores (each as of when
    it was last rescored); ties not scored yet are scored now, and only they (``progress`` is told).
    A rescore of everything is :func:`rescore_all`, on demand or after an import, never a read's."""
    if as_of is not None:
        return _score_all(store, as_of.astimezone(UTC))
    catch_up(store, progress)
    cached = _cached(store)
    assert cached is not None
    return cached


def _score_all(store: Store, when: datetime) -> Network:
    from tieline.services.model import weights

    with store.read() as conn:
        ids, events, facts = load(conn, store.account_id)
    return Network.of(ids, score(events, len(ids), when.timestamp(), facts, weights(store)), when)


def _cached(store: Store) -> Network | None:
    """The cached scores as columns. Read without the moment of each (one ``min`` in SQL instead): turning
    30,000 timestamps into datetimes cost more than the rest of an insight command."""
    ts = t.tie_scores
    mine = ts.c.account_id == store.account_id
    with store.read() as conn:
        rows = conn.execute(
            select(ts.c.person_id, ts.c.score, ts.c.p_call, ts.c.state).where(mine).order_by(ts.c.person_id)
        ).all()
        oldest = utc(conn.execute(select(func.min(ts.c.as_of)).where(mine)).scalar())
    ids, scores, p_calls, states = (
        (list(col) for col in zip(*rows, strict=True)) if rows else ([], [], [], [])
    )
    score_a = np.array(scores, dtype=np.float64)  # None (unknown) becomes NaN
    p_call = np.array(p_calls, dtype=np.float64)
    return Network(ids, score_a, assign_layers(score_a), states, p_call, oldest or datetime.now(UTC))


def _write_cache(store: Store, net: Network, only: Iterable[int] | None = None) -> None:
    if store.read_only:  # a database on read-only storage is scored afresh each time
        return
    ts = t.tie_scores
    explanations = None if net.scores is None else pack(net.scores)
    rows = [
        {
            "account_id": store.account_id,
            "person_id": pid,
            "model_version": defaults.MODEL_VERSION,
            "as_of": net.as_of,
            "score": None if np.isnan(net.score[i]) else float(net.score[i]),
            "p_call": None if np.isnan(net.p_call[i]) else float(net.p_call[i]),
            "state": net.state[i],
            "explanation": None if explanations is None else explanations[i],
        }
        for i, pid in enumerate(net.person_ids)
    ]
    with store.write() as conn:
        if only is None:
            conn.execute(delete(ts).where(ts.c.account_id == store.account_id))
        else:
            ids = list(only)
            for start in range(0, len(ids), 500):
                conn.execute(
                    delete(ts).where(
                        and_(
                            ts.c.account_id == store.account_id, ts.c.person_id.in_(ids[start : start + 500])
                        )
                    )
                )
        for start in range(0, len(rows), 5000):
            conn.execute(insert(ts), rows[start : start + 5000])


def rescore(store: Store, person_ids: Iterable[int], progress: Progress | None = None) -> int:
    """After a write: bring these ties' summaries and cached scores up to date, as of now. Work is
    proportional to their history, not the network's. Returns how many ties were scored."""
    from tieline.services.model import weights

    ids = sorted(set(person_ids))
    if not ids:
        return 0
    now = datetime.now(UTC)
    w = weights(store)
    done = 0
    for start in range(0, len(ids), RESCORE_CHUNK):
        chunk = ids[start : start + RESCORE_CHUNK]
        with store.write() as conn:
            ties.refresh(conn, store.account_id, chunk)
            found, events, facts = load(conn, store.account_id, chunk)
        if found:
            net = Network.of(found, score(events, len(found), now.timestamp(), facts, w), now)
            _write_cache(store, net, only=found)
        done += len(found)
        if progress is not None:
            progress(start + len(chunk), len(ids))
    return done


def rescore_all(store: Store, progress: Progress | None = None) -> int:
    """Every tie's summary and score, as of now (``tieline model rescore``, or after an import)."""
    with store.read() as conn:
        ids = list(
            conn.execute(select(t.people.c.id).where(t.people.c.account_id == store.account_id)).scalars()
        )
    return rescore(store, ids, progress)


RESCORE_CHUNK = 2000


def explain(store: Store, ref: str, as_of: datetime | None = None) -> dict[str, Any]:
    """One person's score, layer, state and each term's contribution in plain words.

    Without ``as_of``, as of the tie's cached moment, read from its cache row (one row, whatever the
    history's size) like every other read of the cached scores; a row cached before explanations were
    kept is scored again first. With ``as_of``, only this tie is scored from its history. Either way its
    layer is its rank among the cached scores of the others."""
    if as_of is None and not store.read_only:
        catch_up(store)
        with store.read() as conn:
            pid = find_person(conn, store.account_id, ref)
            cached = _cached_explanation(conn, store.account_id, pid)
        if cached is None:
            rescore(store, [pid])
            with store.read() as conn:
                cached = _cached_explanation(conn, store.account_id, pid)
        if cached is not None:
            name, scores, when = cached
            return _explanation(pid, name, scores, when)
    from tieline.services.model import weights

    when = (as_of or datetime.now(UTC)).astimezone(UTC)
    with store.read() as conn:
        pid = find_person(conn, store.account_id, ref)
        name = conn.execute(select(t.people.c.name).where(t.people.c.id == pid)).scalar_one()
        found, events, facts = load(conn, store.account_id, [pid])
        scores = score(events, len(found), when.timestamp(), facts, weights(store))
        s = float(scores.score[0])
        layer = 0 if np.isnan(s) else _layer_among_cached(conn, store.account_id, pid, s)
    return _explanation(pid, name, replace(scores, layer=np.array([layer], dtype=np.int8)), when)


def _cached_explanation(conn: Connection, account_id: int, pid: int) -> tuple[str, Scores, datetime] | None:
    """The person's name, and their tie's scores with what explains them as of its cached moment; None
    when the cache row keeps no explanation (cached before they were kept) or there is no row."""
    p, ts = t.people, t.tie_scores
    row = conn.execute(
        select(
            p.c.name, ts.c.model_version, ts.c.as_of, ts.c.score, ts.c.p_call, ts.c.state, ts.c.explanation
        )
        .select_from(p.outerjoin(ts, and_(ts.c.account_id == account_id, ts.c.person_id == p.c.id)))
        .where(p.c.id == pid)
    ).one()
    when = utc(row.as_of)
    if when is None or row.model_version != defaults.MODEL_VERSION:
        return None
    layer = 0 if row.score is None else _layer_among_cached(conn, account_id, pid, row.score)
    scores = unpack(row.explanation, row.score, row.p_call, row.state, layer, when.timestamp())
    return None if scores is None else (row.name, scores, when)


def _explanation(pid: int, name: str, scores: Scores, when: datetime) -> dict[str, Any]:
    """What ``model explain --json`` prints, for one tie's scores (its layer among all ties')."""
    row = Network([pid], scores.score, scores.layer, [str(x) for x in scores.state], scores.p_call, when).row(
        0
    )
    terms = [
        {"term": term, "contribution": round(contribution, 4), "words": words}
        for term, contribution, words in explain_terms(scores, 0)
    ]
    return {
        "id": pid,
        "name": name,
        "as_of": when.isoformat(),
        **row,
        "layer_name": LAYER_NAMES.get(row["layer"] or 0),
        "logit": round(float(scores.logit[0]), 4),
        "summary": explain_summary(scores, 0),
        "terms": terms,
    }


def _layer_among_cached(conn: Connection, account_id: int, pid: int, s: float) -> int:
    """The layer a score earns among the other ties' cached scores (only the top few can matter)."""
    ts = t.tie_scores
    top = list(
        conn.execute(
            select(ts.c.score)
            .where(and_(ts.c.account_id == account_id, ts.c.score.is_not(None), ts.c.person_id != pid))
            .order_by(ts.c.score.desc())
            .limit(max(defaults.LAYER_SIZES))
        ).scalars()
    )
    ranked = sorted([*top, s], reverse=True)
    return ties.layers_of_top(ranked)[ranked.index(s)]
