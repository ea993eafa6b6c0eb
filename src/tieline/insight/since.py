"""What changed since a past figure was computed, and from which moment on it matters.

A headline as of a past moment ``T`` (``health``'s comparison, the first of the month at least 90 days
back, and the trend's months) is computed from the data dated before ``T`` plus what the user said about
each tie, and costs a rescore of the whole history.
It is kept with a :class:`Mark`: the newest row of each table it read when it was computed, the rare
events that can change any past (a refit, a merge, an undo, a forgotten person, a new model), a digest of
what the user said (connection dates, relationship, closeness, answers) and who was archived when.

:func:`touched` reads, through the primary keys and a few small indexes, only what was written since a
mark and answers the earliest moment a figure can have changed: a message logged today touches today, a
backdated one its date, a new person the moment they entered the network, anything that rewrites history
in place (a handle's messages moving to a person, a direction changed by ``me add``, a group's members) or
a change of what the user said touches every moment. A past figure is kept while that moment is later than
its own; a write dated today keeps health's comparison figure, a backdated one computes it again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, case, func, select

from tieline.ingest.context import utc
from tieline.store import tables as t
from tieline.strength import defaults

ALWAYS = datetime.min.replace(tzinfo=UTC)  # touches every moment
NEVER = datetime.max.replace(tzinfo=UTC)  # touches none
# Rows changed in place (their before-images in `changes`) that move history between ties: every past.
REWRITES = ("interactions", "participants", "handles", "conversation_members")
FACTS = ("connected_on", "relationship", "closeness", "would_take_call", "created_at")


@dataclass(frozen=True)
class Mark:
    """The state of the data a past figure was computed from."""

    rare: str  # model version, fitted weights, merges, undone batches and reviews, people kept
    interaction: int  # the newest row of each table, when the figure was computed
    participant: int
    person: int
    member: int
    change: int
    edited: str  # the latest edit of a person
    facts: str  # a digest of what the user said about everyone
    archived: dict[str, str] = field(default_factory=dict)  # person id -> archived at

    def as_json(self) -> dict[str, Any]:
        return {
            "rare": self.rare,
            "interaction": self.interaction,
            "participant": self.participant,
            "person": self.person,
            "member": self.member,
            "change": self.change,
            "edited": self.edited,
            "facts": self.facts,
            "archived": self.archived,
        }

    @classmethod
    def of_json(cls, data: Any) -> Mark | None:
        try:
            return cls(**data)
        except TypeError:  # kept by an older version
            return None


def mark(conn: Connection, account_id: int, facts: str | None = None) -> Mark:
    """The data's state now (take it before reading the data a figure is computed from)."""
    i, pa, p, m, ch = t.interactions, t.participants, t.people, t.conversation_members, t.changes
    # One statement (each maximum the end of a primary key): a read command compiles every statement
    # it sends afresh, which costs more than these lookups.
    newest = [
        int(n or 0)
        for n in conn.execute(
            select(*(select(func.max(table.c.id)).scalar_subquery() for table in (i, pa, p, m, ch)))
        ).one()
    ]
    return Mark(
        _rare(conn, account_id, newest[2]),
        newest[0],
        newest[1],
        newest[2],
        newest[3],
        newest[4],
        _edited(conn),
        facts if facts is not None else _facts(conn, account_id)[1],
        _archived(conn, account_id),
    )


def touched(conn: Connection, account_id: int, before: Mark) -> tuple[datetime, Mark]:
    """The earliest moment whose figures may differ from those computed at ``before``, and the mark of
    the data now (for the figures still valid). :data:`NEVER` when nothing that matters was written."""
    now = mark(conn, account_id, facts=before.facts)
    same = now.rare if now.person == before.person else _rare(conn, account_id, before.person)
    if same != before.rare:
        return ALWAYS, now
    if now.edited != before.edited:  # someone was edited: did what the user said about a tie change?
        known, everyone = _facts(conn, account_id, before.person)
        now = replace(now, facts=everyone)
        if known != before.facts:
            return ALWAYS, now
    earliest = min(
        _archival(before.archived, now.archived),
        _new_interactions(conn, before, now),
        _new_people(conn, account_id, before, now),
        _new_members(conn, before, now),
        _rewrites(conn, account_id, before, now),
    )
    return earliest, now


def _rare(conn: Connection, account_id: int, newest_person: int) -> str:
    """What can change any past moment and changes rarely: one string."""
    p, w, mg, b, rd = t.people, t.model_weights, t.merges, t.batches, t.review_decisions
    mine = (w.c.account_id == account_id, mg.c.account_id == account_id, b.c.account_id == account_id)
    fitted, merges, newest_merge, merges_undone, undone, reviews, kept = conn.execute(
        select(
            select(func.max(w.c.id)).where(mine[0]).scalar_subquery(),
            select(func.count()).select_from(mg).where(mine[1]).scalar_subquery(),
            select(func.max(mg.c.id)).where(mine[1]).scalar_subquery(),
            select(func.sum(case((mg.c.undone.is_(True), 1), else_=0))).where(mine[1]).scalar_subquery(),
            select(func.sum(case((b.c.status == "undone", 1), else_=0))).where(mine[2]).scalar_subquery(),
            select(func.sum(case((rd.c.undone.is_(True), 1), else_=0)))
            .where(rd.c.account_id == account_id)
            .scalar_subquery(),
            # A person forgotten, merged away or undone: fewer of those that were there.
            select(func.count())
            .select_from(p)
            .where(and_(p.c.account_id == account_id, p.c.id <= newest_person))
            .scalar_subquery(),
        )
    ).one()
    merged = (merges, newest_merge, merges_undone)
    return f"{defaults.MODEL_VERSION}|w{fitted}|m{merged[0]}:{merged[1]}:{merged[2]}|b{undone}|r{reviews}|p{kept}"


def _edited(conn: Connection) -> str:
    """The latest edit of anyone (any account: an index's last entry)."""
    edited = utc(conn.execute(select(func.max(t.people.c.updated_at))).scalar())
    return edited.isoformat() if edited else ""


def _facts(conn: Connection, account_id: int, upto: int | None = None) -> tuple[str, str]:
    """A digest of what the user said about every tie, and about those up to ``upto`` (the people a
    mark knew: the new ones are weighed apart). Read only after someone was edited."""
    p = t.people
    digest = hashlib.sha256()
    known: str | None = None
    for row in conn.execute(
        select(p.c.id, *(p.c[name] for name in FACTS)).where(p.c.account_id == account_id).order_by(p.c.id)
    ):
        if upto is not None and known is None and row.id > upto:
            known = digest.copy().hexdigest()
        digest.update(repr(tuple(row)).encode())
    everyone = digest.hexdigest()
    return (known if known is not None else everyone), everyone


def _archived(conn: Connection, account_id: int) -> dict[str, str]:
    """Who is archived and since when (a range of the archival index; the account checked on the rows)."""
    p = t.people
    out = {}
    for pid, account, when in conn.execute(
        select(p.c.id, p.c.account_id, p.c.archived_at).where(p.c.archived_at >= ALWAYS)
    ):
        at = utc(when)
        if account == account_id and at is not None:
            out[str(pid)] = at.isoformat()
    return out


def _archival(before: dict[str, str], now: dict[str, str]) -> datetime:
    """Archiving someone changes the counts from the moment of the archival on (unarchiving, from the
    moment they had been archived)."""
    earliest = NEVER
    for pid in set(before) | set(now):
        old, new = before.get(pid), now.get(pid)
        if old != new:
            earliest = min([earliest, *(datetime.fromisoformat(x) for x in (old, new) if x)])
    return earliest


def _new_interactions(conn: Connection, before: Mark, now: Mark) -> datetime:
    """The earliest new message (any account's: a range of the primary key), and the first contacts it
    moved: someone never in touch and known by no connection date counts from when they were added, so
    a first contact, however late, takes them out of the moments before it."""
    i, pa, p = t.interactions, t.participants, t.people
    if now.interaction == before.interaction and now.participant == before.participant:
        return NEVER
    earliest = utc(
        conn.execute(
            select(func.min(i.c.happened_at)).where(
                and_(i.c.id > before.interaction, i.c.id <= now.interaction)
            )
        ).scalar()
    )
    found = [earliest or NEVER]
    new_parts = conn.execute(
        select(pa.c.person_id, pa.c.interaction_id).where(
            and_(pa.c.id > before.participant, pa.c.id <= now.participant)
        )
    ).all()
    if any(iid <= before.interaction for _, iid in new_parts):
        return ALWAYS  # someone added to an old message
    people = sorted({pid for pid, _ in new_parts if pid is not None and pid <= before.person})
    for start in range(0, len(people), 500):
        chunk = people[start : start + 500]
        for created, pid, connected in conn.execute(
            select(p.c.created_at, p.c.id, p.c.connected_on).where(p.c.id.in_(chunk))
        ):
            if connected is not None:
                continue
            was_in_touch = conn.execute(
                select(pa.c.id)
                .where(and_(pa.c.person_id == pid, pa.c.interaction_id <= before.interaction))
                .limit(1)
            ).first()
            if was_in_touch is None:
                found.append(utc(created) or ALWAYS)
    return min(found)


def _new_people(conn: Connection, account_id: int, before: Mark, now: Mark) -> datetime:
    """The earliest moment a new person counts or ranks: connected, added, or in touch by then; anyone
    the user said something about, or a member of a group, ranks at every moment."""
    p, pa, i, h, m = t.people, t.participants, t.interactions, t.handles, t.conversation_members
    if now.person == before.person:
        return NEVER
    found = [NEVER]
    for r in conn.execute(  # a range of the primary key, the account checked on the rows
        select(
            p.c.id,
            p.c.account_id,
            p.c.connected_on,
            p.c.created_at,
            p.c.relationship,
            p.c.closeness,
            p.c.would_take_call,
        ).where(and_(p.c.id > before.person, p.c.id <= now.person))
    ):
        if r.account_id != account_id:
            continue
        if r.relationship is not None or r.closeness is not None or r.would_take_call is not None:
            return ALWAYS
        grouped = conn.execute(
            select(m.c.id).join(h, h.c.id == m.c.handle_id).where(h.c.person_id == r.id).limit(1)
        ).first()
        if grouped is not None:
            return ALWAYS
        first = conn.execute(
            select(func.min(i.c.happened_at))
            .select_from(pa)
            .join(i, i.c.id == pa.c.interaction_id)
            .where(pa.c.person_id == r.id)
        ).scalar()
        found += [d for d in (utc(r.connected_on), utc(r.created_at), utc(first)) if d is not None]
    return min(found)


def _new_members(conn: Connection, before: Mark, now: Mark) -> datetime:
    m = t.conversation_members
    if now.member == before.member:
        return NEVER
    joined = conn.execute(
        select(m.c.joined_at).where(and_(m.c.id > before.member, m.c.id <= now.member))
    ).scalars()
    return min((utc(j) or ALWAYS for j in joined), default=NEVER)


def _rewrites(conn: Connection, account_id: int, before: Mark, now: Mark) -> datetime:
    ch = t.changes
    if now.change == before.change:
        return NEVER
    tables = set(
        conn.execute(
            select(ch.c.table_name).where(
                and_(ch.c.id > before.change, ch.c.id <= now.change, ch.c.account_id == account_id)
            )
        ).scalars()
    )
    if tables & set(REWRITES):
        return ALWAYS
    if "people" in tables and _facts(conn, account_id, before.person)[0] != before.facts:
        return ALWAYS
    return NEVER
