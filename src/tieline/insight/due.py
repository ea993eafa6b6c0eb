"""`tieline due`: who to contact this week, and why, in words.

Reasons, most pressing first: a birthday this week, a favour you owe, a job change, a new connection not
followed up, a rhythm overdue (the tie's own, or the cadence the user set with ``people edit --every``).
Any contact logged or imported after the reason arose clears it; ``due snooze`` hides a person for a
while. Someone silent for a year with no cadence set is not nagged about here: the review offers them to
reconnect.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, func, or_, select, true, union

from tieline.ingest.context import utc
from tieline.insight.durations import in_words
from tieline.insight.overview import left_out_now, top_ties
from tieline.insight.ties import Contact, Picture, Tie, contacts, last_subjects, people_of, picture
from tieline.services import logbook
from tieline.services.lookup import find_person
from tieline.store import tables as t
from tieline.store.db import Store

if TYPE_CHECKING:  # numpy loads only for a past moment's picture: the present reads the cache in SQL
    import numpy as np
    import numpy.typing as npt

SILENT_YEAR = 365.0
NEW_DAYS = 90
JOB_DAYS = 120
OWED_DAYS = 365
BIRTHDAY_DAYS = 7
MIN_RHYTHM = 7.0
OVERDUE_FACTOR = 2.0  # a tie's own rhythm is overdue at twice its usual gap; a set cadence at once
# How pressing each reason is, before the tie's strength weighs it.
URGENCY = {"birthday": 3.0, "owed": 2.0, "job": 1.5, "new": 1.2, "cadence": 1.2, "rhythm": 1.0}
RHYTHM_CAP = 3.0  # an overdue rhythm weighs at most three times its base urgency
CADENCE_CAP = 4.0  # and an overdue cadence four times
CHUNK = 500
EXACT_CHUNK = 50  # the present's candidates come in the order of their exact rank: a few suffice
OVERDUE_PAGE = 500


@dataclass
class Reason:
    kind: str
    words: str
    since: datetime
    urgency: float


@dataclass
class Due:
    tie: Tie
    reasons: list[Reason] = field(default_factory=list)
    contact: Contact | None = None

    @property
    def rank(self) -> float:
        weight = self.tie.p_call if self.tie.p_call is not None else 0.2
        return max(r.urgency for r in self.reasons) * (0.3 + weight)


def due(store: Store, as_of: datetime | None = None, limit: int | None = 10) -> list[dict[str, Any]]:
    """The people to contact, best first, each with the reason in words, a channel and the last subject.

    For the present, one query over the per-tie summaries finds who is overdue on their rhythm and how
    urgently; they are weighed best first and the search stops once no later one could outrank the list,
    so a large network costs the few ties shown, not all of them. For a past moment candidates are
    weighed in order of how likely they are to take your call (their rank is bounded by it)."""
    if as_of is None and not store.read_only:
        return _due_now(store, limit)
    import numpy as np

    pic = picture(store, as_of)
    now = pic.as_of
    with store.read() as conn:
        owed = _owed(conn, store.account_id, now)
        jobs = _job_changes(conn, store.account_id, now)
        chosen = _chosen(conn, store.account_id, now)
        overdue = None if as_of is not None else _overdue(conn, store.account_id, now)
    # Everyone with a reason of their own (owed, a job, a cadence, new, a birthday) or overdue on their
    # rhythm can be ranked no higher than their likeliest reason's urgency allows: they are weighed from the
    # highest such ceiling down until none left could outrank the list.
    bounds = {pid: URGENCY["owed"] for pid in owed}
    for pid in jobs:
        bounds[pid] = max(bounds.get(pid, 0.0), URGENCY["job"])
    for pid, bound in chosen.items():
        bounds[pid] = max(bounds.get(pid, 0.0), bound)
    extra = np.fromiter(bounds, dtype=np.int64, count=len(bounds))
    special = np.isin(pic.ids, extra)
    usual = (np.isin(pic.layer, (1, 2, 3, 4)) | (pic.state == "fading")) & ~special
    found: list[Due] = []
    if overdue is None:  # a past moment: the few special ones first, then the rest likeliest first
        _weigh(store, pic, pic.ids[special].tolist(), now, owed, jobs, found)
        order, ceiling = _by_probability(pic, usual)
        step = CHUNK
    else:
        order, ceiling = _by_ceiling(pic, usual, bounds, overdue)
        step = EXACT_CHUNK
    for start in range(0, order.size, step):
        if limit is not None and len(found) >= limit:
            found.sort(key=lambda d: -d.rank)
            if found[limit - 1].rank >= ceiling[start]:
                break
        _weigh(store, pic, pic.ids[order[start : start + step]].tolist(), now, owed, jobs, found)
    return _shown(store, found, limit)


def _shown(store: Store, found: list[Due], limit: int | None) -> list[dict[str, Any]]:
    """The rows of the best ``limit`` found, with each one's last subject."""
    found.sort(key=lambda d: (-d.rank, d.tie.person.name.lower()))
    shown = found[:limit] if limit is not None else found
    with store.read() as conn:
        subjects = last_subjects(
            conn, store.account_id, {d.tie.person.id: d.contact.last for d in shown if d.contact is not None}
        )
    return [_row(d, subjects.get(d.tie.person.id)) for d in shown]


def _due_now(store: Store, limit: int | None) -> list[dict[str, Any]]:
    """The present, from the cached scores and the per-tie summaries: the people with a reason of their
    own (a few index ranges) and those the database finds overdue on their rhythm, best first, are
    weighed in that order until no later one could outrank the list."""
    from tieline.services.catchup import catch_up

    catch_up(store)
    now = datetime.now(UTC)
    a = store.account_id
    with store.read() as conn:
        owed = _owed(conn, a, now)
        jobs = _job_changes(conn, a, now)
        chosen = _chosen(conn, a, now)
        out = left_out_now(conn, a, now)
        top = {r.person_id: r for r in top_ties(conn, a) if r.person_id not in out}
        bounds = {pid: URGENCY["owed"] for pid in owed}
        for pid in jobs:
            bounds[pid] = max(bounds.get(pid, 0.0), URGENCY["job"])
        for pid, bound in chosen.items():
            bounds[pid] = max(bounds.get(pid, 0.0), bound)
        for pid in out:
            bounds.pop(pid, None)
        special = _special(conn, a, now, bounds)
    overdue = _overdue_ranked(store, now, [pid for pid, r in top.items() if r.layer <= 4], set(bounds) | out)
    candidates = _merged(special, overdue)
    found: list[Due] = []
    # A few at a time: the next candidate comes only once no later page of ties could outrank it, so
    # asking for more than the list needs would read pages the answer does not.
    step = min(limit, EXACT_CHUNK) if limit is not None else EXACT_CHUNK
    while (first := next(candidates, None)) is not None:
        if limit is not None and len(found) >= limit:
            found.sort(key=lambda d: -d.rank)
            if found[limit - 1].rank >= first.ceiling:
                break
        chunk = [first, *itertools.islice(candidates, step - 1)]
        _weigh_ties(store, _ties_of(store, chunk, top), now, owed, jobs, found)
    return _shown(store, found, limit)


@dataclass(frozen=True)
class _Candidate:
    """Someone who may be due, with the highest rank their reasons could reach and their cached tie."""

    ceiling: float
    person_id: int
    score: float | None
    p_call: float | None
    state: str


def _special(conn: Any, account_id: int, now: datetime, bounds: dict[int, float]) -> list[_Candidate]:
    """The people with a reason of their own, with their cached tie and the highest rank they could
    reach: their likeliest reason's urgency, or their rhythm's when that is higher."""
    sc, ts = t.tie_scores, t.tie_summaries
    ids = sorted(bounds)
    out: list[_Candidate] = []
    overdue = case((and_(*_overdue_where(conn, now)), _rhythm_urgency(conn, now)), else_=0.0)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        # Two lookups by person rather than a join: given hundreds of people, PostgreSQL would hash
        # every summary of the account to join them.
        rhythm = dict(
            conn.execute(
                select(ts.c.person_id, overdue).where(
                    and_(ts.c.account_id == account_id, ts.c.person_id.in_(chunk))
                )
            ).all()
        )
        for r in conn.execute(
            select(sc.c.person_id, sc.c.score, sc.c.p_call, sc.c.state).where(
                and_(sc.c.account_id == account_id, sc.c.person_id.in_(chunk))
            )
        ):
            out.append(_candidate(max(bounds[r.person_id], float(rhythm.get(r.person_id) or 0.0)), r))
    out.sort(key=lambda c: (-c.ceiling, c.person_id))
    return out


def _candidate(urgency: float, r: Any) -> _Candidate:
    """A candidate ranked as :attr:`Due.rank` would rank them, a hair above (float rounding never stops
    the search early)."""
    weight = 0.2 if r.p_call is None else float(r.p_call)
    return _Candidate(urgency * (0.3 + weight) * (1 + 1e-9), int(r.person_id), r.score, r.p_call, r.state)


def _with_urgency(conn: Any, account_id: int, now: datetime, which: Any) -> Any:
    """The cached ties ``which`` names, each with how urgently its summary finds it overdue on its rhythm
    (0 when not). The test is in the select, not the where, so the database starts from the ties named
    (by person, or a page of the scores' index) and looks up their summaries, never the other way."""
    ts, sc = t.tie_summaries, t.tie_scores
    urgency = case((and_(*_overdue_where(conn, now)), _rhythm_urgency(conn, now)), else_=0.0)
    return (
        select(sc.c.id, sc.c.person_id, sc.c.score, sc.c.p_call, sc.c.state, urgency.label("urgency"))
        .select_from(sc)
        .outerjoin(ts, and_(ts.c.account_id == sc.c.account_id, ts.c.person_id == sc.c.person_id))
        .where(and_(sc.c.account_id == account_id, which))
    )


def _overdue_ranked(store: Store, now: datetime, top: list[int], leave: set[int]) -> Iterator[_Candidate]:
    """The usual candidates (in the top layers, or fading) the summaries find overdue on their rhythm,
    best rank first. The top layers are a few; the fading ties, thousands in a large network, are read a
    page at a time likeliest first (the covering index of the scores by state and probability) with
    their summaries: a tie can rank no higher than an overdue rhythm at its cap allows, so once the best
    ones kept outrank what any later page could reach, they come out. ``leave``: people not to give
    (those with a reason of their own, those out of the counts)."""
    sc = t.tie_scores
    a = store.account_id
    kept: list[tuple[float, int, _Candidate]] = []
    top_set = set(top)

    def keep(rows: Iterable[Any]) -> None:
        for r in rows:
            if r.urgency and r.urgency > 0 and r.person_id not in leave:
                c = _candidate(float(r.urgency), r)
                heapq.heappush(kept, (-c.ceiling, c.person_id, c))

    with store.read() as conn:
        for start in range(0, len(top), CHUNK):
            keep(conn.execute(_with_urgency(conn, a, now, sc.c.person_id.in_(top[start : start + CHUNK]))))
    # A fading tie has a score, so a probability: the pages' order leaves none out.
    fading = and_(sc.c.state == "fading", sc.c.p_call.is_not(None))
    after: tuple[float, int] | None = None
    while True:
        later = (
            or_(sc.c.p_call < after[0], and_(sc.c.p_call == after[0], sc.c.id < after[1]))
            if after is not None
            else true()
        )
        with store.read() as conn:
            page = conn.execute(
                _with_urgency(conn, a, now, and_(fading, later))
                .order_by(sc.c.p_call.desc(), sc.c.id.desc())
                .limit(OVERDUE_PAGE)
            ).all()
        keep(r for r in page if r.person_id not in top_set)
        more = len(page) == OVERDUE_PAGE
        if page:
            after = (float(page[-1].p_call), int(page[-1].id))
        reach = URGENCY["rhythm"] * RHYTHM_CAP * (0.3 + after[0]) * (1 + 1e-9) if more and after else -1.0
        while kept and -kept[0][0] >= reach:
            yield heapq.heappop(kept)[2]
        if not more:
            return


def _overdue_where(conn: Any, now: datetime) -> list[Any]:
    """In touch within the year, at least three times, and silent for more than twice their rhythm. In
    days, not moments: a range of the last contact would make the database walk every tie in touch
    this year instead of the few candidates the query starts from."""
    ts = t.tie_summaries
    silent = _days_of(conn, now) - _days(conn, ts.c.last_contact)
    return [
        silent <= SILENT_YEAR,
        silent > OVERDUE_FACTOR * MIN_RHYTHM,
        ts.c.interactions >= 3,
        silent > OVERDUE_FACTOR * _rhythm(conn),
    ]


def _rhythm(conn: Any) -> Any:
    """A tie's rhythm from its summary, as :class:`Contact` has it (at least ``MIN_RHYTHM`` days)."""
    ts = t.tie_summaries
    first, last = _days(conn, ts.c.first_contact), _days(conn, ts.c.last_contact)
    gap = (last - first) / (ts.c.interactions - 1)
    return _greatest(conn, _greatest(conn, gap, 1.0), MIN_RHYTHM)


def _rhythm_urgency(conn: Any, now: datetime) -> Any:
    ts = t.tie_summaries
    silent = _days_of(conn, now) - _days(conn, ts.c.last_contact)
    return URGENCY["rhythm"] * _least(conn, silent / _rhythm(conn) / OVERDUE_FACTOR, RHYTHM_CAP)


def _greatest(conn: Any, a: Any, b: Any) -> Any:
    return func.greatest(a, b) if conn.dialect.name == "postgresql" else func.max(a, b)


def _least(conn: Any, a: Any, b: Any) -> Any:
    return func.least(a, b) if conn.dialect.name == "postgresql" else func.min(a, b)


def _merged(special: list[_Candidate], usual: Iterator[_Candidate]) -> Iterator[_Candidate]:
    """Both lists in one order: the highest ceiling first, then the lowest id (as the past's order)."""
    return heapq.merge(special, usual, key=lambda c: (-c.ceiling, c.person_id))


def _ties_of(store: Store, chunk: list[_Candidate], top: dict[int, Any]) -> list[Tie]:
    with store.read() as conn:
        people = people_of(conn, store.account_id, [c.person_id for c in chunk])
    out = []
    for c in chunk:
        person = people.get(c.person_id)
        if person is None:
            continue
        ranked = top.get(c.person_id)
        layer = ranked.layer if ranked is not None else (0 if c.score is None else 5)
        out.append(Tie(person, c.score, c.p_call, layer, c.state))
    return out


def _by_probability(
    pic: Picture, usual: npt.NDArray[np.bool_]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """The usual candidates (positions in the picture) likeliest first, and the highest rank each could have:
    overdue on their rhythm at most, weighed by their probability."""
    import numpy as np

    p_call = np.nan_to_num(pic.p_call, nan=0.0)
    order = np.flatnonzero(usual)[np.argsort(-p_call[usual], kind="stable")]
    return order, URGENCY["rhythm"] * RHYTHM_CAP * (0.3 + p_call[order])


def _by_ceiling(
    pic: Picture,
    usual: npt.NDArray[np.bool_],
    bounds: dict[int, float],
    overdue: tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """For the present: the people with a reason of their own (``bounds``: the highest urgency theirs could
    reach) and the usual ones the summaries find overdue (with their exact urgency), best ceiling first."""
    import numpy as np

    rhythm = _overdue_of(pic, overdue)
    urgency = np.where(usual, rhythm, 0.0)  # an outer tie that is not fading is the review's, not due's
    own, ceilings = _column(pic, bounds)
    urgency[own] = np.maximum(np.maximum(urgency[own], ceilings), rhythm[own])
    weight = np.where(np.isnan(pic.p_call), 0.2, pic.p_call)  # as Due.rank weighs an unknown tie
    order = np.flatnonzero(urgency > 0)
    rank = urgency[order] * (0.3 + weight[order])
    best = np.argsort(-rank, kind="stable")
    return order[best], rank[best] * (1 + 1e-9)  # a hair above: float rounding never stops the search early


def _column(pic: Picture, values: dict[int, float]) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Where the people given sit in the picture (ids sorted), and their values; those not in it left out."""
    import numpy as np

    ids = np.fromiter(values, dtype=np.int64, count=len(values))
    how = np.fromiter(values.values(), dtype=np.float64, count=len(values))
    at = np.searchsorted(pic.ids, ids)
    inside = at < len(pic)
    inside[inside] = pic.ids[at[inside]] == ids[inside]
    return at[inside], how[inside]


def _overdue_of(
    pic: Picture, overdue: tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]
) -> npt.NDArray[np.float64]:
    """Each tie's rhythm urgency (0 when not overdue), as a column of the picture."""
    import numpy as np

    at, how = _column(pic, dict(zip(overdue[0].tolist(), overdue[1].tolist(), strict=True)))
    out = np.zeros(len(pic), dtype=np.float64)
    out[at] = how
    return out


def _overdue(
    conn: Any, account_id: int, now: datetime
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Who is overdue on their own rhythm now and how urgently, from the per-tie summaries in one index
    range (in touch within the year, silent at least twice the shortest rhythm), as :func:`_reasons`
    would find it: ids and urgency."""
    import numpy as np

    ts = t.tie_summaries
    first, last, today = _days(conn, ts.c.first_contact), _days(conn, ts.c.last_contact), _days_of(conn, now)
    rows = conn.execute(
        select(ts.c.person_id, first, last, ts.c.interactions).where(
            and_(
                ts.c.account_id == account_id,
                ts.c.last_contact >= now - timedelta(days=SILENT_YEAR),
                ts.c.last_contact < now - timedelta(days=OVERDUE_FACTOR * MIN_RHYTHM),
                ts.c.interactions >= 3,
            )
        )
    ).all()
    if not rows:
        return np.zeros(0, np.int64), np.zeros(0, np.float64)
    ids, f, la, n = (np.array(col, dtype=np.float64) for col in zip(*rows, strict=True))
    rhythm = np.maximum(np.maximum((la - f) / (n - 1), 1.0), MIN_RHYTHM)
    silent = today - la
    due = silent > OVERDUE_FACTOR * rhythm
    urgency = URGENCY["rhythm"] * np.minimum(silent / rhythm / OVERDUE_FACTOR, RHYTHM_CAP)
    return ids[due].astype(np.int64), urgency[due]


def _days(conn: Any, column: Any) -> Any:
    """A stored moment as a number of days (SQLite: Julian days; PostgreSQL: days since 1970)."""
    if conn.dialect.name == "postgresql":
        return func.extract("epoch", column) / 86400.0
    return func.julianday(column)


def _days_of(conn: Any, when: datetime) -> float:
    days = when.timestamp() / 86400.0
    return days if conn.dialect.name == "postgresql" else days + 2440587.5


def _weigh(
    store: Store,
    pic: Picture,
    ids: list[int],
    now: datetime,
    owed: dict[int, tuple[datetime, str]],
    jobs: dict[int, tuple[date, str]],
    found: list[Due],
) -> None:
    """Find the reasons of the people given and add those with any to ``found``."""
    if ids:
        _weigh_ties(store, pic.ties(store, ids), now, owed, jobs, found)


def _weigh_ties(
    store: Store,
    ties: list[Tie],
    now: datetime,
    owed: dict[int, tuple[datetime, str]],
    jobs: dict[int, tuple[date, str]],
    found: list[Due],
) -> None:
    if not ties:
        return
    with store.read() as conn:
        seen = contacts(conn, store.account_id, [tie.person.id for tie in ties], now)
    for tie in ties:
        if tie.person.snoozed_until is not None and tie.person.snoozed_until > now:
            continue
        item = Due(tie, contact=seen.get(tie.person.id))
        _reasons(item, now, owed.get(tie.person.id), jobs.get(tie.person.id))
        if item.reasons:
            found.append(item)


def _chosen(conn: Any, account_id: int, now: datetime) -> dict[int, float]:
    """People due whatever their tie (a cadence set, a new connection, a birthday this week), each with
    the highest urgency such a reason could reach."""
    p = t.people
    cols = (p.c.id, p.c.account_id, p.c.every_days, p.c.connected_on, p.c.birthday)
    # Three index ranges, the account checked on the rows (see overview.left_out_now). A cadence is a
    # positive number of days (durations.parse_days); every date is on or after 1 January of year 1.
    rows = [
        r
        for r in conn.execute(
            union(
                select(*cols).where(p.c.every_days > 0),
                select(*cols).where(
                    and_(p.c.connected_on >= now - timedelta(days=NEW_DAYS), p.c.connected_on <= now)
                ),
                select(*cols).where(p.c.birthday >= date(1, 1, 1)),
            )
        )
        if r.account_id == account_id
    ]
    out: dict[int, float] = {}
    for r in rows:
        bound = max(
            URGENCY["cadence"] * CADENCE_CAP if r.every_days else 0.0,
            URGENCY["new"] if _recent(utc(r.connected_on), now, NEW_DAYS) else 0.0,
            URGENCY["birthday"] if _birthday_in(r.birthday, now) is not None else 0.0,
        )
        if bound:
            out[r.id] = bound
    return out


def _reasons(
    item: Due, now: datetime, owed: tuple[datetime, str] | None, job: tuple[date, str] | None
) -> None:
    person, c = item.tie.person, item.contact
    last = c.last if c is not None else None
    silent = (now - last).total_seconds() / 86400.0 if last is not None else None
    quiet = silent is None or silent > SILENT_YEAR
    if (
        not person.every_days
        and quiet
        and (silent is not None or not _recent(person.connected_on, now, NEW_DAYS))
    ):
        return  # silent a year, or never in touch and not new: the review's to reconnect or prune
    add = item.reasons.append
    birthday = _birthday_in(person.birthday, now)
    if birthday is not None and (last is None or last < birthday - timedelta(days=BIRTHDAY_DAYS)):
        add(Reason("birthday", f"birthday {_day_words(birthday, now)}", birthday, URGENCY["birthday"]))
    if owed is not None and (last is None or last <= owed[0]):
        add(Reason("owed", f"you owe them: {owed[1]} ({owed[0]:%-d %B})", owed[0], URGENCY["owed"]))
    if job is not None:
        started = datetime(job[0].year, job[0].month, job[0].day, tzinfo=now.tzinfo)
        if last is None or last < started:
            add(Reason("job", f"they changed jobs to {job[1]} in {job[0]:%B}", started, URGENCY["job"]))
    connected = person.connected_on
    if connected is not None and _recent(connected, now, NEW_DAYS) and (last is None or last <= connected):
        met = f" ({person.how_met})" if person.how_met else ""
        add(
            Reason(
                "new",
                f"new connection{met} since {connected:%-d %B}, no follow-up yet",
                connected,
                URGENCY["new"],
            )
        )
    if last is None and person.every_days:
        add(
            Reason(
                "cadence",
                f"you wanted to be in touch every {in_words(person.every_days)}; no contact yet",
                person.connected_on or person.created_at,
                URGENCY["cadence"],
            )
        )
    if last is not None and silent is not None:
        if person.every_days and silent > person.every_days:
            add(
                Reason(
                    "cadence",
                    f"you wanted to be in touch every {in_words(person.every_days)}; it has been {in_words(silent)}",
                    last + timedelta(days=person.every_days),
                    URGENCY["cadence"] * min(silent / person.every_days, CADENCE_CAP),
                )
            )
        elif not person.every_days and c is not None and c.rhythm_days is not None:
            rhythm = max(c.rhythm_days, MIN_RHYTHM)
            if silent > OVERDUE_FACTOR * rhythm:
                add(
                    Reason(
                        "rhythm",
                        f"you used to talk every ~{in_words(rhythm)}; it has been {in_words(silent)}",
                        last + timedelta(days=OVERDUE_FACTOR * rhythm),
                        URGENCY["rhythm"] * min(silent / rhythm / OVERDUE_FACTOR, RHYTHM_CAP),
                    )
                )


def _row(d: Due, subject: str | None) -> dict[str, Any]:
    d.reasons.sort(key=lambda r: -r.urgency)
    top = d.reasons[0]
    return {
        "person_id": d.tie.person.id,
        "name": d.tie.person.name,
        "reason": top.words,
        "kind": top.kind,
        "also": [r.words for r in d.reasons[1:]],
        "channel": d.contact.channel if d.contact is not None else None,
        "due_since": top.since.isoformat(),
        "last_contact": d.contact.last.isoformat() if d.contact is not None else None,
        "last_subject": subject,
        "strength": None if d.tie.strength is None else round(d.tie.strength, 4),
        "p_call": None if d.tie.p_call is None else round(d.tie.p_call, 4),
    }


def _recent(when: datetime | None, now: datetime, days: int) -> bool:
    return when is not None and now - timedelta(days=days) <= when <= now


def _birthday_in(birthday: date | None, now: datetime) -> datetime | None:
    """This year's (or next year's) birthday when it falls within the coming week."""
    if birthday is None:
        return None
    for year in (now.year, now.year + 1):
        try:
            day = datetime(year, birthday.month, birthday.day, tzinfo=now.tzinfo)
        except ValueError:  # 29 February in a common year
            day = datetime(year, 3, 1, tzinfo=now.tzinfo)
        if now - timedelta(days=1) < day <= now + timedelta(days=BIRTHDAY_DAYS):
            return day
    return None


def _day_words(day: datetime, now: datetime) -> str:
    delta = (day.date() - now.date()).days
    return "today" if delta <= 0 else "tomorrow" if delta == 1 else f"on {day:%A}"


def _owed(conn: Any, account_id: int, now: datetime) -> dict[int, tuple[datetime, str]]:
    """The latest favour or introduction received from each person in the last year, with what it was."""
    i, pa = t.interactions, t.participants
    out: dict[int, tuple[datetime, str]] = {}
    for pid, when, subject, kind in conn.execute(
        select(pa.c.person_id, i.c.happened_at, i.c.subject, i.c.kind)
        .join(pa, pa.c.interaction_id == i.c.id)
        .where(
            and_(
                i.c.account_id == account_id,
                i.c.kind.in_(("favor-received", "intro", "tidbit")),
                i.c.direction == "in",
                i.c.happened_at >= now - timedelta(days=OWED_DAYS),
                i.c.happened_at < now,
            )
        )
    ):
        at = utc(when)
        if at is not None and (pid not in out or at > out[pid][0]):
            out[pid] = (at, subject or ("an introduction" if kind == "intro" else "a favour"))
    return out


def _job_changes(conn: Any, account_id: int, now: datetime) -> dict[int, tuple[date, str]]:
    """A position begun in the last few months (job history is stored) by someone with an earlier one."""
    pos = t.positions
    recent = now.date() - timedelta(days=JOB_DAYS)
    began = {
        r.person_id: (r.start_date, f"{r.title} at {r.organization}" if r.title else r.organization)
        for r in conn.execute(
            select(pos.c.person_id, pos.c.organization, pos.c.title, pos.c.start_date)
            .where(
                and_(
                    pos.c.account_id == account_id, pos.c.start_date >= recent, pos.c.start_date <= now.date()
                )
            )
            .order_by(pos.c.start_date)
        )
    }
    if not began:
        return {}
    earlier = set(
        conn.execute(
            select(pos.c.person_id).where(
                and_(
                    pos.c.person_id.in_(list(began)),
                    or_(pos.c.start_date.is_(None), pos.c.start_date < recent),
                )
            )
        ).scalars()
    )
    return {pid: job for pid, job in began.items() if pid in earlier}


def done(store: Store, ref: str, what: str | None = None, when: str | None = None) -> tuple[int, str]:
    """Log a contact with someone on the list (by the channel used most with them): it resets them."""
    with store.read() as conn:
        pid = find_person(conn, store.account_id, ref)
        seen = contacts(conn, store.account_id, [pid], logbook.parse_when(when))
    channel = seen[pid].channel if pid in seen and seen[pid].channel in logbook.CHANNELS else "note"
    logbook.log(store, f"#{pid}", what or "in touch", channel=channel, when=when)
    with store.write() as conn:
        conn.execute(t.people.update().where(t.people.c.id == pid).values(snoozed_until=None))
    return pid, channel
