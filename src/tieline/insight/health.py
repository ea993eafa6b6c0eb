"""`tieline health`: how many connections you have vs how many would take your call, and what to watch.

Every figure is computed as of one moment (``as_of``, default now) from data dated before it, so a past
figure is reproducible and the trend is the same computation run on the first of each month.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, case, exists, func, select

from tieline.insight import headline as hl
from tieline.insight import overview as ov
from tieline.insight.durations import in_words
from tieline.insight.ties import INNER_LAYERS, contacts, current_organisations, people_of, picture
from tieline.store import tables as t
from tieline.store.db import Store

GIVING_KINDS = ("favor-given", "favor-received", "tidbit", "intro")
FIELD_TAG = "field:"  # `tieline people edit P --tag field:chemistry` says a tie's field of work
ONE_PLACE_SHARE = 0.5  # more than this share of strong ties in one organisation: one lay-off away
BEFORE_DAYS = hl.BEFORE_DAYS  # `before`: the first of the month at least this many days back
CHUNK = 500


def health(
    store: Store, as_of: datetime | None = None, announce: hl.Announce | None = None
) -> dict[str, Any]:
    """The whole health report as one dict (the documented keys of ``tieline health --json``).

    For the present the figures come from the database (cached scores, per-tie summaries); for a past
    moment, or on read-only storage where nothing marked can be caught up, from every tie scored then.
    ``announce`` is told when the comparison's headline must be computed from the history (once a month)."""
    if as_of is None and not store.read_only:
        return report(store, ov.now(store), announce)
    return report(store, ov.of_picture(picture(store, as_of)), announce)


def report(store: Store, view: ov.Overview, announce: hl.Announce | None = None) -> dict[str, Any]:
    """The report of one overview: the present's from the database, or one from a picture. ``before`` is
    the headline on the first of the month at least 90 days back (:func:`headline.comparison_moment`)."""
    head = hl.figures(view)
    before = hl.headline_at(store, hl.comparison_moment(view.as_of), announce)
    give = giving(store, view)
    out: dict[str, Any] = {
        "as_of": head["as_of"],
        "connections": head["connections"],
        "would_take_call": head["would_take_call"],
        "likely": head["likely"],
        "layers": head["layers"],
        "strong": head["states"]["strong"],
        "fading": head["states"]["fading"],
        "dormant": head["states"]["dormant"],
        "new": head["states"]["new"],
        "unknown": head["states"]["unknown"],
        "never_touched": never_touched(store, view),
        "giving": give["giving"],
        "taking": give["taking"],
        "giving_by_kind": give["by_kind"],
        "only_asked_of": give["only_asked_of"],
        **diversity(store, view),
        "freshness": freshness(store, view),
        "before": {
            "as_of": before["as_of"],
            "connections": before["connections"],
            "would_take_call": before["would_take_call"],
            "likely": before["likely"],
            "layers": before["layers"],
        },
    }
    return out


def freshness(store: Store, view: ov.Overview, most: int = 3) -> dict[str, Any]:
    """The share of inner-layer ties still within their own rhythm, and the most overdue of them."""
    inner = [r for r in view.top if r.layer in INNER_LAYERS]
    stale_ids = [r.person_id for r in inner if r.state in ("fading", "dormant")]
    with store.read() as conn:
        people = people_of(conn, store.account_id, stale_ids)
        seen = contacts(conn, store.account_id, stale_ids, view.as_of)
    stale = [people[pid] for pid in sorted(stale_ids) if pid in people]
    overdue: list[tuple[float, dict[str, Any]]] = []
    for person in stale:
        c = seen.get(person.id)
        if c is None:
            continue
        silent = (view.as_of - c.last).total_seconds() / 86400.0
        rhythm = person.every_days or c.rhythm_days or 30.0
        overdue.append(
            (
                silent / rhythm,
                {
                    "person_id": person.id,
                    "name": person.name,
                    "rhythm_days": round(rhythm, 1),
                    "silent_days": round(silent, 1),
                    "words": f"every ~{in_words(rhythm)}, silent {in_words(silent)}",
                },
            )
        )
    overdue.sort(key=lambda o: -o[0])
    return {
        "inner_ties": len(inner),
        "within_rhythm": len(inner) - len(stale),
        "share": round((len(inner) - len(stale)) / len(inner), 3) if inner else None,
        "most_overdue": [o for _, o in overdue[:most]],
    }


def giving(store: Store, view: ov.Overview, most: int = 5) -> dict[str, Any]:
    """Favours, tidbits and introductions given and received over the year before ``as_of``: counted by
    the database per person, kind and direction."""
    i, pa = t.interactions, t.participants
    start = view.as_of - timedelta(days=365)
    with store.read() as conn:
        rows = conn.execute(
            select(pa.c.person_id, i.c.kind, i.c.direction, func.count())
            .join(pa, pa.c.interaction_id == i.c.id)
            .where(
                and_(
                    i.c.account_id == store.account_id,
                    i.c.kind.in_(GIVING_KINDS),
                    i.c.happened_at >= start,
                    i.c.happened_at < view.as_of,
                    pa.c.person_id.is_not(None),
                )
            )
            .group_by(pa.c.person_id, i.c.kind, i.c.direction)
        ).all()
        counted = view.counted(conn, store.account_id, {r[0] for r in rows})
    by_kind: Counter[str] = Counter()
    gave: Counter[int] = Counter()
    got: Counter[int] = Counter()
    for pid, kind, direction, n in rows:
        if pid not in counted:
            continue
        received = kind == "favor-received" or (kind != "favor-given" and direction == "in")
        (got if received else gave)[pid] += n
        by_kind[f"{kind} {'received' if received else 'given'}"] += n
    only = sorted((pid for pid in got if pid not in gave), key=lambda pid: (-got[pid], pid))[:most]
    with store.read() as conn:
        names = {pid: person.name for pid, person in people_of(conn, store.account_id, only).items()}
    return {
        "giving": sum(gave.values()),
        "taking": sum(got.values()),
        "by_kind": dict(sorted(by_kind.items())),
        "only_asked_of": [
            {"person_id": pid, "name": names.get(pid, ""), "received": got[pid]} for pid in only
        ],
    }


def diversity(store: Store, view: ov.Overview, most: int = 5) -> dict[str, Any]:
    """How many organisations the strong ties span; a warning when most sit in one."""
    strong = [r.person_id for r in view.top if r.layer in INNER_LAYERS]
    with store.read() as conn:
        orgs = current_organisations(conn, store.account_id, strong, view.as_of)
    counts = Counter(orgs.values())
    top = counts.most_common(most)
    warning = None
    if len(orgs) >= 3 and top and top[0][1] / len(orgs) > ONE_PLACE_SHARE:
        warning = (
            f"{top[0][1]} of your {len(orgs)} strong ties with a known employer work at {top[0][0]}: "
            "one lay-off could take them all at once"
        )
    with store.read() as conn:
        fields = Counter(fields_of(conn, store.account_id, strong).values())
    return {
        "strong_ties": len(strong),
        "organisations_of_strong_ties": len(counts),
        "strong_ties_by_organisation": [{"organisation": org, "strong_ties": n} for org, n in top],
        "diversity_warning": warning,
        "fields_of_strong_ties": len(fields),
        "strong_ties_by_field": [{"field": f, "strong_ties": n} for f, n in fields.most_common(most)],
    }


def fields_of(conn: Connection, account_id: int, person_ids: list[int]) -> dict[int, str]:
    """Each person's field of work where known: the user's (or an import's) tag ``field:NAME`` (the first
    by name when there are several). No source gives one, and a title is no sure guide to a field."""
    tg = t.tags
    out: dict[int, str] = {}
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), CHUNK):
        for pid, account, tag in conn.execute(
            select(tg.c.person_id, tg.c.account_id, tg.c.tag)
            .where(tg.c.person_id.in_(ids[start : start + CHUNK]))
            .order_by(tg.c.person_id, tg.c.tag)
        ):
            name = tag[len(FIELD_TAG) :].strip() if tag.lower().startswith(FIELD_TAG) else ""
            if account == account_id and name and pid not in out:
                out[pid] = name
    return out


def never_touched(store: Store, view: ov.Overview) -> int:
    """Connections with no interaction, no note and no how-we-met before ``as_of``: the numbers game."""
    if view.members is None:
        with store.read() as conn:
            found = _never_touched_now(conn, store.account_id, view)
        if found is not None:
            return found
    p, pa, i, n = t.people, t.participants, t.interactions, t.notes
    present = (datetime.now(UTC) - view.as_of).days < 1
    contact = (
        exists().where(pa.c.person_id == p.c.id)  # today: any contact at all, one index probe each
        if present
        else exists().where(
            and_(pa.c.person_id == p.c.id, pa.c.interaction_id == i.c.id, i.c.happened_at < view.as_of)
        )
    )
    noted = exists().where(and_(n.c.person_id == p.c.id, n.c.created_at < view.as_of))
    with store.read() as conn:
        ids = set(
            conn.execute(
                select(p.c.id).where(
                    and_(p.c.account_id == store.account_id, p.c.how_met.is_(None), ~contact, ~noted)
                )
            ).scalars()
        )
        return len(view.counted(conn, store.account_id, ids))


def _never_touched_now(conn: Connection, account_id: int, view: ov.Overview) -> int | None:
    """The same count now, from the per-tie summaries kept current by every write: the ties with no
    interaction at all (an index range), less the few with a note, a how-we-met or out of the counts,
    plus the group members whose only contact is the group. None when some person has no summary or
    no score yet (the count then needs every person)."""
    p, pa, n, s, ts = t.people, t.participants, t.notes, t.tie_summaries, t.tie_scores
    h, m = t.handles, t.conversation_members
    people, summaries, scores, untouched = conn.execute(  # one statement: see since.mark
        select(
            select(func.count()).select_from(p).where(p.c.account_id == account_id).scalar_subquery(),
            select(func.count()).select_from(s).where(s.c.account_id == account_id).scalar_subquery(),
            select(func.count()).select_from(ts).where(ts.c.account_id == account_id).scalar_subquery(),
            select(func.count())
            .select_from(s)
            .where(and_(s.c.account_id == account_id, s.c.interactions == 0))
            .scalar_subquery(),
        )
    ).one()
    if not people == summaries == scores:
        return None
    said = {  # the account checked on the rows, as in overview.left_out_now
        int(pid)
        for pid, account in conn.execute(
            # Every text is >= '': a range of the index (IS NOT NULL would make SQLite read every person).
            select(p.c.id, p.c.account_id).where(p.c.how_met >= "")
        )
        if account == account_id
    }
    said |= set(
        conn.execute(
            select(n.c.person_id)
            .distinct()
            .where(and_(n.c.account_id == account_id, n.c.created_at < view.as_of))
        ).scalars()
    )
    out = said | view.left_out
    ids = sorted(out)
    for start in range(0, len(ids), CHUNK):
        untouched -= conn.execute(
            select(func.count()).where(
                and_(
                    s.c.account_id == account_id,
                    s.c.interactions == 0,
                    s.c.person_id.in_(ids[start : start + CHUNK]),
                )
            )
        ).scalar_one()
    # A group member whose only contact is the group has interactions in the summary and no message of
    # their own: they count as untouched, as the participants say.
    in_groups = sorted(conn.execute(select(m.c.handle_id).distinct()).scalars())  # the members' index
    members: set[int] = set()
    for start in range(0, len(in_groups), CHUNK):
        members |= {
            int(pid)
            for pid, account in conn.execute(
                select(h.c.person_id, h.c.account_id).where(h.c.id.in_(in_groups[start : start + CHUNK]))
            )
            if pid is not None and account == account_id and pid not in out
        }
    members_ = sorted(members)
    for start in range(0, len(members_), CHUNK):
        # The test in the sum, not the where: by person the database looks up the few members given.
        alone = and_(s.c.interactions > 0, ~exists().where(pa.c.person_id == s.c.person_id))
        untouched += conn.execute(
            select(func.coalesce(func.sum(case((alone, 1), else_=0)), 0)).where(
                and_(s.c.account_id == account_id, s.c.person_id.in_(members_[start : start + CHUNK]))
            )
        ).scalar_one()
    return int(untouched)
