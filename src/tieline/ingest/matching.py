"""Likely-duplicate detection. Nothing here merges: it only queues pairs for the user to confirm.

A pair is likely when the two share a name and an organisation, or have similar names and an
e-mail domain in common (not a free-mail one). A shared name alone is never enough: thousands of
people are called Wei Zhang.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from typing import Any

from rapidfuzz import fuzz
from sqlalchemy import and_, insert, select

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
BLOCK = 50  # how many earlier people one newcomer is compared with, per name block


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
        # Two different profiles on one network are two accounts, almost always two people.
        self.profile: dict[int, str] = {}
        self.pairs: set[tuple[int, int]] = set()

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
        for pid, value in ctx.conn.execute(
            select(h.c.person_id, h.c.value).where(
                and_(h.c.account_id == ctx.account_id, h.c.kind == "linkedin", h.c.person_id.is_not(None))
            )
        ):
            self.profile[pid] = value
        mc = t.merge_candidates
        self.pairs = {
            (a, b)
            for a, b in ctx.conn.execute(
                select(mc.c.person_a, mc.c.person_b).where(mc.c.account_id == ctx.account_id)
            )
        }
        self.loaded = True

    def consider(self, ctx: Context, person_id: int, name: str, rec: ContactRecord, keys: list[Key]) -> None:
        if not self.loaded:
            self.load(ctx)
        n = plain(name)
        seen: set[int] = set()
        for kind, value in keys:
            if kind == "linkedin":
                self.profile[person_id] = value
        mine = self.profile.get(person_id)
        for p in rec.positions:
            org = p.organization.casefold().strip()
            block = self.by_name_org[(n, org)]
            for other in reversed(block[-BLOCK:]):
                if other == person_id or other in seen or (mine is not None and other in self.profile):
                    continue
                seen.add(other)
                self.queue(ctx, other, person_id, f"same name and organisation ({p.organization})", 0.9)
            self._enter(block, person_id, mine)
        for kind, value in keys:
            if kind != "email":
                continue
            domain = value.rsplit("@", 1)[-1]
            if domain in FREE_MAIL:
                continue
            fblock = self.by_family_domain[(_family(n), domain)]
            for other, other_name in reversed(fblock[-BLOCK:]):
                if other == person_id or other in seen or (mine is not None and other in self.profile):
                    continue
                score = fuzz.token_sort_ratio(n, other_name)
                if score >= SIMILAR:
                    seen.add(other)
                    self.queue(ctx, other, person_id, f"similar names, both at {domain}", score / 100)
            self._enter(fblock, (person_id, n), mine)

    @staticmethod
    def _enter(block: list[Any], item: Any, profile: str | None) -> None:
        """People with a profile go to the front half, so the recent tail holds those who could match anyone."""
        if profile is None:
            block.append(item)
        else:
            block.insert(0, item)

    def queue(self, ctx: Context, a: int, b: int, reason: str, score: float) -> None:
        a, b = min(a, b), max(a, b)
        if not self.loaded:
            self.load(ctx)
        if (a, b) in self.pairs:
            return
        self.pairs.add((a, b))
        mc = t.merge_candidates
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
