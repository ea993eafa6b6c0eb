"""`tieline who "NEED"`: the people best placed to help, ranked by tie strength x relevance.

Relevance is the database's own full-text ranking (BM25 on SQLite, ts_rank on PostgreSQL) over what is
known about each person (see :mod:`tieline.insight.textindex`); strength is the probability they would
take your call. For a good match you are not close to, the introduction path goes through someone you
are close to: people who appear with them in the same threads, meetings and group chats, or who worked
at the same organisation at the same time.

The ranking is one query: every match's rank joined to its cached score, cut at the limit in the
database; only the people shown are then read (their text, for the reason) and only the shown people
you are not close to get an introduction, through indexed lookups of them and of the few close ties.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, or_, select, text, true

from tieline.errors import TielineError
from tieline.insight import textindex
from tieline.services.catchup import catch_up
from tieline.services.ties import top_scores
from tieline.store import tables as t
from tieline.store.db import Store
from tieline.strength import defaults

CLOSE_P_CALL = 0.5  # close: an inner layer and likely to take your call
STRENGTH_FLOOR = 0.1  # a perfect match you are a stranger to still shows, below good matches you know
FIELD_WORDS = {
    "work": "work",
    "tags": "tagged",
    "notes": "note",
    "met": "how you met",
    "subjects": "subject",
    "name": "name",
}


@dataclass(frozen=True)
class Close:
    """Someone you are close to: in an inner layer and likely to take your call."""

    name: str
    p_call: float


def who(store: Store, need: str, limit: int = 10) -> dict[str, Any]:
    """The best-placed people for ``need``, each with the reason and, when you are not close, an intro."""
    terms = textindex.words(need)
    if not terms:
        raise TielineError('say what you need in a few words, e.g. "analytical chemistry roles in Boston"')
    textindex.refresh(store)
    catch_up(store)
    now = datetime.now(UTC)
    with store.read() as conn:
        if not store.is_sqlite:
            # Each query is a few index walks; on tables without statistics (autovacuum off, no large import
            # yet) PostgreSQL's estimates run to millions of rows and compile them with JIT first (0.2 s).
            conn.execute(text("SET LOCAL jit = off"))
        found = best_placed(conn, store.is_sqlite, store.account_id, terms, limit, now)
        close = close_ties(conn, store.account_id, now)
        texts = textindex.fields(conn, store.is_sqlite, [m.person_id for m in found])
        intros = introductions(
            conn, store.account_id, [m.person_id for m in found if m.person_id not in close], close
        )
    out = [
        {
            "person_id": m.person_id,
            "name": m.name,
            "score": round(m.score, 4),
            "relevance": round(m.relevance, 4),
            "p_call": None if m.p_call is None else round(m.p_call, 4),
            "close": m.person_id in close,
            "reason": reason(texts.get(m.person_id, {}), terms),
            "introduction": None if m.person_id in close else intros.get(m.person_id),
        }
        for m in found
    ]
    return {"need": need, "words": terms, "people": out}


@dataclass(frozen=True)
class Match:
    person_id: int
    name: str
    relevance: float  # in (0, 1]: the rank over the best match's
    p_call: float | None

    @property
    def score(self) -> float:
        return self.relevance * (STRENGTH_FLOOR + (self.p_call or 0.0))


def best_placed(
    conn: Connection, is_sqlite: bool, account_id: int, terms: list[str], limit: int, now: datetime
) -> list[Match]:
    """The ``limit`` connections with the highest relevance x (floor + probability of taking the call).

    Every match is ranked (a close tie who matches fairly beats strangers who match a little better, so
    no cut by relevance alone comes first) and joined to its cached score by key; the database sorts and
    cuts, and only the rows shown reach Python. People archived or connected later do not count, nor
    anyone without a cached score (a read-only store's unscored ties)."""
    found, params = textindex.matches(is_sqlite, terms)

    def ranked(r: str) -> str:
        return f"{r}relevance * ({STRENGTH_FLOOR} + coalesce({r}p_call, 0.0)) DESC, {r}person_id DESC"

    rows = conn.execute(
        text(
            # Each match ranked once, then joined by key to its score; the few people who do not count
            # (archived, connected later) are one list from two index ranges, not a lookup per match
            # (the account is the scores' join's: an account-led index would walk every person).
            f"WITH m AS MATERIALIZED ({found}), "
            "c AS MATERIALIZED (SELECT m.person_id, m.rank, s.p_call FROM m "
            "JOIN tie_scores s ON s.account_id = :a AND s.person_id = m.person_id "
            "WHERE m.rank > 0 AND m.person_id NOT IN (SELECT id FROM people WHERE archived_at <= :now "
            "UNION ALL SELECT id FROM people WHERE connected_on > :now)) "
            # The best rank is a scalar subquery: worked out once, never once per match.
            "SELECT r.person_id, r.relevance, r.p_call, p.name FROM (SELECT * FROM (SELECT person_id, "
            "rank / (SELECT max(rank) FROM c) AS relevance, p_call FROM c) v "
            f"ORDER BY {ranked('')} LIMIT :n) r JOIN people p ON p.id = r.person_id ORDER BY {ranked('r.')}"
        ).bindparams(bindparam("now", type_=t.people.c.archived_at.type)),  # stored as the column stores it
        {**params, "a": account_id, "now": now, "n": limit},
    ).all()
    return [Match(int(r.person_id), r.name, float(r.relevance), r.p_call) for r in rows]


def close_ties(conn: Connection, account_id: int, now: datetime) -> dict[int, Close]:
    """The connections in an inner layer who would likely take your call: at most the inner layers' size,
    read from the top of the score index (layers rank every cached score, as the model's do)."""
    p = t.people
    inner = defaults.LAYER_SIZES[max(defaults.INNER_LAYERS) - 1]
    likely = {
        r.person_id: r.p_call
        for r in top_scores(conn, account_id, most=inner)
        if r.layer in defaults.INNER_LAYERS and r.p_call is not None and r.p_call >= CLOSE_P_CALL
    }
    if not likely:
        return {}
    counted = conn.execute(
        select(p.c.id, p.c.name).where(
            and_(
                p.c.id.in_(sorted(likely)),
                or_(p.c.archived_at.is_(None), p.c.archived_at > now),
                or_(p.c.connected_on.is_(None), p.c.connected_on <= now),
            )
        )
    )
    return {pid: Close(name, likely[pid]) for pid, name in counted}


def reason(text: dict[str, str], terms: list[str]) -> str:
    """Which of what you know about them matched, in a few words."""
    stems = [w[: max(4, len(w) - 2)] for w in terms]
    said: list[str] = []
    for field, label in FIELD_WORDS.items():
        for line in (text.get(field) or "").splitlines():
            low = line.lower()
            if any(s in low for s in stems):
                said.append(f"{label}: {line.strip()[:80]}")
                break
    return "; ".join(said[:4]) or "matches what you know about them"


def introductions(
    conn: Connection, account_id: int, targets: list[int], close: dict[int, Close]
) -> dict[int, dict[str, Any]]:
    """For each target, the person you are close to who is best placed to introduce you, and why.

    Three indexed reads for all targets at once: interactions shared with a close tie (each target's
    participant rows, then the close ones among each interaction's), group conversations shared, and
    the positions of the targets and of the close ties."""
    if not close or not targets:
        return {}
    near = sorted(close)
    together: dict[int, Counter[int]] = {target: Counter() for target in targets}
    for target, pid, n in conn.execute(_shared_interactions(conn.dialect.name, targets, near)):
        together[target][pid] += int(n)
    # Group conversations store their members once (not a participant row per message): count those too.
    m1, m2, h1, h2 = (
        t.conversation_members.alias("m1"),
        t.conversation_members.alias("m2"),
        t.handles.alias("h1"),
        t.handles.alias("h2"),
    )
    for target, pid, n in conn.execute(
        select(h1.c.person_id, h2.c.person_id, func.count(func.distinct(m2.c.conversation_id)))
        .select_from(h1)
        .join(m1, m1.c.handle_id == h1.c.id)
        .join(m2, m2.c.conversation_id == m1.c.conversation_id)
        .join(h2, h2.c.id == m2.c.handle_id)
        .where(
            and_(
                h1.c.person_id.in_(targets),
                h2.c.person_id.in_(near),
                h2.c.person_id != h1.c.person_id,
            )
        )
        .group_by(h1.c.person_id, h2.c.person_id)
    ):
        together[target][pid] += int(n)
    colleagues = _shared_organisations(conn, account_id, targets, near)
    out: dict[int, dict[str, Any]] = {}
    for target in targets:
        shared, orgs = together[target], colleagues.get(target, {})
        weights = {
            pid: (shared[pid] + 3.0 * len(orgs.get(pid, ()))) * close[pid].p_call
            for pid in set(shared) | set(orgs)
        }
        if not weights:
            continue
        pid = max(weights, key=lambda q: (weights[q], -q))
        via = []
        if shared[pid]:
            n = shared[pid]
            s = "s" if n != 1 else ""
            via.append(f"in {n} thread{s}, meeting{s} or chat{s} with them")
        if pid in orgs:
            via.append("both at " + ", ".join(sorted(orgs[pid])))
        out[target] = {"person_id": pid, "name": close[pid].name, "via": "; ".join(via)}
    return out


def _shared_interactions(dialect: str, targets: list[int], near: list[int]) -> Any:
    """(target, close person, interactions both took part in): each target's participant rows by the person
    index, then each interaction's few participants by the interaction index, kept if close."""
    pa1, pa2 = t.participants.alias("pa1"), t.participants.alias("pa2")
    if dialect == "postgresql":
        # A lateral subquery kept apart (OFFSET 0: not pulled up into a plain join) is a nested loop whatever
        # the statistics say: without them (autovacuum off, no large import yet) the plain join was planned
        # as a hash join over every participant row.
        theirs = (
            select(pa2.c.person_id)
            .where(
                and_(
                    pa2.c.interaction_id == pa1.c.interaction_id,
                    (pa2.c.person_id + 0).in_(near),  # as below: by the interaction's index
                    pa2.c.person_id != pa1.c.person_id,
                )
            )
            .offset(0)
            .lateral("theirs")
        )
        return (
            select(pa1.c.person_id, theirs.c.person_id, func.count(func.distinct(pa1.c.interaction_id)))
            .select_from(pa1.join(theirs, true()))
            .where(pa1.c.person_id.in_(targets))
            .group_by(pa1.c.person_id, theirs.c.person_id)
        )
    return (
        select(pa1.c.person_id, pa2.c.person_id, func.count(func.distinct(pa1.c.interaction_id)))
        .join(pa2, pa2.c.interaction_id == pa1.c.interaction_id)
        .where(
            and_(
                pa1.c.person_id.in_(targets),  # the account's own people: their rows are the account's
                # "+ 0": each interaction's few participants are read by its index, then filtered; a probe of
                # the person index for every close tie and interaction is fifty times the work.
                (pa2.c.person_id + 0).in_(near),
                pa2.c.person_id != pa1.c.person_id,
            )
        )
        .group_by(pa1.c.person_id, pa2.c.person_id)
    )


def _shared_organisations(
    conn: Connection, account_id: int, targets: list[int], near: list[int]
) -> dict[int, dict[int, set[str]]]:
    """target -> close person -> the organisations both worked at, at an overlapping time."""
    pos = t.positions
    held: dict[int, list[tuple[str, date | None, date | None]]] = {}
    for pid, org, start, end in conn.execute(
        select(pos.c.person_id, pos.c.organization, pos.c.start_date, pos.c.end_date).where(
            and_(pos.c.account_id == account_id, pos.c.person_id.in_(sorted({*targets, *near})))
        )
    ):
        held.setdefault(pid, []).append((org, start, end))
    out: dict[int, dict[int, set[str]]] = {}
    for target in targets:
        for pid in near:
            if pid == target:
                continue
            for org, start, end in held.get(pid, ()):
                if any(
                    theirs.lower() == org.lower() and _overlap(start, end, s0, e0)
                    for theirs, s0, e0 in held.get(target, ())
                ):
                    out.setdefault(target, {}).setdefault(pid, set()).add(org)
    return out


def _overlap(a0: date | None, a1: date | None, b0: date | None, b1: date | None) -> bool:
    lo, hi = date.min, date.max
    return (a0 or lo) <= (b1 or hi) and (b0 or lo) <= (a1 or hi)
