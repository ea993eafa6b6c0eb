"""The headline of network health — connections vs who would take your call, by layer — now and before.

A past headline is the same computation run ``as_of`` that moment. It costs a full rescore, so it is
kept in ``health_snapshots`` with a mark of the data it came from and computed again only when something
written since touches its moment (:mod:`tieline.insight.since`): a message dated after it does not, a
backdated one does, and so do a change of what the user said, a merge, an undo or a refit.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, select

from tieline.ingest.context import utc
from tieline.insight import since
from tieline.insight.overview import STATES, Overview, of_picture
from tieline.insight.ties import Picture, pictures
from tieline.store import tables as t
from tieline.store.db import Store
from tieline.strength import defaults
from tieline.strength.defaults import LAYER_NAMES

LAYERS = tuple(name for name in LAYER_NAMES.values() if name)
SINCE = "_since"  # the snapshot's figures keep the mark of the data they came from under this key
BEFORE_DAYS = 90  # health compares with the first of the month at least this many days back

Announce = Callable[[list[datetime]], None]  # told the moments about to be computed from the history


def headline(pic: Picture) -> dict[str, Any]:
    """Connections, the expected number who would take your call, how many likely would, by layer."""
    return figures(of_picture(pic))


def figures(ov: Overview) -> dict[str, Any]:
    """The headline of an overview (the present's from the database, a past one's from its picture)."""
    return {
        "as_of": ov.as_of.isoformat(),
        "connections": ov.connections,
        "would_take_call": round(ov.would_take_call, 1),
        "likely": ov.likely,
        "layers": {name: ov.layers.get(number, 0) for number, name in LAYER_NAMES.items() if name}
        | {"unknown": ov.layers.get(0, 0)},
        "states": {state: ov.states.get(state, 0) for state in STATES},
    }


def day_start(when: datetime) -> datetime:
    return datetime(when.year, when.month, when.day, tzinfo=UTC)


def comparison_moment(as_of: datetime) -> datetime:
    """The moment ``health`` compares with: the first of the month on or before ``as_of`` − 90 days
    (90 to ~120 days back). It moves once a month, not every day, so its headline is computed from the
    history once a month and kept; and it is a point of the monthly trend, which keeps the same snapshot."""
    back = as_of - timedelta(days=BEFORE_DAYS)
    return datetime(back.year, back.month, 1, tzinfo=UTC)


def fingerprint(store: Store) -> str:
    """All the data in one string that changes whenever they do (the web app's key for the figures it
    keeps): a new interaction (import, log), an undone or new batch, a person added, edited, archived,
    merged or forgotten, a refit. Each part is an indexed maximum or a count of a small table, so
    checking costs milliseconds. (A past headline needs less: see :mod:`tieline.insight.since`.)"""
    i, p, w, m, b = t.interactions, t.people, t.model_weights, t.merges, t.batches
    a = store.account_id
    with store.read() as conn:
        # The whole table's newest id, not the account's: SQLite reads it from the end of the rowid tree,
        # while the account's maximum walked the account's index (179 ms at 1,000,000 interactions, on
        # every dashboard). Another account's new interaction only makes this one's snapshot be recomputed.
        max_i = conn.execute(select(func.max(i.c.id))).scalar()
        # The count through an index of the account's people; the newest person and the latest edit of
        # anyone, as the newest interaction, from the end of an index (the account's walked them all).
        n_p = conn.execute(select(func.count()).select_from(p).where(p.c.account_id == a)).scalar()
        max_p = conn.execute(select(func.max(p.c.id))).scalar()
        edited = conn.execute(select(func.max(p.c.updated_at))).scalar()
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


def headline_at(store: Store, when: datetime, announce: Announce | None = None) -> dict[str, Any]:
    """The headline as of the start of ``when``'s day, from the snapshot when the data are unchanged."""
    return headlines_at(store, [when], announce)[0]


def headlines_at(
    store: Store, moments: list[datetime], announce: Announce | None = None
) -> list[dict[str, Any]]:
    """The headline at the start of each day given: kept snapshots where nothing written since they were
    computed touches their moment (:mod:`tieline.insight.since`), the rest computed together (the
    history read once) and kept. ``announce`` is told the moments before they are computed (the CLI
    says so on stderr: the work can take a minute on a large history)."""
    days = [day_start(m) for m in moments]
    hs, a = t.health_snapshots, store.account_id
    kept: dict[datetime, dict[str, Any]] = {}
    advanced: dict[datetime, dict[str, Any]] = {}
    with store.read() as conn:
        stored = conn.execute(
            select(hs.c.as_of, hs.c.figures).where(and_(hs.c.account_id == a, hs.c.as_of.in_(days)))
        ).all()
        checked: dict[str, tuple[datetime, since.Mark]] = {}
        for r in stored:
            day, figures = day_start(utc(r.as_of) or r.as_of), dict(r.figures)
            then = since.Mark.of_json(figures.pop(SINCE, None))
            if then is None:
                continue
            key = json.dumps(then.as_json(), sort_keys=True)
            if key not in checked:
                checked[key] = since.touched(conn, a, then)
            earliest, now = checked[key]
            if earliest > day:
                kept[day] = figures
                if now != then:  # still valid: remember what has been checked, so as not to check it again
                    advanced[day] = figures | {SINCE: now.as_json()}
        missing = sorted({d for d in days if d not in kept})
        current = since.mark(conn, a) if missing else None  # before the data the figures are computed from
    if missing:
        assert current is not None
        if announce is not None:
            announce(missing)
        fresh = {pic.as_of: headline(pic) for pic in pictures(store, missing)}
        advanced.update({day: figures | {SINCE: current.as_json()} for day, figures in fresh.items()})
        kept.update(fresh)
    if advanced and not store.read_only:  # on read-only storage nothing is kept for next time
        with store.write() as conn:
            conn.execute(delete(hs).where(and_(hs.c.account_id == a, hs.c.as_of.in_(list(advanced)))))
            conn.execute(
                insert(hs),
                [
                    {
                        "account_id": a,
                        "as_of": day,
                        "model_version": defaults.MODEL_VERSION,
                        "fingerprint": figures[SINCE]["rare"][:200],
                        "figures": figures,
                    }
                    for day, figures in advanced.items()
                ],
            )
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
