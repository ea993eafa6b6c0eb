"""A full-text index of what is known about each person, searched with the database's own ranking.

SQLite: FTS5 with BM25 (columns weighted: work history counts most). PostgreSQL: a weighted tsvector
with a GIN index, ranked by ts_rank_cd. The index is derived data: rebuilt whole whenever the people,
positions, tags, notes or interactions it was built from changed (a fingerprint says so), and a
forgotten person's row goes with them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, and_, case, func, select, text

from tieline.store import tables as t
from tieline.store.db import Store

FIELDS = ("name", "work", "tags", "notes", "met", "subjects")
SUBJECTS_PER_PERSON = 100
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


def fingerprint(conn: Connection, account_id: int) -> str:
    """What the index is built from, cheaply: new rows raise a maximum id, edits move ``updated_at``, and
    deletions (undo, forget, merge) change a count of people, positions, tags or notes, or of undone batches."""
    p, pos, tg, n, i, b = t.people, t.positions, t.tags, t.notes, t.interactions, t.batches
    parts = [
        conn.execute(
            select(func.count(), func.max(p.c.id), func.max(p.c.updated_at)).where(
                p.c.account_id == account_id
            )
        ).one(),
        *(
            conn.execute(select(func.count(), func.max(x.c.id)).where(x.c.account_id == account_id)).one()
            for x in (pos, tg, n)
        ),
        (conn.execute(select(func.max(i.c.id)).where(i.c.account_id == account_id)).scalar(),),
        conn.execute(
            select(func.count(), func.sum(case((b.c.status == "undone", 1), else_=0))).where(
                b.c.account_id == account_id
            )
        ).one(),
    ]
    return "|".join(":".join(str(v) for v in part) for part in parts)[:200]


def refresh(store: Store, force: bool = False) -> bool:
    """Rebuild the index when its data changed since it was built. True when it was rebuilt."""
    st = t.text_index_state
    with store.read() as conn:
        mark = fingerprint(conn, store.account_id)
        kept = conn.execute(select(st.c.fingerprint).where(st.c.account_id == store.account_id)).scalar()
    if kept == mark and not force:
        return False
    with store.read() as conn:
        docs = _documents(conn, store.account_id)
    with store.write() as conn:
        conn.execute(text("DELETE FROM person_text WHERE account_id = :a"), {"a": store.account_id})
        insert = (
            "INSERT INTO person_text (person_id, account_id, " + ", ".join(FIELDS) + ") VALUES "
            "(:person_id, :account_id, " + ", ".join(f":{f}" for f in FIELDS) + ")"
            if store.is_sqlite
            else "INSERT INTO person_text (person_id, account_id, "
            + ", ".join(FIELDS)
            + ", document) VALUES "
            "(:person_id, :account_id, " + ", ".join(f":{f}" for f in FIELDS) + f", {_PG_DOCUMENT})"
        )
        for start in range(0, len(docs), 2000):
            conn.execute(text(insert), docs[start : start + 2000])
        conn.execute(t.text_index_state.delete().where(st.c.account_id == store.account_id))
        conn.execute(t.text_index_state.insert().values(account_id=store.account_id, fingerprint=mark))
    return True


def drop_person(conn: Connection, person_id: int) -> None:
    """Take a forgotten person out of the index at once (not only at the next rebuild)."""
    conn.execute(text("DELETE FROM person_text WHERE person_id = :p"), {"p": person_id})


def _documents(conn: Connection, account_id: int) -> list[dict[str, Any]]:
    p, pos, tg, n, i, pa = t.people, t.positions, t.tags, t.notes, t.interactions, t.participants
    docs: dict[int, dict[str, list[str]]] = {}
    for pid, name, met, why in conn.execute(
        select(p.c.id, p.c.name, p.c.how_met, p.c.why_connected).where(p.c.account_id == account_id)
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
        select(pos.c.person_id, pos.c.organization, pos.c.title).where(pos.c.account_id == account_id)
    ):
        if pid in docs:
            docs[pid]["work"].append(f"{title} at {org}" if title else org)
    for pid, tag in conn.execute(select(tg.c.person_id, tg.c.tag).where(tg.c.account_id == account_id)):
        if pid in docs:
            docs[pid]["tags"].append(tag)
    for pid, body in conn.execute(select(n.c.person_id, n.c.body).where(n.c.account_id == account_id)):
        if pid in docs:
            docs[pid]["notes"].append(body)
    seen: dict[int, set[str]] = {}
    for pid, subject in conn.execute(
        select(pa.c.person_id, i.c.subject)
        .join(i, i.c.id == pa.c.interaction_id)
        .where(and_(pa.c.account_id == account_id, i.c.subject.is_not(None), i.c.bulk.is_(False)))
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
