"""`tieline who "NEED"`: the people best placed to help, ranked by tie strength x relevance.

Relevance is the database's own full-text ranking (BM25 on SQLite, ts_rank_cd on PostgreSQL) over what is
known about each person (see :mod:`tieline.insight.textindex`); strength is the probability they would
take your call. For a good match you are not close to, the introduction path goes through someone you
are close to: people who appear with them in the same threads, meetings and group chats, or who worked
at the same organisation at the same time.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import Connection, and_, func, select

from tieline.errors import TielineError
from tieline.insight import textindex
from tieline.insight.ties import INNER_LAYERS, Tie, picture
from tieline.store import tables as t
from tieline.store.db import Store

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


def who(store: Store, need: str, limit: int = 10) -> dict[str, Any]:
    """The best-placed people for ``need``, each with the reason and, when you are not close, an intro."""
    terms = textindex.words(need)
    if not terms:
        raise TielineError('say what you need in a few words, e.g. "analytical chemistry roles in Boston"')
    relevance = textindex.search(store, need)
    pic = picture(store)
    where = pic.index()
    p_call = np.nan_to_num(pic.p_call, nan=0.0)
    ranked = sorted(
        (
            (rel * (STRENGTH_FLOOR + float(p_call[where[pid]])), pid)
            for pid, rel in relevance.items()
            if pid in where
        ),
        reverse=True,
    )[:limit]
    texts = textindex.fields(store, [pid for _, pid in ranked])
    close_ids = pic.where(np.isin(pic.layer, INNER_LAYERS) & (p_call >= CLOSE_P_CALL))
    ties = {tie.person.id: tie for tie in pic.ties(store, [pid for _, pid in ranked] + close_ids)}
    close = {pid: ties[pid] for pid in close_ids if pid in ties}
    out = []
    with store.read() as conn:
        for rank, pid in ranked:
            tie = ties[pid]
            row: dict[str, Any] = {
                "person_id": pid,
                "name": tie.person.name,
                "score": round(rank, 4),
                "relevance": round(relevance[pid], 4),
                "p_call": None if tie.p_call is None else round(tie.p_call, 4),
                "close": pid in close,
                "reason": reason(texts.get(pid, {}), terms),
                "introduction": None,
            }
            if pid not in close:
                row["introduction"] = introduction(conn, store.account_id, pid, close)
            out.append(row)
    return {"need": need, "words": terms, "people": out}


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


def introduction(
    conn: Connection, account_id: int, target: int, close: dict[int, Tie]
) -> dict[str, Any] | None:
    """The person you are close to who is best placed to introduce you to ``target``, and why."""
    if not close:
        return None
    pa1, pa2 = t.participants.alias("pa1"), t.participants.alias("pa2")
    together: Counter[int] = Counter()
    for pid, n in conn.execute(
        select(pa2.c.person_id, func.count(func.distinct(pa1.c.interaction_id)))
        .join(pa2, and_(pa2.c.interaction_id == pa1.c.interaction_id, pa2.c.person_id != target))
        .where(and_(pa1.c.account_id == account_id, pa1.c.person_id == target))
        .group_by(pa2.c.person_id)
    ):
        if pid in close:
            together[pid] = int(n)
    # Group conversations store their members once (not a participant row per message): count those too.
    m, h = t.conversation_members, t.handles
    theirs = select(m.c.conversation_id).join(h, h.c.id == m.c.handle_id).where(h.c.person_id == target)
    for pid, n in conn.execute(
        select(h.c.person_id, func.count(func.distinct(m.c.conversation_id)))
        .join(h, h.c.id == m.c.handle_id)
        .where(and_(m.c.account_id == account_id, m.c.conversation_id.in_(theirs), h.c.person_id != target))
        .group_by(h.c.person_id)
    ):
        if pid in close:
            together[pid] += int(n)
    colleagues = _shared_organisations(conn, account_id, target, set(close))
    best: tuple[float, int] | None = None
    for pid in set(together) | set(colleagues):
        weight = (together[pid] + 3.0 * len(colleagues.get(pid, ()))) * (close[pid].p_call or 0.0)
        if best is None or weight > best[0]:
            best = (weight, pid)
    if best is None:
        return None
    pid = best[1]
    via = []
    if together[pid]:
        n = together[pid]
        via.append(
            f"in {n} thread{'s' if n != 1 else ''}, meeting{'s' if n != 1 else ''} or chat{'s' if n != 1 else ''} with them"
        )
    if pid in colleagues:
        via.append("both at " + ", ".join(sorted(colleagues[pid])))
    return {"person_id": pid, "name": close[pid].person.name, "via": "; ".join(via)}


def _shared_organisations(
    conn: Connection, account_id: int, target: int, close: set[int]
) -> dict[int, set[str]]:
    """Close people who worked at one of ``target``'s organisations at an overlapping time."""
    pos = t.positions
    theirs = conn.execute(
        select(pos.c.organization, pos.c.start_date, pos.c.end_date).where(pos.c.person_id == target)
    ).all()
    if not theirs:
        return {}
    orgs = {r.organization.lower() for r in theirs}
    out: dict[int, set[str]] = {}
    for pid, org, start, end in conn.execute(
        select(pos.c.person_id, pos.c.organization, pos.c.start_date, pos.c.end_date).where(
            and_(pos.c.account_id == account_id, func.lower(pos.c.organization).in_(orgs))
        )
    ):
        if pid not in close or pid == target:
            continue
        for mine in theirs:
            if mine.organization.lower() == org.lower() and _overlap(
                start, end, mine.start_date, mine.end_date
            ):
                out.setdefault(pid, set()).add(org)
    return out


def _overlap(a0: date | None, a1: date | None, b0: date | None, b1: date | None) -> bool:
    lo, hi = date.min, date.max
    return (a0 or lo) <= (b1 or hi) and (b0 or lo) <= (a1 or hi)
