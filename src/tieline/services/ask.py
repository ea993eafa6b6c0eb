"""Asking the user where an answer helps most: choose the ties, pin the answers.

:func:`ask_candidates` is what `tieline model ask` and the review show; :func:`answer` and
:func:`answer_batch` write what the user said (would take my call, closeness) onto the person, which
pins that tie's probability (see the ``take_call`` and ``closeness`` terms).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select

from tieline.errors import TielineError
from tieline.store import tables as t
from tieline.store.db import Store
from tieline.strength.ask import TOP_RANK, answer_value
from tieline.strength.layers import LAYER_NAMES, STRONG_SCORE


@dataclass(frozen=True)
class AskCandidate:
    """A tie worth asking about, with why."""

    person_id: int
    name: str
    strength: float
    p_call: float
    layer: str | None
    state: str
    value: float
    reasons: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.person_id,
            "name": self.name,
            "strength": round(self.strength, 4),
            "p_call": round(self.p_call, 4),
            "layer": self.layer,
            "state": self.state,
            "value": round(self.value, 4),
            "reasons": list(self.reasons),
        }


def ask_candidates(store: Store, limit: int = 5) -> list[AskCandidate]:
    """The ``limit`` ties whose answer would change the picture most (unanswered, with evidence,
    not archived), most valuable first."""
    from tieline.services.strength import network

    net = network(store)
    p = t.people
    with store.read() as conn:
        rows = conn.execute(
            select(p.c.id, p.c.name, p.c.would_take_call, p.c.archived_at).where(
                p.c.account_id == store.account_id
            )
        ).all()
    info = {r.id: r for r in rows}
    asked = np.array(
        [
            info[pid].would_take_call is not None or info[pid].archived_at is not None
            if pid in info
            else True
            for pid in net.person_ids
        ],
        dtype=bool,
    )
    value = answer_value(net.p_call, asked)
    idx = np.flatnonzero(np.isfinite(value))
    order = idx[np.argsort(-value[idx], kind="stable")][: max(limit, 0)]
    known = np.isfinite(net.score)
    rank = np.full(net.score.shape[0], 0)
    by_score = np.flatnonzero(known)[np.argsort(-net.score[known], kind="stable")]
    rank[by_score] = np.arange(1, by_score.size + 1)
    out = []
    for i in order:
        pid = net.person_ids[int(i)]
        pc = float(net.p_call[i])
        reasons = []
        if rank[i] <= TOP_RANK:
            reasons.append(f"number {rank[i]} in your ranking")
        if 0.25 <= pc <= 0.75:
            reasons.append(f"the logs leave it open ({pc:.0%})")
        if pc >= STRONG_SCORE:
            reasons.append("a no would take this tie out of your strong ones")
        else:
            reasons.append("a yes would make this a strong tie")
        out.append(
            AskCandidate(
                pid,
                info[pid].name,
                float(net.score[i]),
                pc,
                LAYER_NAMES.get(int(net.layer[i])),
                net.state[int(i)],
                float(value[i]),
                tuple(reasons),
            )
        )
    return out


def answer(store: Store, ref: str, would_take_call: bool | None, closeness: int | None = None) -> int:
    """Pin what the user said about one person; returns their id."""
    from tieline.services.people import edit

    return edit(store, ref, would_take_call=would_take_call, closeness=closeness)


_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def answer_batch(store: Store, path: Path) -> dict[str, int]:
    """Apply a CSV of answers: ``person,would_take_call,closeness`` (person: #id, handle or name;
    yes/no or empty; 1-5 or empty). Every row is checked before anything is written."""
    if not path.is_file():
        raise TielineError(f"{path}: no such file")
    answers: list[tuple[str, bool | None, int | None]] = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            fields = [f.strip().lower() for f in reader.fieldnames or []]
            if "person" not in fields:
                raise TielineError(
                    f"{path}:1: the header needs a person column (and would_take_call, closeness)"
                )
            reader.fieldnames = fields
            for line, row in enumerate(reader, start=2):
                answers.append(_row(path, line, row))
    except (UnicodeDecodeError, csv.Error, OSError) as exc:
        raise TielineError(f"{path}: cannot read the answers ({exc})") from None
    from tieline.services.lookup import find_person

    with store.read() as conn:
        for ref, _, _ in answers:
            find_person(conn, store.account_id, ref)  # an unknown person stops the batch before any write
    for ref, call, close in answers:
        answer(store, ref, call, close)
    return {
        "answered": len(answers),
        "would_take_call": sum(1 for _, c, _ in answers if c is not None),
        "closeness": sum(1 for _, _, c in answers if c is not None),
    }


def _row(path: Path, line: int, row: dict[str, str | None]) -> tuple[str, bool | None, int | None]:
    ref = (row.get("person") or "").strip()
    if not ref:
        raise TielineError(f"{path}:{line}: no person")
    word = (row.get("would_take_call") or "").strip().lower()
    if word and word not in _YES | _NO:
        raise TielineError(f"{path}:{line}: would_take_call is yes, no or empty, not {word!r}")
    call = None if not word else word in _YES
    close_text = (row.get("closeness") or "").strip()
    if close_text and close_text not in {"1", "2", "3", "4", "5"}:
        raise TielineError(f"{path}:{line}: closeness is 1 to 5 or empty, not {close_text!r}")
    close = int(close_text) if close_text else None
    if call is None and close is None:
        raise TielineError(f"{path}:{line}: neither would_take_call nor closeness given")
    return ref, call, close
