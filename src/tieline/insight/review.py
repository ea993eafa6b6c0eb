"""The review's queues, as the essay names them: prune, nurture, reconnect, solidify, ask.

- **prune** — can't remember: no interaction, no note, no how-we-met, connected over a year ago;
- **nurture** — new and tentative ties;
- **reconnect** — dormant ties (silent a year, no cadence set), those with the most past contact, a known
  how-we-met and favours received first;
- **solidify** — important ties (the four inner layers) that are fading, the likeliest to take your call first;
- **ask** — ties with no answer from you yet whose "would they take your call?" would change the picture
  most: the same choice as ``tieline model ask`` (:func:`tieline.services.ask.ask_candidates`).

A person decided about in an earlier review (any decision but skip, not undone) is never asked again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, select

from tieline.insight.durations import in_words
from tieline.insight.ties import Picture, Tie, contacts, picture
from tieline.store import tables as t
from tieline.store.db import Store

QUEUES = ("prune", "nurture", "reconnect", "solidify", "ask")
TITLES = {
    "prune": "Prune — people you can't remember (they probably can't remember you either)",
    "nurture": "Nurture — new, tentative connections",
    "reconnect": "Reconnect — ties gone quiet for a year",
    "solidify": "Solidify — important ties that are fading",
    "ask": "Ask — would they take your call? (your answer changes the picture most here)",
}
PRUNE_AFTER_DAYS = 365
SILENT_YEAR = 365.0
ASK_MOST = 10


@dataclass(frozen=True)
class Item:
    queue: str
    person_id: int
    name: str
    why: str

    def as_json(self) -> dict[str, Any]:
        return {"queue": self.queue, "person_id": self.person_id, "name": self.name, "why": self.why}


def decided(store: Store) -> set[int]:
    """People with a decision standing from an earlier review (skips and undone decisions do not count)."""
    rd = t.review_decisions
    with store.read() as conn:
        return set(
            conn.execute(
                select(rd.c.person_id).where(
                    and_(rd.c.account_id == store.account_id, rd.c.undone.is_(False), rd.c.decision != "skip")
                )
            ).scalars()
        )


def queues(store: Store, as_of: datetime | None = None) -> dict[str, list[Item]]:
    """Every queue, best first; each undecided person in one queue at most (the first that takes them)."""
    pic = picture(store, as_of)
    done = decided(store)
    ties = [tie for tie in pic.ties(store) if tie.person.id not in done]
    with store.read() as conn:
        noted = {
            pid
            for pid in conn.execute(
                select(t.notes.c.person_id).where(t.notes.c.account_id == store.account_id)
            ).scalars()
        }
        quiet = [tie for tie in ties if tie.state in ("fading", "dormant") and not tie.person.every_days]
        seen = contacts(conn, store.account_id, [tie.person.id for tie in quiet], pic.as_of)
    out: dict[str, list[Item]] = {q: [] for q in QUEUES}
    taken: set[int] = set()

    def put(queue: str, items: list[tuple[float, Tie, str]]) -> None:
        items.sort(key=lambda x: (-x[0], x[1].person.name.lower()))
        for _, tie, why in items:
            if tie.person.id not in taken:
                taken.add(tie.person.id)
                out[queue].append(Item(queue, tie.person.id, tie.person.name, why))

    put("prune", _prune(pic, ties, noted))
    put(
        "nurture",
        [(tie.p_call or 0.0, tie, "new: " + _since(tie, pic)) for tie in ties if tie.state == "new"],
    )
    reconnect = []
    for tie in quiet:
        c = seen.get(tie.person.id)
        if c is None:
            continue
        silent = (pic.as_of - c.last).total_seconds() / 86400.0
        if silent > SILENT_YEAR:
            weight = math.log1p(c.count) + (1.0 if tie.person.how_met else 0.0)
            met = f"; met: {tie.person.how_met}" if tie.person.how_met else ""
            reconnect.append(
                (weight, tie, f"{c.count} contacts until {c.last:%B %Y}, silent {in_words(silent)}{met}")
            )
    put("reconnect", reconnect)
    put(
        "solidify",
        [
            (tie.p_call or 0.0, tie, f"layer {tie.layer}, fading")
            for tie in ties
            if tie.state == "fading" and tie.layer in (1, 2, 3, 4)
        ],
    )
    # Asking is another kind of question: anyone may be asked, whatever queue they are in. The choice is
    # `tieline model ask`'s (the ties whose answer would change the picture most).
    from tieline.services.ask import ask_candidates

    out["ask"] = [
        Item("ask", c.person_id, c.name, "; ".join(c.reasons) or f"the model says {c.p_call:.0%}")
        for c in ask_candidates(store, ASK_MOST + len(done))
        if c.person_id not in done
    ][:ASK_MOST]
    return out


def _prune(pic: Picture, ties: list[Tie], noted: set[int]) -> list[tuple[float, Tie, str]]:
    old = pic.as_of - timedelta(days=PRUNE_AFTER_DAYS)
    out = []
    for tie in ties:
        p = tie.person
        if tie.state != "unknown" or p.how_met or p.id in noted or p.would_take_call is not None:
            continue
        if p.connected_on is not None and p.connected_on > old:
            continue
        age = (pic.as_of - (p.connected_on or p.created_at)).total_seconds() / 86400.0
        when = f"connected {p.connected_on:%B %Y}" if p.connected_on else "no date of connection"
        out.append((age, tie, f"never in touch, no note, no how-we-met; {when}"))
    return out


def _since(tie: Tie, pic: Picture) -> str:
    c = tie.person.connected_on
    return f"connected {c:%-d %B}" if c is not None else "first contact lately"


def sizes(store: Store, as_of: datetime | None = None) -> dict[str, int]:
    """How many people wait in each queue."""
    return {q: len(items) for q, items in queues(store, as_of).items()}
