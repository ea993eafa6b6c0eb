"""The tie picture every insight command starts from: scored ties, and who counts, as of one moment.

Scores, layers and states come from :func:`tieline.services.strength.network` (cached for today), never
from the model's weights; contact facts (first and last contact, how often, by which channel) are read
only for the few people a command shows, so a read does work in proportion to what it prints.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, and_, exists, func, or_, select

from tieline.ingest.context import utc
from tieline.store import tables as t
from tieline.store.db import Store
from tieline.strength import defaults

if TYPE_CHECKING:  # numpy and the model load only where a picture is made (a read of the cache needs neither)
    import numpy as np
    import numpy.typing as npt

    from tieline.services.strength import Network

INNER_LAYERS = defaults.INNER_LAYERS
CHUNK = 500
SUBJECT_DAYS = 30


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
    """The connections as of one moment, as columns (one entry per counted person, by id)."""

    as_of: datetime
    ids: npt.NDArray[np.int64]
    strength: npt.NDArray[np.float64]  # NaN when unknown
    p_call: npt.NDArray[np.float64]  # NaN when unknown
    layer: npt.NDArray[np.int8]  # 1..5, 0 unknown
    state: npt.NDArray[np.str_]

    def __len__(self) -> int:
        return int(self.ids.shape[0])

    def index(self) -> dict[int, int]:
        return {int(pid): i for i, pid in enumerate(self.ids.tolist())}

    def where(self, mask: npt.NDArray[np.bool_]) -> list[int]:
        return [int(pid) for pid in self.ids[mask].tolist()]

    def ties(self, store: Store, person_ids: Iterable[int] | None = None) -> list[Tie]:
        """The ties of the people given (all counted ones by default), with what the user said about them."""
        wanted = self.ids.tolist() if person_ids is None else list(person_ids)
        where = self.index()
        with store.read() as conn:
            people = people_of(conn, store.account_id, wanted)
        out = []
        for pid in wanted:
            i = where.get(int(pid))
            if i is None or int(pid) not in people:
                continue
            s, p = float(self.strength[i]), float(self.p_call[i])
            out.append(
                Tie(
                    people[int(pid)],
                    None if math.isnan(s) else s,
                    None if math.isnan(p) else p,
                    int(self.layer[i]),
                    str(self.state[i]),
                )
            )
        return out


def now_or(as_of: datetime | None) -> datetime:
    return datetime.now(UTC) if as_of is None else as_of.astimezone(UTC)


def picture(store: Store, as_of: datetime | None = None) -> Picture:
    """Every connection as of ``as_of`` (default now, from the cache of today's scores)."""
    from tieline.services.strength import network

    net = network(store, as_of)
    when = now_or(as_of)
    in_past = as_of is not None and (datetime.now(UTC) - when).days >= 1
    with store.read() as conn:
        out = _left_out(
            conn, store.account_id, when, _first_contacts(conn, store.account_id) if in_past else None
        )
    return _picture(net, out, when)


def pictures(store: Store, moments: list[datetime]) -> list[Picture]:
    """The picture at each of several past moments: the history is read once and scored at each."""
    from tieline.services.model import weights
    from tieline.services.strength import Network, load
    from tieline.strength.model import score

    with store.read() as conn:
        first = _first_contacts(conn, store.account_id)
        ids, events, facts = load(conn, store.account_id)
        left_out = [_left_out(conn, store.account_id, when, first) for when in moments]
    w = weights(store)
    return [
        _picture(Network.of(ids, score(events, len(ids), when.timestamp(), facts, w), when), out, when)
        for when, out in zip(moments, left_out, strict=True)
    ]


def _picture(net: Network, left_out: set[int], when: datetime) -> Picture:
    import numpy as np

    ids = np.asarray(net.person_ids, dtype=np.int64)
    keep = (
        ~np.isin(ids, np.fromiter(left_out, dtype=np.int64, count=len(left_out)))
        if left_out
        else np.ones(ids.shape, bool)
    )
    state = np.asarray(net.state, dtype="<U8")
    return Picture(
        when, ids[keep], net.score[keep], net.p_call[keep], np.asarray(net.layer)[keep], state[keep]
    )


def _left_out(
    conn: Connection, account_id: int, when: datetime, first: dict[int, datetime] | None
) -> set[int]:
    """Who is not a connection at ``when``: archived by then, or not in the network yet — connected
    later, else first in touch later, else (known by no date) added to tieline later. ``first`` is None
    for the present, when everyone stored is in unless archived or connected in the future."""
    p = t.people
    out = set(
        conn.execute(
            select(p.c.id).where(
                and_(
                    p.c.account_id == account_id,
                    or_(and_(p.c.archived_at.is_not(None), p.c.archived_at <= when), p.c.connected_on > when),
                )
            )
        ).scalars()
    )
    if first is None:
        return out
    for pid, created in conn.execute(
        select(p.c.id, p.c.created_at).where(and_(p.c.account_id == account_id, p.c.connected_on.is_(None)))
    ):
        entered = first.get(pid) or utc(created)
        if entered is not None and entered > when:
            out.add(pid)
    return out


def people_of(conn: Connection, account_id: int, person_ids: Iterable[int]) -> dict[int, Person]:
    p = t.people
    ids = sorted({int(x) for x in person_ids})
    out: dict[int, Person] = {}
    cols = (
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
    for start in range(0, len(ids), CHUNK):
        # By id alone, the account checked on the rows: given the account too, SQLite walks all of the
        # account's people through an index that leads with it instead of looking up the few ids.
        for r in conn.execute(select(*cols, p.c.account_id).where(p.c.id.in_(ids[start : start + CHUNK]))):
            if r.account_id != account_id:
                continue
            out[r.id] = Person(
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
    return out


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
    """First and last contact, count and main channel of each person given. For the present they come
    from the per-tie summaries that every write keeps current (one row per person) where the store has
    them; for a past moment (and anyone without a summary) from the interactions before it."""
    ids = sorted(set(person_ids))
    out: dict[int, Contact] = {}
    if (datetime.now(UTC) - before).total_seconds() < 3600:
        covered = _summarised(conn, account_id, ids, t.tie_summaries, out)
        ids = [pid for pid in ids if pid not in covered]
    return out | _counted(conn, account_id, ids, before)


def _summarised(
    conn: Connection, account_id: int, ids: list[int], ts: Any, out: dict[int, Contact]
) -> set[int]:
    """Fill ``out`` from the summaries; return everyone who has one (in touch or not)."""
    covered: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        for r in conn.execute(
            select(
                ts.c.person_id, ts.c.first_contact, ts.c.last_contact, ts.c.interactions, ts.c.channels
            ).where(and_(ts.c.account_id == account_id, ts.c.person_id.in_(ids[start : start + CHUNK])))
        ):
            covered.add(r.person_id)
            first, last = utc(r.first_contact), utc(r.last_contact)
            if first is None or last is None or not r.interactions:
                continue
            by_channel = {ch: sum(d.values()) for ch, d in (r.channels or {}).items()}
            channel = max(by_channel, key=lambda ch: by_channel[ch]) if by_channel else "email"
            out[r.person_id] = Contact(first, last, int(r.interactions), channel)
    return covered


def _counted(conn: Connection, account_id: int, ids: list[int], before: datetime) -> dict[int, Contact]:
    i, pa = t.interactions, t.participants
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


def last_subjects(conn: Connection, account_id: int, last_contact: dict[int, datetime]) -> dict[int, str]:
    """The subject of the latest contact that kept one, in the month up to each person's last contact.

    Read through the interactions' time index (the month before the last contact), not through the
    person's whole history, which for a close tie can be a hundred thousand messages."""
    i, pa = t.interactions, t.participants
    out: dict[int, str] = {}
    for pid, last in last_contact.items():
        subject = conn.execute(
            select(i.c.subject)
            .where(
                and_(
                    i.c.account_id == account_id,
                    i.c.happened_at <= last,
                    i.c.happened_at >= last - timedelta(days=SUBJECT_DAYS),
                    i.c.subject.is_not(None),
                    i.c.bulk.is_(False),
                    exists().where(and_(pa.c.interaction_id == i.c.id, pa.c.person_id == pid)),
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
        for pid, org, begun, ended, account in conn.execute(
            select(
                pos.c.person_id, pos.c.organization, pos.c.start_date, pos.c.end_date, pos.c.account_id
            ).where(pos.c.person_id.in_(ids[start : start + CHUNK]))  # by person: see people_of
        ):
            if account != account_id:
                continue
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
