"""Likely-duplicate detection. Nothing here merges: it only queues pairs for the user to confirm.

Names are parsed (given / family, titles and suffixes set aside, either order) and compared with a
similarity measure (ingest/names.py). A pair is likely when the names are alike and there is one
more piece of evidence: an organisation or an e-mail domain (not a free-mail one) in common, or a
name so rare that no one else in the network has it. A common name alone is never enough:
thousands of people are called Wei Zhang. A pair is proposed once; a pair the user dismissed stays
dismissed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import and_, insert, select

from tieline.ingest.context import Context
from tieline.ingest.index import Key
from tieline.ingest.names import Name, fold, parse, similarity
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
SIMILAR = 0.85  # names parsed and compared part by part (ingest/names.py)
BLOCK = 50  # how many earlier people one newcomer is compared with, per family name
RARE = 3  # a name held by at most this many people is evidence on its own
RARE_NAME = "similar names, no one else is called so"


def plain(name: str) -> str:
    """Case, accents, invisible characters and look-alikes folded away: 'Zoë  O'Brien' -> 'zoe obrien'."""
    return " ".join("".join(c for c in fold(name) if c.isalnum() or c.isspace()).split())


@dataclass
class Known:
    """What the matcher keeps of one person: the parsed name and the evidence two records can share."""

    name: Name
    orgs: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)
    profile: str | None = None


class Matcher:
    def __init__(self) -> None:
        self.loaded = False
        self.people: dict[int, Known] = {}
        self.by_family: dict[str, list[int]] = defaultdict(list)
        self.pairs: set[tuple[int, int]] = set()  # proposed once (open, merged or dismissed): never again
        self.waiting: list[tuple[int, int, float]] = []

    def load(self, ctx: Context) -> None:
        p = t.people
        for pid, name, given, family in ctx.conn.execute(
            select(p.c.id, p.c.name, p.c.given_name, p.c.family_name).where(p.c.account_id == ctx.account_id)
        ):
            self._enter(pid, parse(name, given, family))
        pos = t.positions
        for pid, org in ctx.conn.execute(
            select(pos.c.person_id, pos.c.organization).where(pos.c.account_id == ctx.account_id)
        ):
            if pid in self.people:
                self.people[pid].orgs.add(org.casefold().strip())
        h = t.handles
        for pid, kind, value in ctx.conn.execute(
            select(h.c.person_id, h.c.kind, h.c.value).where(
                and_(
                    h.c.account_id == ctx.account_id,
                    h.c.kind.in_(("email", "linkedin")),
                    h.c.person_id.is_not(None),
                )
            )
        ):
            if pid in self.people:
                self._evidence(self.people[pid], kind, value)
        mc = t.merge_candidates
        self.pairs = {
            (a, b)
            for a, b in ctx.conn.execute(
                select(mc.c.person_a, mc.c.person_b).where(mc.c.account_id == ctx.account_id)
            )
        }
        self.loaded = True

    def _enter(self, pid: int, name: Name) -> Known:
        known = self.people[pid] = Known(name)
        if name.family:
            self.by_family[name.family].append(pid)
        return known

    @staticmethod
    def _evidence(known: Known, kind: str, value: str) -> None:
        if kind == "linkedin":
            known.profile = value
        elif kind == "email":
            domain = value.rsplit("@", 1)[-1]
            if domain not in FREE_MAIL:
                known.domains.add(domain)

    def consider(self, ctx: Context, person_id: int, name: str, rec: ContactRecord, keys: list[Key]) -> None:
        """Queue the stored people this new one is likely to be: a similar name and something more."""
        if not self.loaded:
            self.load(ctx)
        me = self._enter(person_id, parse(name, rec.given_name, rec.family_name))
        me.orgs.update(p.organization.casefold().strip() for p in rec.positions)
        for kind, value in keys:
            self._evidence(me, kind, value)
        for other, score, why in self.likely(person_id):
            if why == RARE_NAME:  # rare or not is known when the whole file is read
                self.waiting.append((other, person_id, score))
            else:
                self.queue(ctx, other, person_id, why, score)

    def merged(self, keep: int, other: int) -> None:
        """``other`` was merged into ``keep``: it is no one any more, and the pair is settled."""
        known = self.people.pop(other, None)
        if known is not None and other in self.by_family.get(known.name.family, []):
            self.by_family[known.name.family].remove(other)
        self.pairs.add((min(keep, other), max(keep, other)))

    def finish(self, ctx: Context) -> None:
        """Propose the pairs whose only evidence is a rare name, if it is still rare now."""
        for a, b, score in self.waiting:
            if a in self.people and b in self.people and self._rare(a) and self._rare(b):
                self.queue(ctx, a, b, RARE_NAME, score)
        self.waiting.clear()

    def _rare(self, pid: int) -> bool:
        n = self.people[pid].name
        return len(self.by_family.get(n.family, [])) + len(self.by_family.get(n.given, [])) <= RARE

    def likely(self, person_id: int) -> list[tuple[int, float, str]]:
        """Earlier people like ``person_id``: (id, score, why), the name alike and some evidence besides."""
        me = self.people[person_id]
        n = me.name
        # the family block, and the block of the given name for names written the other way round
        blocks = [self.by_family.get(n.family, []), self.by_family.get(n.given, []) if n.given else []]
        rare = sum(len(b) for b in blocks) <= RARE
        out: list[tuple[int, float, str]] = []
        for block in blocks:
            for other in reversed(block[-BLOCK:]):
                if other == person_id or any(o == other for o, _, _ in out):
                    continue
                them = self.people[other]
                if me.profile is not None and them.profile is not None:
                    continue  # two profiles on one network are two accounts, almost always two people
                orgs, domains = me.orgs & them.orgs, me.domains & them.domains
                if not (rare or orgs or domains):
                    continue
                score = similarity(n, them.name)
                if score < SIMILAR:
                    continue
                if orgs:
                    why = f"similar names, same organisation ({sorted(orgs)[0]})"
                elif domains:
                    why = f"similar names, both at {sorted(domains)[0]}"
                else:
                    why = RARE_NAME
                out.append((other, round(score, 2), why))
        return out

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
