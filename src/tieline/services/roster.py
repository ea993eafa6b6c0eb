"""`people list` from the precomputed tie summaries and cached scores: the work is a few index
lookups per person shown, whatever the size of the network or of its history.

Each sort is an index walk cut at ``limit``: names by ``ix_people_account_lower_name``, strength by
``ix_tie_scores_account_score``, last contact by ``ix_tie_summaries_account_last``. People with no
figure for the sort (unknown strength, never in contact) come after the others, by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, exists, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from tieline.ingest.context import utc
from tieline.services import ties
from tieline.store import tables as t
from tieline.strength import defaults

# The states strength.layers assigns (kept here so that listing needs no numpy; a test compares them).
STATES = ("strong", "stable", "fading", "dormant", "new", "unknown")


def top_layers(conn: Connection, account_id: int) -> dict[int, int]:
    """The layer of each tie among the highest cached scores; any other scored tie is "beyond"."""
    return {r.person_id: r.layer for r in ties.top_scores(conn, account_id)}


def matching(account_id: int, query: str | None) -> ColumnElement[bool]:
    """The account's people whose name, a handle or an organisation contains the query."""
    p, h, pos = t.people, t.handles, t.positions
    cond: ColumnElement[bool] = p.c.account_id == account_id
    if query:
        q = query.lower()
        cond = and_(
            cond,
            or_(
                func.lower(p.c.name).contains(q, autoescape=True),
                exists().where(
                    and_(h.c.person_id == p.c.id, func.lower(h.c.value).contains(q, autoescape=True))
                ),
                exists().where(
                    and_(
                        pos.c.person_id == p.c.id, func.lower(pos.c.organization).contains(q, autoescape=True)
                    )
                ),
            ),
        )
    return cond


def only(account_id: int, tag: str | None, organisation: str | None) -> ColumnElement[bool]:
    """People with this tag (exactly) and working now at an organisation containing ``organisation``."""
    p, tg, pos = t.people, t.tags, t.positions
    cond: ColumnElement[bool] = p.c.account_id == account_id
    if tag:
        cond = and_(cond, exists().where(and_(tg.c.person_id == p.c.id, tg.c.tag == tag)))
    if organisation:
        o = organisation.lower()
        cond = and_(
            cond,
            exists().where(
                and_(
                    pos.c.person_id == p.c.id,
                    pos.c.end_date.is_(None),
                    func.lower(pos.c.organization).contains(o, autoescape=True),
                )
            ),
        )
    return cond


@dataclass(frozen=True)
class Filters:
    """What narrows the list: words, a layer, a state, a tag, an organisation worked at now."""

    query: str | None = None
    layer: int | None = None
    state: str | None = None
    tag: str | None = None
    organisation: str | None = None


def _selected(conn: Connection, account_id: int, f: Filters) -> tuple[Any, dict[int, int]]:
    """The query for the people the filters keep (unsorted), and the layers of the top ties."""
    p, ts, sm = t.people, t.tie_scores, t.tie_summaries
    layers = top_layers(conn, account_id)
    base = (
        select(p.c.id, p.c.name, ts.c.score, ts.c.p_call, ts.c.state, sm.c.last_contact)
        .outerjoin(ts, and_(ts.c.person_id == p.c.id, ts.c.account_id == account_id))
        .outerjoin(sm, and_(sm.c.person_id == p.c.id, sm.c.account_id == account_id))
        .where(_condition(account_id, f, layers))
    )
    return base, layers


def _condition(account_id: int, f: Filters, layers: dict[int, int]) -> ColumnElement[bool]:
    p, ts = t.people, t.tie_scores
    cond = and_(matching(account_id, f.query), only(account_id, f.tag, f.organisation))
    if f.state is not None:
        cond = and_(cond, func.coalesce(ts.c.state, "unknown") == f.state)
    if f.layer is not None:
        inner = [pid for pid, n in layers.items() if n == f.layer]
        if f.layer == len(defaults.LAYER_SIZES) + 1:
            outer = [pid for pid, n in layers.items() if n != f.layer]
            cond = and_(cond, ts.c.score.is_not(None), p.c.id.not_in(outer))
        else:
            cond = and_(cond, p.c.id.in_(inner))
    return cond


def count(conn: Connection, account_id: int, f: Filters, most: int | None = None) -> int:
    """How many people the filters keep (the web app's page count), at most ``most`` when given."""
    if f.layer is None and f.state is None:
        # Without a filter on the tie, the people table alone answers (no join with scores and summaries).
        p = t.people
        base: Any = select(p.c.id).where(
            and_(matching(account_id, f.query), only(account_id, f.tag, f.organisation))
        )
    else:
        base, _ = _selected(conn, account_id, f)
    if most is not None:
        base = base.limit(most)
    return int(conn.execute(select(func.count()).select_from(base.subquery())).scalar_one())


def rows(
    conn: Connection,
    account_id: int,
    query: str | None,
    sort: str,
    layer: int | None,
    state: str | None,
    limit: int | None,
    offset: int = 0,
    tag: str | None = None,
    organisation: str | None = None,
) -> list[dict[str, Any]]:
    """A page of the list: ``offset`` people skipped, at most ``limit`` shown."""
    p, ts, sm = t.people, t.tie_scores, t.tie_summaries
    f = Filters(query, layer, state, tag, organisation)
    base, layers = _selected(conn, account_id, f)
    by_name = (func.lower(p.c.name), p.c.id)
    if sort == "name":
        found = _limited(conn, base.order_by(*by_name), limit, offset)
    else:
        # Walked from the sort's own index (scores, or summaries by last contact) down, each row joined to
        # its person and filtered, and cut at the limit: not every person read and sorted.
        table, column = (ts, ts.c.score) if sort == "strength" else (sm, sm.c.last_contact)
        other = sm if table is ts else ts
        known = (
            select(p.c.id, p.c.name, ts.c.score, ts.c.p_call, ts.c.state, sm.c.last_contact)
            .select_from(table)
            .join(p, p.c.id == table.c.person_id)
            .outerjoin(other, and_(other.c.person_id == p.c.id, other.c.account_id == account_id))
            .where(
                and_(table.c.account_id == account_id, column.is_not(None), _condition(account_id, f, layers))
            )
        )
        found = _limited(conn, known.order_by(column.desc(), p.c.id), limit, offset)
        if limit is None or len(found) < limit:
            # Past the people with a figure: the rest by name, skipping what the offset left over.
            skip = 0
            if offset:
                ahead = conn.execute(select(func.count()).select_from(known.subquery())).scalar_one()
                skip = max(0, offset - int(ahead))
            rest = base.where(column.is_(None)).order_by(*by_name)
            found += _limited(conn, rest, None if limit is None else limit - len(found), skip)
    return _described(conn, account_id, found, layers)


def _limited(conn: Connection, q: Any, limit: int | None, offset: int = 0) -> list[Any]:
    if offset:
        q = q.offset(offset)
    return list(conn.execute(q if limit is None else q.limit(limit)).all())


def _described(
    conn: Connection, account_id: int, found: list[Any], layers: dict[int, int]
) -> list[dict[str, Any]]:
    """The shown people with their handles and current job, read for them only."""
    h, pos = t.handles, t.positions
    beyond = len(defaults.LAYER_SIZES) + 1
    out: dict[int, dict[str, Any]] = {}
    for r in found:
        last = utc(r.last_contact)
        out[r.id] = {
            "id": r.id,
            "name": r.name,
            "handles": [],
            "organization": None,
            "title": None,
            "last_contact": last.isoformat() if last else None,
            "strength": None if r.score is None else round(float(r.score), 4),
            "layer": None if r.score is None else layers.get(r.id, beyond),
            "state": r.state or "unknown",
            "p_call": None if r.p_call is None else round(float(r.p_call), 4),
        }
    ids = list(out)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for pid, kind, value in conn.execute(
            select(h.c.person_id, h.c.kind, h.c.value).where(h.c.person_id.in_(chunk)).order_by(h.c.id)
        ):
            if not value.startswith("name:"):
                out[pid]["handles"].append({"kind": kind, "value": value})
        for pid, org, title in conn.execute(
            select(pos.c.person_id, pos.c.organization, pos.c.title)
            .where(and_(pos.c.person_id.in_(chunk), pos.c.end_date.is_(None)))
            .order_by(pos.c.start_date.is_(None), pos.c.start_date, pos.c.id)
        ):
            out[pid]["organization"], out[pid]["title"] = org, title
    del account_id
    return list(out.values())
