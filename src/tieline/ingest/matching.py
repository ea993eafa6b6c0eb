"""Likely-duplicate detection. Nothing here merges: it only queues pairs for the user to confirm.

A pair is likely when the two share a name and an organisation, or have similar names and an
e-mail domain in common (not a free-mail one). A shared name alone is never enough: thousands of
people are called Wei Zhang.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict

from rapidfuzz import fuzz
from sqlalchemy import and_, insert, or_, select

from tieline.ingest.context import Context
from tieline.ingest.index import Key
from tieline.records import ContactRecord
from tieline.store import tables as t

FREE_MAIL = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "yahoo.co.uk",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "msn.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "proton.me",
        "protonmail.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.ru",
        "yandex.ru",
        "qq.com",
        "163.com",
        "126.com",
        "fastmail.com",
        "hey.com",
        "zoho.com",
    ]
)
SIMILAR = 88.0


def plain(name: str) -> str:
    """Case, accents and punctuation folded away: 'Zoë  O'Brien' -> 'zoe obrien'."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    kept = "".join(c for c in folded if c.isalnum() or c.isspace())
    return " ".join(kept.split())


def _family(name: str) -> str:
    parts = name.split()
    return parts[-1] if parts else ""


class Matcher:
    def __init__(self) -> None:
        self.loaded = False
        self.by_name_org: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.by_family_domain: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)

    def load(self, ctx: Context) -> None:
        names = {
            pid: name
            for pid, name in ctx.conn.execute(
                select(t.people.c.id, t.people.c.name).where(t.people.c.account_id == ctx.account_id)
            )
        }
        pos = t.positions
        for pid, org in ctx.conn.execute(
            select(pos.c.person_id, pos.c.organization).where(pos.c.account_id == ctx.account_id)
        ):
            if pid in names:
                self.by_name_org[(plain(names[pid]), org.casefold().strip())].append(pid)
        h = t.handles
        for pid, value in ctx.conn.execute(
            select(h.c.person_id, h.c.value).where(
                and_(h.c.account_id == ctx.account_id, h.c.kind == "email", h.c.person_id.is_not(None))
            )
        ):
            domain = value.rsplit("@", 1)[-1]
            if pid in names and domain not in FREE_MAIL:
                n = plain(names[pid])
                self.by_family_domain[(_family(n), domain)].append((pid, n))
        self.loaded = True

    def consider(self, ctx: Context, person_id: int, name: str, rec: ContactRecord, keys: list[Key]) -> None:
        if not self.loaded:
            self.load(ctx)
        n = plain(name)
        seen: set[int] = set()
        for p in rec.positions:
            org = p.organization.casefold().strip()
            for other in self.by_name_org.get((n, org), ()):
                if other != person_id and other not in seen:
                    seen.add(other)
                    self.queue(ctx, other, person_id, f"same name and organisation ({p.organization})", 0.9)
            self.by_name_org[(n, org)].append(person_id)
        for kind, value in keys:
            if kind != "email":
                continue
            domain = value.rsplit("@", 1)[-1]
            if domain in FREE_MAIL:
                continue
            block = self.by_family_domain[(_family(n), domain)]
            for other, other_name in block:
                if other == person_id or other in seen:
                    continue
                score = fuzz.token_sort_ratio(n, other_name)
                if score >= SIMILAR:
                    seen.add(other)
                    self.queue(ctx, other, person_id, f"similar names, both at {domain}", score / 100)
            block.append((person_id, n))

    def queue(self, ctx: Context, a: int, b: int, reason: str, score: float) -> None:
        a, b = min(a, b), max(a, b)
        mc = t.merge_candidates
        exists = ctx.conn.execute(
            select(mc.c.id).where(or_(and_(mc.c.person_a == a, mc.c.person_b == b)))
        ).scalar()
        if exists is not None:
            return
        ctx.conn.execute(
            insert(mc).values(
                account_id=ctx.account_id,
                person_a=a,
                person_b=b,
                reason=reason[:200],
                score=score,
                status="open",
                batch_id=ctx.batch_id,
            )
        )
        ctx.counts.merge_candidates += 1
