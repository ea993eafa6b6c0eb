"""`tieline health`: how many connections you have vs how many would take your call, and what to watch.

Every figure is computed as of one moment (``as_of``, default now) from data dated before it, so a past
figure is reproducible and the trend is the same computation run on the first of each month.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import and_, exists, select

from tieline.insight import headline as hl
from tieline.insight.durations import in_words
from tieline.insight.ties import INNER_LAYERS, Picture, contacts, current_organisations, people_of, picture
from tieline.store import tables as t
from tieline.store.db import Store

GIVING_KINDS = ("favor-given", "favor-received", "tidbit", "intro")
ONE_PLACE_SHARE = 0.5  # more than this share of strong ties in one organisation: one lay-off away
BEFORE_DAYS = 90


def health(store: Store, as_of: datetime | None = None) -> dict[str, Any]:
    """The whole health report as one dict (the documented keys of ``tieline health --json``)."""
    pic = picture(store, as_of)
    head = hl.headline(pic)
    before = hl.headline_at(store, pic.as_of - timedelta(days=BEFORE_DAYS))
    give = giving(store, pic)
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
        "never_touched": never_touched(store, pic),
        "giving": give["giving"],
        "taking": give["taking"],
        "giving_by_kind": give["by_kind"],
        "only_asked_of": give["only_asked_of"],
        **diversity(store, pic),
        "freshness": freshness(store, pic),
        "before": {
            "as_of": before["as_of"],
            "connections": before["connections"],
            "would_take_call": before["would_take_call"],
            "likely": before["likely"],
            "layers": before["layers"],
        },
    }
    return out


def freshness(store: Store, pic: Picture, most: int = 3) -> dict[str, Any]:
    """The share of inner-layer ties still within their own rhythm, and the most overdue of them."""
    inner_mask = np.isin(pic.layer, INNER_LAYERS)
    inner = pic.where(inner_mask)
    stale = pic.ties(store, pic.where(inner_mask & np.isin(pic.state, ("fading", "dormant"))))
    with store.read() as conn:
        seen = contacts(conn, store.account_id, (tie.person.id for tie in stale), pic.as_of)
    overdue: list[tuple[float, dict[str, Any]]] = []
    for tie in stale:
        c = seen.get(tie.person.id)
        if c is None:
            continue
        silent = (pic.as_of - c.last).total_seconds() / 86400.0
        rhythm = tie.person.every_days or c.rhythm_days or 30.0
        overdue.append(
            (
                silent / rhythm,
                {
                    "person_id": tie.person.id,
                    "name": tie.person.name,
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


def giving(store: Store, pic: Picture, most: int = 5) -> dict[str, Any]:
    """Favours, tidbits and introductions given and received over the year before ``as_of``."""
    i, pa = t.interactions, t.participants
    counted = set(pic.ids.tolist())
    start = pic.as_of - timedelta(days=365)
    with store.read() as conn:
        rows = conn.execute(
            select(pa.c.person_id, i.c.kind, i.c.direction)
            .join(pa, pa.c.interaction_id == i.c.id)
            .where(
                and_(
                    i.c.account_id == store.account_id,
                    i.c.kind.in_(GIVING_KINDS),
                    i.c.happened_at >= start,
                    i.c.happened_at < pic.as_of,
                )
            )
        ).all()
    by_kind: Counter[str] = Counter()
    gave: Counter[int] = Counter()
    got: Counter[int] = Counter()
    for pid, kind, direction in rows:
        if pid not in counted:
            continue
        received = kind == "favor-received" or (kind != "favor-given" and direction == "in")
        (got if received else gave)[pid] += 1
        by_kind[f"{kind} {'received' if received else 'given'}"] += 1
    only = sorted((pid for pid in got if pid not in gave), key=lambda pid: -got[pid])[:most]
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


def diversity(store: Store, pic: Picture, most: int = 5) -> dict[str, Any]:
    """How many organisations the strong ties span; a warning when most sit in one."""
    strong = pic.where(np.isin(pic.layer, INNER_LAYERS))
    with store.read() as conn:
        orgs = current_organisations(conn, store.account_id, strong, pic.as_of)
    counts = Counter(orgs.values())
    top = counts.most_common(most)
    warning = None
    if len(orgs) >= 3 and top and top[0][1] / len(orgs) > ONE_PLACE_SHARE:
        warning = (
            f"{top[0][1]} of your {len(orgs)} strong ties with a known employer work at {top[0][0]}: "
            "one lay-off could take them all at once"
        )
    return {
        "strong_ties": len(strong),
        "organisations_of_strong_ties": len(counts),
        "strong_ties_by_organisation": [{"organisation": org, "strong_ties": n} for org, n in top],
        "diversity_warning": warning,
    }


def never_touched(store: Store, pic: Picture) -> int:
    """Connections with no interaction, no note and no how-we-met before ``as_of``: the numbers game."""
    p, pa, i, n = t.people, t.participants, t.interactions, t.notes
    present = (datetime.now(UTC) - pic.as_of).days < 1
    contact = (
        exists().where(pa.c.person_id == p.c.id)  # today: any contact at all, one index probe each
        if present
        else exists().where(
            and_(pa.c.person_id == p.c.id, pa.c.interaction_id == i.c.id, i.c.happened_at < pic.as_of)
        )
    )
    noted = exists().where(and_(n.c.person_id == p.c.id, n.c.created_at < pic.as_of))
    with store.read() as conn:
        ids = set(
            conn.execute(
                select(p.c.id).where(
                    and_(p.c.account_id == store.account_id, p.c.how_met.is_(None), ~contact, ~noted)
                )
            ).scalars()
        )
    return int(np.isin(pic.ids, np.fromiter(ids, dtype=np.int64, count=len(ids))).sum()) if ids else 0
