"""Plain-language explanation of one tie's score: each term, what it added, and why.

The contributions are on the logit scale: they add up exactly to ``logit(score)``, and
``score = 1 / (1 + exp(-sum))``. :func:`explain` lists them biggest first.
"""

from __future__ import annotations

import math

import numpy as np

from tieline.strength.layers import LAYER_NAMES
from tieline.strength.model import TERM_NAMES, Scores
from tieline.strength.terms import sentence

Explanation = list[tuple[str, float, str]]


def explain(scores: Scores, i: int, all_terms: bool = False) -> Explanation:
    """(term, contribution to the logit, sentence) for tie ``i``, largest effect first.

    Terms that contribute nothing are left out unless ``all_terms``; the bias is always kept,
    so the contributions listed add up to the logit of the score (exactly when ``all_terms``,
    and up to the omitted zeros otherwise).
    """
    row = scores.terms[i]
    out: Explanation = []
    for j in np.argsort(-np.abs(row), kind="stable"):
        name = TERM_NAMES[int(j)]
        value = float(row[j])
        if value == 0.0 and name != "bias" and not all_terms:
            continue
        out.append((name, value, sentence(name, scores.evidence, i, float(scores.features[i, int(j)]))))
    return out


def summary(scores: Scores, i: int) -> str:
    """One line: score, layer and state of tie ``i``."""
    value = scores.score[i]
    if not math.isfinite(value):
        return "unknown: no interactions and nothing you said about this tie"
    layer = LAYER_NAMES.get(int(scores.layer[i])) or "unknown"
    call = f"would take your call: {scores.p_call[i]:.0%}"
    return f"strength {value:.2f} ({layer} layer, {scores.state[i]}); {call}"
