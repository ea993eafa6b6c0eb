"""A full-text index of what is known about each person, searched with the database's own ranking.

SQLite: FTS5 with BM25 (columns weighted: work history counts most). PostgreSQL: a weighted tsvector
with a GIN index, ranked by ts_rank_cd. The index is derived data: built whole once, then each search
first rebuilds the rows of the people whose data changed since (the writers' marks, ``store/stale.py``),
and a forgotten person's row goes with them at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, and_, select, text, true

from tieline.services import ties
from tieline.store import stale
from tieline.store import tables as t
from tieline.store.db import Store

FIELDS = ("name", "work", "tags", "notes", "met", "subjects")
SUBJECTS_PER_PERSON = 100
CHUNK = 500
# BM25 weight of each column (person_id and account_id first, unindexed).
_BM25 = "bm25(person_text, 0, 0, 1.0, 4.0, 2.5, 2.0, 2.0, 1.0)"
_PG_DOCUMENT = (
    "setweight(to_tsvector('english', coalesce(:work, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(:tags, '') || ' ' || coalesce(:met, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(:notes, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(:subjects, '')), 'C') || "
    "setweight(to_tsvector('simple', coalesce(:name, '')), 'D')"
)
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "i",
        "in",
        "into",
        "is",
        "it",
        "its",
        "lost",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "want",
        "wanted",
        "were",
        "what",
        "when",
        "where",
        "who",
        "will",
        "with",
        "would",
        "you",
        "your",
        "need",
        "needs",
        "looking",
        "look",
        "find",
        "help",
        "job",
        "jobs",
        "work",
        "role",
        "roles",
    ]
)
WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words(need: str) -> list[str]:
    """The words of a need worth searching for (lower case, no stop words, each once, at most 16)."""
    seen: list[str] = []
    for word in WORD.findall(need.lower()):
        if len(word) > 1 and word not in STOPWORDS and word not in seen:
            seen.append(word)
    return seen[:16]


def search(store: Store, need: str, limit: int = 200) -> dict[int, float]:
    """person id -> relevance in (0, 1] (1 for the best match), by BM25 / ts_rank_cd."""
    terms = words(need)
    if not terms:
        return {}
    refresh(store)
    with store.read() as conn:
        if store.is_sqlite:
            query = " OR ".join(f'"{w}"' for w in terms)
            rows = conn.execute(
                text(
                    f"SELECT person_id, -{_BM25} AS rank FROM person_text "
                    "WHERE person_text MATCH :q AND account_id = :a ORDER BY rank DESC LIMIT :n"
                ),
                {"q": query, "a": store.account_id, "n": limit},
            ).all()
        else:
            rows = conn.execute(
                text(
                    "SELECT person_id, ts_rank_cd(document, q) AS rank "
                    "FROM person_text, to_tsquery('english', :q) q "
                    "WHERE account_id = :a AND document @@ q ORDER BY rank DESC LIMIT :n"
                ),
                {"q": " | ".join(terms), "a": store.account_id, "n": limit},
            ).all()
    best = max((float(r.rank) for r in rows), default=0.0)
    return {int(r.person_id): float(r.rank) / best for r in rows if best > 0 and r.rank > 0}


def fields(store: Store, person_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """The indexed text of the people given, by field (to say why each matched)."""
    ids = [int(p) for p in person_ids]
    if not ids:
        return {}
    marks = ", ".join(str(p) for p in ids)
    with store.read() as conn:
        rows = conn.execute(
            text(
                f"SELECT person_id, {', '.join(FIELDS)} FROM person_text WHERE account_id = :a AND person_id IN ({marks})"
            ),
            {"a": store.account_id},
        ).all()
    return {int(r.person_id): {f: getattr(r, f) or "" for f in FIELDS} for r in rows}


def refresh(store: Store, force: bool = False) -> int:
    """Bring the index up to date: whole the first time (or with ``force``), then only the people marked
    since (``store/stale.py``: every writer marks whom it changed). Returns how many rows were rebuilt."""
    if store.read_only:
        return 0  # a database on read-only storage is searched as it was last indexed
    st = t.text_index_state
    with store.read() as conn:
        built = conn.execute(select(st.c.account_id).where(st.c.account_id == store.account_id)).first()
        marks = ties.settled(conn, stale.pending(conn, store.account_id, "text"))
        if built is not None and not force and not marks:
            return 0
        whole = built is None or force or marks.everyone
        ids: set[int] = set(marks.people)
        for batch_id in sorted(marks.batches):
            ids |= ties.touched_by_batch(conn, batch_id)
        docs = _documents(conn, store.account_id, None if whole else sorted(ids))
    with store.write() as conn:
        if whole:
            conn.execute(text("DELETE FROM person_text WHERE account_id = :a"), {"a": store.account_id})
        else:
            chosen = sorted(ids)
            for start in range(0, len(chosen), 500):
                listed = ", ".join(str(int(p)) for p in chosen[start : start + 500])
                conn.execute(
                    text(f"DELETE FROM person_text WHERE account_id = :a AND person_id IN ({listed})"),
                    {"a": store.account_id},
                )
        for start in range(0, len(docs), 2000):
            conn.execute(text(_insert(store)), docs[start : start + 2000])
        if built is None:
            conn.execute(st.insert().values(account_id=store.account_id, fingerprint="kept by marks"))
        stale.clear(conn, store.account_id, marks, "text")
    return len(docs)


def _insert(store: Store) -> str:
    columns = "person_id, account_id, " + ", ".join(FIELDS)
    values = ":person_id, :account_id, " + ", ".join(f":{f}" for f in FIELDS)
    if store.is_sqlite:
        return f"INSERT INTO person_text ({columns}) VALUES ({values})"
    return f"INSERT INTO person_text ({columns}, document) VALUES ({values}, {_PG_DOCUMENT})"


def drop_person(conn: Connection, person_id: int) -> None:
    """Take a forgotten person out of the index at once (not only at the next rebuild)."""
    conn.execute(text("DELETE FROM person_text WHERE person_id = :p"), {"p": person_id})


def _documents(conn: Connection, account_id: int, ids: list[int] | None) -> list[dict[str, Any]]:
    """The indexed text of everyone (``ids`` None) or of the people given, a chunk at a time."""
    if ids is None:
        return _documents_of(conn, account_id, None)
    out: list[dict[str, Any]] = []
    for start in range(0, len(ids), CHUNK):
        out += _documents_of(conn, account_id, ids[start : start + CHUNK])
    return out


def _documents_of(conn: Connection, account_id: int, ids: list[int] | None) -> list[dict[str, Any]]:
    p, pos, tg, n, i, pa = t.people, t.positions, t.tags, t.notes, t.interactions, t.participants

    def only(column: Any) -> Any:
        return true() if ids is None else column.in_(ids)

    docs: dict[int, dict[str, list[str]]] = {}
    for pid, name, met, why in conn.execute(
        select(p.c.id, p.c.name, p.c.how_met, p.c.why_connected).where(
            and_(p.c.account_id == account_id, only(p.c.id))
        )
    ):
        docs[pid] = {
            "name": [name],
            "work": [],
            "tags": [],
            "notes": [],
            "met": [met or "", why or ""],
            "subjects": [],
        }
    for pid, org, title in conn.execute(
        select(pos.c.person_id, pos.c.organization, pos.c.title).where(
            and_(pos.c.account_id == account_id, only(pos.c.person_id))
        )
    ):
        if pid in docs:
            docs[pid]["work"].append(f"{title} at {org}" if title else org)
    for pid, tag in conn.execute(
        select(tg.c.person_id, tg.c.tag).where(and_(tg.c.account_id == account_id, only(tg.c.person_id)))
    ):
        if pid in docs:
            docs[pid]["tags"].append(tag)
    for pid, body in conn.execute(
        select(n.c.person_id, n.c.body).where(and_(n.c.account_id == account_id, only(n.c.person_id)))
    ):
        if pid in docs:
            docs[pid]["notes"].append(body)
    seen: dict[int, set[str]] = {}
    for pid, subject in conn.execute(
        select(pa.c.person_id, i.c.subject)
        .join(i, i.c.id == pa.c.interaction_id)
        .where(
            and_(
                pa.c.account_id == account_id,
                only(pa.c.person_id),
                i.c.subject.is_not(None),
                i.c.bulk.is_(False),
            )
        )
        .order_by(i.c.happened_at.desc())
    ):
        if pid not in docs:
            continue
        bag = seen.setdefault(pid, set())
        if len(bag) < SUBJECTS_PER_PERSON and subject not in bag:
            bag.add(subject)
            docs[pid]["subjects"].append(subject)
    return [
        {"person_id": pid, "account_id": account_id, **{f: "\n".join(v for v in d[f] if v) for f in FIELDS}}
        for pid, d in docs.items()
    ]
