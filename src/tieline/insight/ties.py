"""The tie picture every insight command starts from: scored ties, and who counts, as of one moment.

Scores, layers and states come from :func:`tieline.services.strength.network` (cached for today), never
from the model's weights; contact facts (first and last contact, how often, by which channel) are read
only for the few people a command shows, so a read does work in proportion to what it prints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection, and_, func, select

from tieline.ingest.context import utc
from tieline.services.strength import Network, network
from tieline.store import tables as t
from tieline.store.db import Store

INNER_LAYERS = (1, 2, 3)  # support, sympathy, affinity: the ties that would go out of their way
CHUNK = 500


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    connected_on: datetime | None
    archived_at: datetime | None
    every_days: int | None
    snoozed_until: datetime | None
    birthday: date | None
    how_met: str | None
    would_take_call: bool | None
    created_at: datetime


@dataclass(frozen=True)
class Tie:
    """One counted person and their tie as of the picture's moment."""

    person: Person
    strength: float | None
    p_call: float | None
    layer: int  # 1..5, 0 unknown
    state: str


@dataclass(frozen=True)
class Picture:
    as_of: datetime
    ties: list[Tie]  # the connections: not archived, known by then

    def by_id(self) -> dict[int, Tie]:
        return {tie.person.id: tie for tie in self.ties}


def now_or(as_of: datetime | None) -> datetime:
    return datetime.now(UTC) if as_of is None else as_of.astimezone(UTC)


def picture(store: Store, as_of: datetime | None = None) -> Picture:
    """Every connection as of ``as_of`` (default now, from the cache of today's scores)."""
    net = network(store, as_of)
    when = now_or(as_of)
    in_past = as_of is not None and (datetime.now(UTC) - when).days >= 1
    with store.read() as conn:
        people = _people(conn, store.account_id)
        first = _first_contacts(conn, store.account_id) if in_past else None
    return _picture(net, people, first, when)


def pictures(store: Store, moments: list[datetime]) -> list[Picture]:
    """The picture at each of several past moments: the history is read once and scored at each."""
    from tieline.services.model import weights
    from tieline.services.strength import load
    from tieline.strength.model import score

    with store.read() as conn:
        people = _people(conn, store.account_id)
        first = _first_contacts(conn, store.account_id)
        ids, events, facts = load(conn, store.account_id)
    w = weights(store)
    out = []
    for when in moments:
        net = Network.of(ids, score(events, len(ids), when.timestamp(), facts, w), when)
        out.append(_picture(net, people, first, when))
    return out


def _picture(
    net: Network, people: list[Person], first: dict[int, datetime] | None, when: datetime
) -> Picture:
    """The connections at ``when``: not archived by then, and in the network by then — connected then,
    else first in touch then, else (known by no date) added to tieline by then. ``first`` is None for
    the present, when everyone stored is in."""
    where = net.index()
    ties: list[Tie] = []
    for person in people:
        if person.archived_at is not None and person.archived_at <= when:
            continue
        if first is not None:
            entered = person.connected_on or first.get(person.id) or person.created_at
            if entered > when:
                continue
        elif person.connected_on is not None and person.connected_on > when:
            continue
        i = where.get(person.id)
        state = net.state[i] if i is not None else "unknown"
        if i is None:
            ties.append(Tie(person, None, None, 0, "unknown"))
            continue
        s, p = float(net.score[i]), float(net.p_call[i])
        ties.append(
            Tie(
                person,
                None if np.isnan(s) else s,
                None if np.isnan(p) else p,
                int(net.layer[i]),
                state,
            )
        )
    return Picture(when, ties)


def _people(conn: Connection, account_id: int) -> list[Person]:
    p = t.people
    rows = conn.execute(
        select(
            p.c.id,
            p.c.name,
            p.c.connected_on,
            p.c.archived_at,
            p.c.every_days,
            p.c.snoozed_until,
            p.c.birthday,
            p.c.how_met,
            p.c.would_take_call,
            p.c.created_at,
        )
        .where(p.c.account_id == account_id)
        .order_by(p.c.id)
    )
    return [
        Person(
            r.id,
            r.name,
            utc(r.connected_on),
            utc(r.archived_at),
            r.every_days,
            utc(r.snoozed_until),
            r.birthday,
            r.how_met,
            r.would_take_call,
            utc(r.created_at) or datetime.now(UTC),
        )
        for r in rows
    ]


def _first_contacts(conn: Connection, account_id: int) -> dict[int, datetime]:
    """Each person's first contact of any kind (to date those with no date of connection)."""
    i, pa = t.interactions, t.participants
    out: dict[int, datetime] = {}
    for pid, first in conn.execute(
        select(pa.c.person_id, func.min(i.c.happened_at))
        .join(i, i.c.id == pa.c.interaction_id)
        .where(and_(pa.c.account_id == account_id, pa.c.person_id.is_not(None)))
        .group_by(pa.c.person_id)
    ):
        when = utc(first)
        if when is not None:
            out[pid] = when
    return out


@dataclass(frozen=True)
class Contact:
    """How one tie has been in touch, before a moment (newsletters and other bulk mail left out)."""

    first: datetime
    last: datetime
    count: int
    channel: str  # the one used most

    @property
    def rhythm_days(self) -> float | None:
        """The mean gap between contacts; None with fewer than three."""
        if self.count < 3:
            return None
        return max((self.last - self.first).total_seconds() / 86400.0 / (self.count - 1), 1.0)


def contacts(
    conn: Connection, account_id: int, person_ids: Iterable[int], before: datetime
) -> dict[int, Contact]:
    """First and last contact, count and main channel of each person given."""
    i, pa = t.interactions, t.participants
    ids = sorted(set(person_ids))
    spans: dict[int, tuple[datetime, datetime, int]] = {}
    channels: dict[int, Counter[str]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = conn.execute(
            select(
                pa.c.person_id,
                i.c.channel,
                func.min(i.c.happened_at),
                func.max(i.c.happened_at),
                func.count(),
            )
            .join(i, i.c.id == pa.c.interaction_id)
            .where(
                and_(
                    pa.c.account_id == account_id,
                    pa.c.person_id.in_(chunk),
                    i.c.happened_at < before,
                    i.c.bulk.is_(False),
                )
            )
            .group_by(pa.c.person_id, i.c.channel)
        )
        for pid, channel, first, last, n in rows:
            f, la = utc(first), utc(last)
            assert f is not None and la is not None
            if pid in spans:
                f0, l0, n0 = spans[pid]
                spans[pid] = (min(f0, f), max(l0, la), n0 + n)
            else:
                spans[pid] = (f, la, n)
            channels.setdefault(pid, Counter())[channel] += n
    return {pid: Contact(f, la, n, channels[pid].most_common(1)[0][0]) for pid, (f, la, n) in spans.items()}


def last_subjects(
    conn: Connection, account_id: int, person_ids: Iterable[int], before: datetime
) -> dict[int, str]:
    """The subject of the latest contact that kept one, for each person given (a few people at a time)."""
    i, pa = t.interactions, t.participants
    out: dict[int, str] = {}
    for pid in person_ids:
        subject = conn.execute(
            select(i.c.subject)
            .join(pa, pa.c.interaction_id == i.c.id)
            .where(
                and_(
                    pa.c.person_id == pid,
                    i.c.happened_at < before,
                    i.c.subject.is_not(None),
                    i.c.bulk.is_(False),
                )
            )
            .order_by(i.c.happened_at.desc())
            .limit(1)
        ).scalar()
        if subject:
            out[pid] = str(subject)
    return out


def current_organisations(
    conn: Connection, account_id: int, person_ids: Iterable[int], when: datetime
) -> dict[int, str]:
    """Where each person given worked at ``when`` (the latest position begun by then and not ended)."""
    pos = t.positions
    ids = sorted(set(person_ids))
    day = when.date()
    out: dict[int, tuple[date, str]] = {}
    for start in range(0, len(ids), CHUNK):
        for pid, org, begun, ended in conn.execute(
            select(pos.c.person_id, pos.c.organization, pos.c.start_date, pos.c.end_date).where(
                and_(pos.c.account_id == account_id, pos.c.person_id.in_(ids[start : start + CHUNK]))
            )
        ):
            if (begun is not None and begun > day) or (ended is not None and ended <= day):
                continue
            key = begun or date.min
            if pid not in out or key >= out[pid][0]:
                out[pid] = (key, org)
    return {pid: org for pid, (_, org) in out.items()}


def row(tie: Tie) -> dict[str, Any]:
    return {
        "person_id": tie.person.id,
        "name": tie.person.name,
        "strength": None if tie.strength is None else round(tie.strength, 4),
        "p_call": None if tie.p_call is None else round(tie.p_call, 4),
        "layer": tie.layer or None,
        "state": tie.state,
    }
