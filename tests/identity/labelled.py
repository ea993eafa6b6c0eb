"""The labelled set of name pairs (tests/identity/name_pairs.csv) and how the duplicate finder does on it."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from tieline.ingest.matching import SIMILAR
from tieline.ingest.names import parse, same_for_sure, similarity

PAIRS = Path(__file__).with_name("name_pairs.csv")


@dataclass(frozen=True)
class Pair:
    kind: str
    a: str
    b: str
    same: bool
    shared_phone: bool

    @property
    def proposed(self) -> bool:
        """Whether the finder calls the names alike (a pair is then proposed given one more piece of evidence)."""
        return similarity(parse(self.a), parse(self.b)) >= SIMILAR

    @property
    def joined_on_a_phone(self) -> bool:
        """Whether a shared phone number would join them without asking."""
        return same_for_sure(parse(self.a), parse(self.b))


def pairs() -> list[Pair]:
    with PAIRS.open(encoding="utf-8", newline="") as fh:
        return [
            Pair(r["kind"], r["a"], r["b"], r["same"] == "1", r["shared_phone"] == "1")
            for r in csv.DictReader(fh)
        ]


def table(rows: list[Pair]) -> list[tuple[str, int, int, int, int, float | None, float | None]]:
    """Per kind and overall: pairs, true / false proposals, missed, precision, recall."""
    out = []
    kinds = sorted({p.kind for p in rows}, key=[p.kind for p in rows].index)
    for kind in [*kinds, "all"]:
        group = [p for p in rows if kind in ("all", p.kind)]
        tp = sum(p.proposed and p.same for p in group)
        fp = sum(p.proposed and not p.same for p in group)
        fn = sum(not p.proposed and p.same for p in group)
        precision = tp / (tp + fp) if tp + fp else None
        recall = tp / (tp + fn) if tp + fn else None
        out.append((kind, len(group), tp, fp, fn, precision, recall))
    return out
