"""The headline of network health — connections vs who would take your call, by layer — now and before.

A past headline is the same computation run ``as_of`` that moment. It costs a full rescore, so it is
kept in ``health_snapshots`` with a fingerprint of the data it came from and computed again only when
that data changed (an import, a log, an edit, a merge, an undo, a refit).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import and_, case, delete, func, insert, select

from tieline.ingest.context import utc
from tieline.insight.ties import Picture, pictures
from tieline.store import tables as t
from tieline.store.db import Store
from tieline.strength import defaults
from tieline.strength.layers import LAYER_NAMES

LAYERS = tuple(name for name in LAYER_NAMES.values() if name)


def headline(pic: Picture) -> dict[str, Any]:
    """Connections, the expected number who would take your call, how many likely would, by layer."""
    layers = Counter(pic.layer.tolist())
    states = Counter(pic.state.tolist())
    p_call = np.nan_to_num(pic.p_call, nan=0.0)
    return {
        "as_of": pic.as_of.isoformat(),
        "connections": len(pic),
        "would_take_call": round(float(p_call.sum()), 1),
        "likely": int((p_call > 0.5).sum()),
        "layers": {name: layers.get(number, 0) for number, name in LAYER_NAMES.items() if name}
        | {"unknown": layers.get(0, 0)},
        "states": {
            state: states.get(state, 0)
            for state in ("strong", "stable", "fading", "dormant", "new", "unknown")
        },
    }


def day_start(when: datetime) -> datetime:
    return datetime(when.year, when.month, when.day, tzinfo=UTC)


def fingerprint(store: Store) -> str:
    """What a past headline depends on, in one string that changes whenever that does: a new interaction
    (import, log), an undone or new batch, a person added, edited, archived, merged or forgotten, a refit.
    Each part is an indexed maximum or a count of a small table, so checking costs milliseconds."""
    i, p, w, m, b = t.interactions, t.people, t.model_weights, t.merges, t.batches
    a = store.account_id
    with store.read() as conn:
        # The whole table's newest id, not the account's: SQLite reads it from the end of the rowid tree,
        # while the account's maximum walked the account's index (179 ms at 1,000,000 interactions, on
        # every dashboard). Another account's new interaction only makes this one's snapshot be recomputed.
        max_i = conn.execute(select(func.max(i.c.id))).scalar()
        n_p, max_p, edited = conn.execute(
            select(func.count(), func.max(p.c.id), func.max(p.c.updated_at)).where(p.c.account_id == a)
        ).one()
        batches = conn.execute(
            select(
                func.count(), func.max(b.c.id), func.sum(case((b.c.status == "undone", 1), else_=0))
            ).where(b.c.account_id == a)
        ).one()
        fitted = conn.execute(select(func.max(w.c.id)).where(w.c.account_id == a)).scalar()
        merged = conn.execute(select(func.count(), func.max(m.c.id)).where(m.c.account_id == a)).one()
    edited_at = utc(edited)
    return (
        f"{defaults.MODEL_VERSION}|i{max_i}|p{n_p}:{max_p}:{edited_at.isoformat() if edited_at else ''}"
        f"|b{batches[0]}:{batches[1]}:{batches[2]}|w{fitted}|m{merged[0]}:{merged[1]}"
    )[:200]


def headline_at(store: Store, when: datetime, mark: str | None = None) -> dict[str, Any]:
    """The headline as of the start of ``when``'s day, from the snapshot when the data are unchanged."""
    return headlines_at(store, [when], mark)[0]


def headlines_at(store: Store, moments: list[datetime], mark: str | None = None) -> list[dict[str, Any]]:
    """The headline at the start of each day given: snapshots where the data are unchanged, the rest
    computed together (the history read once) and kept."""
    days = [day_start(m) for m in moments]
    mark = mark or fingerprint(store)
    hs = t.health_snapshots
    with store.read() as conn:
        kept: dict[datetime, dict[str, Any]] = {
            day_start(utc(r.as_of) or r.as_of): dict(r.figures)
            for r in conn.execute(
                select(hs.c.as_of, hs.c.fingerprint, hs.c.figures).where(
                    and_(hs.c.account_id == store.account_id, hs.c.as_of.in_(days))
                )
            )
            if r.fingerprint == mark
        }
    missing = sorted({d for d in days if d not in kept})
    if missing:
        fresh = {pic.as_of: headline(pic) for pic in pictures(store, missing)}
        if not store.read_only:  # on read-only storage nothing is kept for next time
            with store.write() as conn:
                conn.execute(
                    delete(hs).where(and_(hs.c.account_id == store.account_id, hs.c.as_of.in_(missing)))
                )
                conn.execute(
                    insert(hs),
                    [
                        {
                            "account_id": store.account_id,
                            "as_of": day,
                            "model_version": defaults.MODEL_VERSION,
                            "fingerprint": mark,
                            "figures": figures,
                        }
                        for day, figures in fresh.items()
                    ],
                )
        kept.update(fresh)
    return [kept[d] for d in days]


def trend(store: Store, as_of: datetime, since: datetime | None, most: int = 240) -> list[dict[str, Any]]:
    """The headline on the first of every month from ``since`` (the first data) up to ``as_of``."""
    if since is None:
        return []
    months: list[datetime] = []
    month = datetime(since.year, since.month, 1, tzinfo=UTC)
    while month < as_of:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return headlines_at(store, months[-most:])


def first_data(store: Store, as_of: datetime) -> datetime | None:
    """When the data begin: the first personal contact or connection before ``as_of``."""
    i, p = t.interactions, t.people
    with store.read() as conn:
        first_contact = conn.execute(
            select(func.min(i.c.happened_at)).where(
                and_(i.c.account_id == store.account_id, i.c.bulk.is_(False), i.c.happened_at < as_of)
            )
        ).scalar()
        first_connection = conn.execute(
            select(func.min(p.c.connected_on)).where(
                and_(p.c.account_id == store.account_id, p.c.connected_on < as_of)
            )
        ).scalar()
    found = [d for d in (utc(first_contact), utc(first_connection)) if d is not None]
    return min(found) if found else None
