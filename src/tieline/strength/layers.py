"""Dunbar layers (by rank and threshold) and plain states (strong, fading, ...) from scores."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from tieline.strength import defaults
from tieline.strength.events import F64, RELATIONSHIPS, TieFacts
from tieline.strength.features import Evidence

LAYER_NAMES = defaults.LAYER_NAMES

STATES: tuple[str, ...] = ("strong", "stable", "fading", "dormant", "new", "unknown")

STRONG_SCORE = 0.7
NEW_DAYS = 90.0
DORMANT_DAYS = 365.0
_TOLERANCE = np.array([defaults.TOLERANCE[r] for r in RELATIONSHIPS])


def assign_layers(
    score: F64,
    sizes: Sequence[int] = defaults.LAYER_SIZES,
    thresholds: Sequence[float] = defaults.LAYER_THRESHOLDS,
) -> npt.NDArray[np.int8]:
    """Layer 1..len(sizes) for a tie among the top ``sizes[k]`` scores AND scoring at least
    ``thresholds[k]`` (the innermost such layer); len(sizes)+1 ("beyond") otherwise; 0 when unknown.

    Ranks are over all ties passed in, so call this with every tie's score, not a subset.
    """
    n = score.shape[0]
    layer = np.zeros(n, dtype=np.int8)
    known = np.isfinite(score)
    idx = np.flatnonzero(known)
    if idx.size == 0:
        return layer
    order = idx[np.argsort(-score[idx], kind="stable")]
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(1, order.size + 1)
    layer[known] = len(sizes) + 1
    for k in range(len(sizes) - 1, -1, -1):
        inside = known & (rank <= sizes[k]) & (np.nan_to_num(score, nan=-1.0) >= thresholds[k])
        layer[inside] = k + 1
    return layer


def assign_states(score: F64, ev: Evidence, facts: TieFacts, as_of: float) -> npt.NDArray[np.str_]:
    """strong / stable / fading / dormant / new / unknown, from the score and the tie's timing."""
    n = score.shape[0]
    state = np.full(n, "stable", dtype="<U8")
    tolerance = _TOLERANCE[facts.relationship.astype(np.int64)]
    rhythm = np.where(np.isnan(ev.rhythm), defaults.PRIOR_RHYTHM_DAYS, ev.rhythm)
    rhythm = np.maximum(rhythm, defaults.MIN_RHYTHM_DAYS) * tolerance
    silent = np.nan_to_num(ev.last_age, nan=0.0)
    tie_age = np.fmax(ev.first_age, (as_of - facts.start) / 86400.0)
    strong = score >= STRONG_SCORE
    state[strong] = "strong"
    fading = (silent > 2.0 * rhythm) & (silent > 14.0)
    state[fading] = "fading"
    dormant = silent > np.maximum(DORMANT_DAYS * tolerance, 6.0 * rhythm)
    state[dormant] = "dormant"
    new = np.nan_to_num(tie_age, nan=np.inf) < NEW_DAYS
    state[new & ~dormant] = "new"
    state[~np.isfinite(score)] = "unknown"
    return state
