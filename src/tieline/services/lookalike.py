"""Who is already stored under a name like this one (for `people add`, before a duplicate is made)."""

from __future__ import annotations

from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import Connection, select

from tieline.ingest.matching import SIMILAR, plain
from tieline.ingest.names import parse, similarity
from tieline.store import tables as t

SHOWN = 5


def lookalikes(
    conn: Connection, account_id: int, name: str, leave_out: int | None = None
) -> list[dict[str, Any]]:
    """Stored people whose names are alike (parsed and compared as the duplicate finder does), best first."""
    p = t.people
    rows = conn.execute(
        select(p.c.id, p.c.name, p.c.given_name, p.c.family_name).where(p.c.account_id == account_id)
    ).all()
    rows = [r for r in rows if r.id != leave_out]
    if not rows:
        return []
    # A fast first cut on the folded whole names; the parsed comparison decides.
    near = process.extract(
        plain(name), [plain(r.name) for r in rows], scorer=fuzz.token_set_ratio, score_cutoff=60, limit=200
    )
    mine = parse(name)
    out: list[dict[str, Any]] = []
    for _, _, i in near:
        r = rows[i]
        score = similarity(mine, parse(r.name, r.given_name, r.family_name))
        if score >= SIMILAR:
            out.append({"id": r.id, "name": r.name, "score": round(score, 2)})
    return sorted(out, key=lambda x: -x["score"])[:SHOWN]
