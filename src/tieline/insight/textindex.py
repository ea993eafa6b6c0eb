"""A full-text index of what is known about each person, searched with the database's own ranking.

SQLite: FTS5 with BM25 (columns weighted: work history counts most), each row under its person's id as
row id. PostgreSQL: a weighted tsvector with a GIN index, ranked by ts_rank. The index is derived data: built whole once, then each search
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


def matches(is_sqlite: bool, terms: list[str]) -> tuple[str, dict[str, Any]]:
    """A query of every person (of any account: join an account's table to keep its own) whose text
    matches any of ``terms``, as ``person_id, rank`` (higher is better): BM25 on SQLite, ts_rank on
    PostgreSQL. On SQLite the FTS row id is the person id, so neither the account nor the person is read
    from the index's stored text (which holds a hundred subjects a person).

    ts_rank, not ts_rank_cd: for a query of words joined by OR every occurrence is a cover of its own, so
    cover density grows linearly with how often a word occurs (thirty subject lines that say "Boston"
    outweigh a title that says "analytical chemist"); ts_rank, like BM25, counts a word's repeats with
    diminishing weight, and costs a quarter as much per document."""
    if is_sqlite:
        return (
            f"SELECT rowid AS person_id, -{_BM25} AS rank FROM person_text WHERE person_text MATCH :q",
            {"q": " OR ".join(f'"{w}"' for w in terms)},
        )
    return (
        "SELECT person_id, ts_rank(document, q)::float8 AS rank "
        "FROM person_text, to_tsquery('english', :q) q WHERE document @@ q",
        {"q": " | ".join(terms)},
    )


def search(store: Store, need: str, limit: int = 200) -> dict[int, float]:
    """person id -> relevance in (0, 1] (1 for the best match), by BM25 / ts_rank."""
    terms = words(need)
    if not terms:
        return {}
    refresh(store)
    found, params = matches(store.is_sqlite, terms)
    with store.read() as conn:
        rows = conn.execute(
            text(
                f"SELECT m.person_id, m.rank FROM ({found}) m JOIN people p ON p.id = m.person_id "
                "WHERE p.account_id = :a ORDER BY m.rank DESC LIMIT :n"
            ),
            {**params, "a": store.account_id, "n": limit},
        ).all()
    best = max((float(r.rank) for r in rows), default=0.0)
    return {int(r.person_id): float(r.rank) / best for r in rows if best > 0 and r.rank > 0}


def fields(conn: Connection, is_sqlite: bool, person_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    """The indexed text of the people given, by field (to say why each matched): a row-id lookup each."""
    ids = sorted({int(p) for p in person_ids})
    if not ids:
        return {}
    key = "rowid" if is_sqlite else "person_id"
    rows = conn.execute(
        text(
            f"SELECT {key} AS person_id, {', '.join(FIELDS)} FROM person_text WHERE {key} IN ({_listed(ids)})"
        )
    ).all()
    return {int(r.person_id): {f: getattr(r, f) or "" for f in FIELDS} for r in rows}


def _listed(ids: Iterable[int]) -> str:
    return ", ".join(str(int(p)) for p in ids)


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
            key = "rowid" if store.is_sqlite else "person_id"  # person ids are the account's own
            for start in range(0, len(chosen), 500):
                conn.execute(
                    text(f"DELETE FROM person_text WHERE {key} IN ({_listed(chosen[start : start + 500])})")
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
    if store.is_sqlite:  # the row id is the person's: looked up and joined without reading the text
        return f"INSERT INTO person_text (rowid, {columns}) VALUES (:person_id, {values})"
    return f"INSERT INTO person_text ({columns}, document) VALUES ({values}, {_PG_DOCUMENT})"


def drop_person(conn: Connection, person_id: int) -> None:
    """Take a forgotten person out of the index at once (not only at the next rebuild)."""
    key = "rowid" if conn.dialect.name == "sqlite" else "person_id"
    conn.execute(text(f"DELETE FROM person_text WHERE {key} = :p"), {"p": person_id})


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
