"""Phone numbers as evidence: weak, so they join two people only with the same name, and never when shared.

Families share a landline and a switchboard answers for a whole firm, so a phone number alone never
makes two records one person. While a file is written, who holds each number is noted; at its end a
number held by exactly two people either joins them — when their names are the same for sure and no
strong handle (e-mail, profile, chat id) tells them apart — as a recorded, undoable merge, or
proposes them to the user as a likely pair, with the number as the reason. A number held by more
than two people, and a short or invalid one, joins and proposes nobody.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, select

from tieline.ingest.context import Context
from tieline.ingest.index import Key
from tieline.ingest.matching import Matcher
from tieline.ingest.merging import merge_people
from tieline.ingest.names import parse, same_for_sure
from tieline.ingest.normalise import matchable_phone
from tieline.ingest.updates import Update
from tieline.store import tables as t

MAX_HOLDERS = 2
STRONG = ("email", "linkedin", "url", "chat")


class PhoneHolders:
    def __init__(self) -> None:
        self.holders: dict[Key, list[int]] = defaultdict(list)  # who holds each number
        self.waiting: list[tuple[Key, Update]] = []  # records of the chunk not written yet

    def hold(self, key: Key, update: Update) -> None:
        """Note that a record of the chunk holds a number; its person is known once the chunk is written."""
        if key[0] == "phone" and matchable_phone(key[1]):
            self.waiting.append((key, update))

    def written(self) -> None:
        """The chunk is written: keep who holds each number, not the records (a file can hold a million)."""
        for key, update in self.waiting:
            self.holders[key].append(update.person_id)
        self.waiting.clear()

    def settle(self, ctx: Context, matcher: Matcher) -> None:
        """Join or propose the pairs that share a number, now that the whole file is written."""
        pairs: list[tuple[Key, int, int]] = []
        for key, holding in self.holders.items():
            entry = ctx.index.handles.get(key)
            owners = [entry[1]] if entry is not None and entry[1] is not None else []
            owners += holding
            people = list(dict.fromkeys(owners))
            if len(people) > MAX_HOLDERS:
                ctx.counts.note("phone numbers shared by more than two people (used to match no one)")
            elif len(people) == MAX_HOLDERS:
                pairs.append((key, people[0], people[1]))
        self.holders.clear()
        if not pairs:
            return
        ids = {pid for _, a, b in pairs for pid in (a, b)}
        names, strong, created = _people(ctx, ids)
        undone = _unmerged(ctx)
        merged: dict[int, int] = {}
        if not matcher.loaded:
            matcher.load(ctx)
        for key, a, b in pairs:
            a, b = merged.get(a, a), merged.get(b, b)
            if a == b or a not in names or b not in names:
                continue
            pair = (min(a, b), max(a, b))
            told = pair in matcher.pairs or pair in undone  # the user has seen them, or took a merge back
            if not told and _same(names[a], names[b]) and not _told_apart(strong[a], strong[b]):
                keep, other = pair
                reason = f"same phone number {key[1]} and the same name"
                merge_people(ctx.conn, ctx.account_id, keep, other, reason, ctx.batch_id)
                ctx.counts.merged.append(
                    {"kept": keep, "merged": other, "name": names[keep][0], "reason": reason}
                )
                if created[other] == ctx.batch_id:
                    ctx.counts.people_created -= 1
                merged[other] = keep
                matcher.merged(keep, other)
                strong[keep] |= strong.pop(other)
                ctx.touched_people.add(keep)
            else:
                matcher.queue(ctx, a, b, f"same phone number {key[1]}", 0.6)


def _same(a: tuple[str, str | None, str | None], b: tuple[str, str | None, str | None]) -> bool:
    return same_for_sure(parse(*a), parse(*b))


def _told_apart(a: set[Key], b: set[Key]) -> bool:
    """Both have strong handles of one kind and none in common: two accounts, two people."""
    if a & b:
        return False
    return bool({_kind(k) for k in a} & {_kind(k) for k in b})


def _kind(key: Key) -> str:
    return key[1].split(":", 1)[0] if key[0] == "chat" else key[0]


Names = dict[int, tuple[str, str | None, str | None]]


def _people(ctx: Context, ids: set[int]) -> tuple[Names, dict[int, set[Key]], dict[int, int | None]]:
    """Each person's name parts, strong handles and the batch that created them."""
    p, h = t.people, t.handles
    names: Names = {}
    created: dict[int, int | None] = {}
    for pid, name, given, family, batch in ctx.conn.execute(
        select(p.c.id, p.c.name, p.c.given_name, p.c.family_name, p.c.batch_id).where(p.c.id.in_(sorted(ids)))
    ):
        names[pid] = (name, given, family)
        created[pid] = batch
    strong: dict[int, set[Key]] = {pid: set() for pid in names}
    for pid, kind, value in ctx.conn.execute(
        select(h.c.person_id, h.c.kind, h.c.value).where(
            and_(h.c.person_id.in_(sorted(ids)), h.c.kind.in_(STRONG))
        )
    ):
        strong[pid].add((kind, value))
    return names, strong, created


def _unmerged(ctx: Context) -> set[tuple[int, int]]:
    m = t.merges
    return {
        (min(a, b), max(a, b))
        for a, b in ctx.conn.execute(
            select(m.c.kept_id, m.c.merged_id).where(
                and_(m.c.account_id == ctx.account_id, m.c.undone.is_(True))
            )
        )
    }
