"""The tie-evaluation data format (interactions.csv + labels.csv) as arrays for :func:`score`.

The interactions are read by the product's own reader (:func:`tieline.sources.phone.interactions_csv.read_by_ego`)
and turned into the same :class:`EventTable` the product scores, so evaluation measures the real code path.
Rows logged twice (same ego, alter, second, channel and direction: multi-part SMS, a phone logger writing
one call twice with durations 0 and 32767) are one event.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tieline.errors import SourceError
from tieline.records import Skipped
from tieline.sources.phone import interactions_csv
from tieline.strength.events import CHANNEL_CODE, DIRECTION_CODE, F64, EventTable


@dataclass(frozen=True)
class InteractionLog:
    """Every event of every ego, deduplicated; ``pair`` indexes ``pairs`` ((ego, alter) tuples)."""

    pairs: list[tuple[str, str]]
    pair_index: dict[tuple[str, str], int]
    pair: npt.NDArray[np.int64]
    t: F64
    channel: npt.NDArray[np.int8]
    direction: npt.NDArray[np.int8]
    duration: npt.NDArray[np.float32]
    copies: npt.NDArray[np.int64]  # how many identical rows each event was read from
    raw_count: int  # rows read before deduplication
    starts: npt.NDArray[np.int64]  # the events of pair j are rows starts[j]:starts[j + 1] (sorted by time)
    skipped: tuple[Skipped, ...] = ()  # rows that could not be read (bad timestamp, unknown channel...)

    def events_for(self, ties: Iterable[tuple[str, str]], as_of: float) -> tuple[EventTable, int]:
        """The events before ``as_of`` of the given (ego, alter) ties, numbered in the order given."""
        wanted = list(ties)
        tie, keep = self._select(wanted, as_of)
        table = EventTable.from_arrays(
            tie,
            self.t[keep],
            channel=self.channel[keep],
            direction=self.direction[keep],
            duration=self.duration[keep],
        )
        return table, len(wanted)

    def raw_counts(self, ties: Iterable[tuple[str, str]], as_of: float) -> F64:
        """Rows as logged (duplicates included) before ``as_of`` per tie: the "count" baseline."""
        wanted = list(ties)
        tie, keep = self._select(wanted, as_of)
        return np.bincount(tie, weights=self.copies[keep], minlength=len(wanted)).astype(np.float64)

    def _select(
        self, wanted: list[tuple[str, str]], as_of: float
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """For the events of the ``wanted`` ties before ``as_of``: their tie numbers and their rows.

        The log is sorted by tie, then time, so each tie's events before ``as_of`` are one slice:
        the cost is that of the events chosen, not of the whole log (a labels file may hold a
        different as_of on every row)."""
        ties: list[npt.NDArray[np.int64]] = []
        rows: list[npt.NDArray[np.int64]] = []
        for i, key in enumerate(wanted):
            j = self.pair_index.get(key)
            if j is None:
                continue
            lo, hi = int(self.starts[j]), int(self.starts[j + 1])
            cut = lo + int(np.searchsorted(self.t[lo:hi], as_of, side="left"))  # strictly before
            if cut > lo:
                rows.append(np.arange(lo, cut, dtype=np.int64))
                ties.append(np.full(cut - lo, i, dtype=np.int64))
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(ties), np.concatenate(rows)


def load_log(path: Path) -> InteractionLog:
    """Read an interactions CSV with every ego in it."""
    pair_index: dict[tuple[str, str], int] = {}
    pair: list[int] = []
    t: list[float] = []
    channel: list[int] = []
    direction: list[int] = []
    duration: list[float] = []
    skipped: list[Skipped] = []
    for ego, rec in interactions_csv.read_by_ego(path, skipped):
        alter = rec.participants[0].handles[0].value if rec.participants else ""
        alter = alter[3:] if alter.startswith("id:") else alter
        key = (ego, alter)
        j = pair_index.get(key)
        if j is None:
            j = pair_index[key] = len(pair_index)
        pair.append(j)
        t.append(rec.when.timestamp())
        channel.append(CHANNEL_CODE[rec.channel])
        direction.append(DIRECTION_CODE[rec.direction])
        duration.append(np.nan if rec.duration_s is None else float(rec.duration_s))
    p = np.array(pair, dtype=np.int64)
    ta = np.array(t, dtype=np.float64)
    ch = np.array(channel, dtype=np.int8)
    di = np.array(direction, dtype=np.int8)
    du = np.array(duration, dtype=np.float32)
    # Duplicates: sort so that, within a duplicate run, the longest known duration comes first.
    order = np.lexsort((-np.nan_to_num(du, nan=-1.0), di, ch, ta, p))
    p, ta, ch, di, du = p[order], ta[order], ch[order], di[order], du[order]
    first = np.ones(p.shape[0], dtype=bool)
    if p.shape[0] > 1:
        first[1:] = (p[1:] != p[:-1]) | (ta[1:] != ta[:-1]) | (ch[1:] != ch[:-1]) | (di[1:] != di[:-1])
    starts = np.flatnonzero(first)
    copies = np.diff(np.append(starts, p.shape[0])).astype(np.int64)
    pairs = list(pair_index)
    return InteractionLog(
        pairs,
        pair_index,
        p[first],
        ta[first],
        ch[first],
        di[first],
        du[first],
        copies,
        raw_count=len(pair),
        starts=np.searchsorted(p[first], np.arange(len(pairs) + 1)).astype(np.int64),
        skipped=tuple(skipped),
    )


_LABEL_WORDS = {"true": 1.0, "yes": 1.0, "y": 1.0, "false": 0.0, "no": 0.0, "n": 0.0}


@dataclass(frozen=True)
class Pair:
    ego: str
    alter: str
    as_of_text: str
    as_of: float
    label: float  # NaN when the file has no label column
    row: int


def read_pairs(path: Path) -> list[Pair]:
    """Rows ``ego,alter,as_of[,label,...]`` (extra columns ignored)."""
    name = str(path)
    out: list[Pair] = []
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            fields = [f.strip().lower() for f in (reader.fieldnames or [])]
            for need in ("ego", "alter", "as_of"):
                if need not in fields:
                    raise SourceError(name, 1, f"the header lacks the column {need}")
            reader.fieldnames = fields
            for line, row in enumerate(reader, start=2):
                text = (row.get("as_of") or "").strip()
                try:
                    when = interactions_csv.parse_when(text).timestamp()
                except ValueError:
                    raise SourceError(name, line, f"unreadable as_of {text!r}") from None
                label_text = (row.get("label") or "").strip()
                try:
                    word = label_text.lower()
                    if not word:
                        label = np.nan
                    else:
                        label = _LABEL_WORDS[word] if word in _LABEL_WORDS else float(label_text)
                except ValueError:
                    raise SourceError(name, line, f"unreadable label {label_text!r}") from None
                ego = (row.get("ego") or "").strip()
                alter = (row.get("alter") or "").strip()
                out.append(Pair(ego, alter, text, when, label, line))
    except (UnicodeDecodeError, csv.Error, OSError) as exc:
        raise SourceError(name, None, f"cannot read the pairs file ({exc})") from None
    return out


def by_as_of(pairs: list[Pair]) -> Iterator[tuple[float, list[int]]]:
    """Indices of the pairs grouped by their as_of time."""
    groups: dict[float, list[int]] = {}
    for i, p in enumerate(pairs):
        groups.setdefault(p.as_of, []).append(i)
    yield from sorted(groups.items())


def group_ids(pairs: list[Pair]) -> Mapping[tuple[str, float], int]:
    """A number for each (ego, as_of) group, in the order the groups first appear."""
    ids: dict[tuple[str, float], int] = {}
    for p in pairs:
        ids.setdefault((p.ego, p.as_of), len(ids))
    return ids
