"""Measuring the model against labelled ties: per-ego AUC, pooled AUC, R-precision, baselines.

The metric is the one in the ties data README: for each (ego, as_of), rank the labelled alters
(``contacted``: those the ego had at least one interaction with before ``as_of``; ``all``: every
labelled alter, unknown scores ranked last), compute the AUC of the score against the label with
ties counting one half, and average over groups with at least one positive and one negative.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from tieline.strength.calibrate import ece
from tieline.strength.events import F64
from tieline.strength.model import Scores, score
from tieline.strength.ties_data import InteractionLog, Pair, by_as_of, load_log, read_pairs

Candidates = Literal["contacted", "all"]


@dataclass(frozen=True)
class PairScores:
    """Model output and baseline inputs for every row of a pairs file."""

    score: F64  # NaN = unknown
    logit: F64
    features: F64  # (n, terms)
    n_events: F64  # distinct events before as_of (decides who is "contacted")
    n_rows: F64  # rows as logged before as_of, duplicates included (the "count" baseline)
    last_t: F64  # time of the latest event before as_of (the "recency" baseline), NaN: none


def score_rows(
    log: InteractionLog, pairs: list[Pair], weights: Mapping[str, float] | None = None
) -> PairScores:
    """Score every (ego, alter, as_of) row with :func:`score`, one call per distinct as_of."""
    n = len(pairs)
    out_score = np.full(n, np.nan)
    out_logit = np.full(n, np.nan)
    out_events = np.zeros(n)
    out_rows = np.zeros(n)
    out_last = np.full(n, np.nan)
    features: F64 | None = None
    for as_of, rows in by_as_of(pairs):
        # Distinct ties only: a pair listed twice is the same tie.
        keys = list(dict.fromkeys((pairs[i].ego, pairs[i].alter) for i in rows))
        where = {k: i for i, k in enumerate(keys)}
        events, n_ties = log.events_for(keys, as_of)
        s: Scores = score(events, n_ties, as_of, weights=weights)
        idx = np.array([where[(pairs[i].ego, pairs[i].alter)] for i in rows], dtype=np.int64)
        rows_a = np.array(rows, dtype=np.int64)
        out_score[rows_a] = s.score[idx]
        out_logit[rows_a] = s.logit[idx]
        out_events[rows_a] = s.evidence.n_events[idx]
        out_rows[rows_a] = log.raw_counts(keys, as_of)[idx]
        out_last[rows_a] = as_of - s.evidence.last_age[idx] * 86400.0
        if features is None:
            features = np.zeros((n, s.features.shape[1]))
        features[rows_a] = s.features[idx]
    if features is None:
        features = np.zeros((0, 0))
    return PairScores(out_score, out_logit, features, out_events, out_rows, out_last)


def skipped_summary(log: InteractionLog) -> dict[str, Any]:
    """How many interaction rows could not be read, and the first of them (file:line: reason)."""
    first = log.skipped[0] if log.skipped else None
    return {
        "skipped_rows": len(log.skipped),
        "first_skipped": f"{first.file}:{first.record}: {first.reason}" if first else None,
    }


def score_pairs(interactions_csv: Path, pairs_csv: Path, out_csv: Path) -> int:
    """Write ``ego,alter,as_of,score`` for every row of ``pairs_csv`` (empty score = unknown).

    Returns the number of rows written; see :func:`score_pairs_report` for the unreadable rows."""
    return int(score_pairs_report(interactions_csv, pairs_csv, out_csv)["rows"])


def score_pairs_report(interactions_csv: Path, pairs_csv: Path, out_csv: Path) -> dict[str, Any]:
    """:func:`score_pairs`, returning the rows written and the interaction rows that could not be read."""
    log = load_log(Path(interactions_csv))
    pairs = read_pairs(Path(pairs_csv))
    result = score_rows(log, pairs)
    with Path(out_csv).open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["ego", "alter", "as_of", "score"])
        for p, value in zip(pairs, result.score, strict=True):
            writer.writerow([p.ego, p.alter, p.as_of_text, "" if np.isnan(value) else f"{value:.6f}"])
    return {"rows": len(pairs), **skipped_summary(log)}


def auc(score: F64, label: npt.NDArray[np.float64]) -> float:
    """Mann-Whitney AUC with ties counting one half (NaN scores rank lowest); NaN if one class is empty."""
    s = np.where(np.isnan(score), -np.inf, score)
    pos = label > 0.5
    n_pos = int(pos.sum())
    n_neg = int(pos.shape[0] - n_pos)
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = _average_ranks(s)
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def r_precision(score: F64, label: npt.NDArray[np.float64]) -> float:
    """Share of positives among the top R (R = number of positives), ties at the cut shared out."""
    s = np.where(np.isnan(score), -np.inf, score)
    pos = label > 0.5
    r = int(pos.sum())
    if r == 0:
        return float("nan")
    cut = np.sort(s)[::-1][r - 1]
    above = s > cut
    tied = s == cut
    slots = r - int(above.sum())
    hits = float(pos[above].sum()) + slots * float(pos[tied].sum()) / float(tied.sum())
    return hits / r


def _average_ranks(values: F64) -> F64:
    order = np.argsort(values, kind="mergesort")
    v = values[order]
    ranks = np.empty(values.shape[0])
    boundaries = np.flatnonzero(np.r_[True, v[1:] != v[:-1], True])
    for a, b in zip(boundaries[:-1], boundaries[1:], strict=True):
        ranks[order[a:b]] = (a + b + 1) / 2.0
    return ranks


BOOTSTRAP_DRAWS = 1000


def ego_resamples(values: list[float], egos: list[str], draws: int = BOOTSTRAP_DRAWS) -> F64:
    """The mean over groups of ``values`` in ``draws`` resamples of whole egos (fixed seed)."""
    names = sorted(set(egos))
    index = {e: i for i, e in enumerate(names)}
    owner = np.array([index[e] for e in egos], dtype=np.int64)
    sums = np.bincount(owner, weights=np.asarray(values, dtype=np.float64), minlength=len(names))
    counts = np.bincount(owner, minlength=len(names)).astype(np.float64)
    pick = np.random.default_rng(0).integers(0, len(names), size=(draws, len(names)))
    means: F64 = sums[pick].sum(axis=1) / counts[pick].sum(axis=1)
    return means


def ego_interval(aucs: list[float], egos: list[str], draws: int = BOOTSTRAP_DRAWS) -> tuple[float, float]:
    """95 % interval of the mean per-group AUC, resampling whole egos (their groups are not independent).

    Deterministic (fixed seed). With a handful of egos it is wide: that width is how far the figure
    could move on another sample of people, which is what a held-out set is.
    """
    if not aucs:
        return float("nan"), float("nan")
    low, high = np.percentile(ego_resamples(aucs, egos, draws), [2.5, 97.5])
    return float(low), float(high)


@dataclass(frozen=True)
class GroupAucs:
    """Per (ego, as_of) group with both classes: its ego, AUC and R-precision; and every group's rows."""

    egos: list[str]
    aucs: list[float]
    r_precisions: list[float]
    rows: list[list[int]]


def group_aucs(
    pairs: list[Pair], values: F64, mask: npt.NDArray[np.bool_], egos: set[str] | None = None
) -> GroupAucs:
    """The metric's groups over the masked, labelled rows, and the AUC of ``values`` in each."""
    label = np.array([p.label for p in pairs])
    groups: dict[tuple[str, float], list[int]] = {}
    for i, p in enumerate(pairs):
        if mask[i] and not np.isnan(label[i]) and (egos is None or p.ego in egos):
            groups.setdefault((p.ego, p.as_of), []).append(i)
    out = GroupAucs([], [], [], list(groups.values()))
    for (ego, _), rows in groups.items():
        idx = np.array(rows)
        a = auc(values[idx], label[idx])
        if not np.isnan(a):
            out.egos.append(ego)
            out.aucs.append(a)
            out.r_precisions.append(r_precision(values[idx], label[idx]))
    return out


def metrics(
    pairs: list[Pair], values: F64, mask: npt.NDArray[np.bool_], egos: set[str] | None = None
) -> dict[str, float]:
    """Per-ego AUC (mean over groups, with its 95 % ego-bootstrap interval), pooled AUC and mean
    R-precision over the masked rows."""
    label = np.array([p.label for p in pairs])
    g = group_aucs(pairs, values, mask, egos)
    aucs, rps, group_egos = g.aucs, g.r_precisions, g.egos
    low, high = ego_interval(aucs, group_egos)
    chosen = np.array([i for rows in g.rows for i in rows], dtype=np.int64)
    pooled = auc(values[chosen], label[chosen]) if chosen.size else float("nan")
    return {
        "per_ego_auc": float(np.mean(aucs)) if aucs else float("nan"),
        "pooled_auc": pooled,
        "r_precision": float(np.mean(rps)) if rps else float("nan"),
        "groups": float(len(aucs)),
        "egos": float(len(set(group_egos))),
        "per_ego_auc_low": low,
        "per_ego_auc_high": high,
    }


def evaluate(
    interactions_csv: Path,
    labels_csv: Path,
    candidates: Candidates = "contacted",
    weights: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """The model's and the two baselines' figures on a labelled ties data set."""
    log = load_log(Path(interactions_csv))
    pairs = read_pairs(Path(labels_csv))
    return evaluate_loaded(log, pairs, candidates, weights)


def evaluate_loaded(
    log: InteractionLog,
    pairs: list[Pair],
    candidates: Candidates = "contacted",
    weights: Mapping[str, float] | None = None,
    egos: set[str] | None = None,
) -> dict[str, Any]:
    result = score_rows(log, pairs, weights)
    mask = result.n_events > 0 if candidates == "contacted" else np.ones(len(pairs), dtype=bool)
    # The logit ranks exactly like the score but does not saturate to 1.0 (which would make ties).
    model = np.where(np.isnan(result.score), np.nan, result.logit)
    label = np.array([p.label for p in pairs])
    rated = mask & np.isfinite(label) & np.isfinite(result.score)
    return {
        "candidates": candidates,
        "rows": len(pairs),
        "scored_rows": int(mask.sum()),
        **skipped_summary(log),
        # ECE of the shipped probabilities on these labels as they are (not out of fold).
        "model": {**metrics(pairs, model, mask, egos), "ece": ece(result.score[rated], label[rated] > 0.5)},
        "baseline_recency": metrics(pairs, result.last_t, mask, egos),
        "baseline_count": metrics(pairs, np.where(result.n_rows > 0, result.n_rows, np.nan), mask, egos),
    }
