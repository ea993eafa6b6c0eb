"""Tie strength as a sum of named, weighted terms passed through the logistic function.

``logit = sum(terms[i, :])`` (the first term is the constant ``bias``) and ``score = 1 / (1 + e^-logit)``.
Each term is ``weight x feature``; the features are plain per-tie numbers (see :func:`design`), so
:mod:`tieline.strength.explain` can say in words what every term contributed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tieline.strength import defaults
from tieline.strength.events import F64, RELATIONSHIPS, EventTable, TieFacts

__all__ = ["TERM_NAMES", "Scores", "design", "score", "weight_vector"]
from tieline.strength.features import Evidence, evidence
from tieline.strength.layers import assign_layers, assign_states
from tieline.strength.terms import TERM_NAMES, WEIGHTS, Inputs, features

_HALF_LIFE = np.array([defaults.HALF_LIFE_DAYS[r] for r in RELATIONSHIPS])
_TAKE_CALL = TERM_NAMES.index("take_call")


@dataclass(frozen=True)
class Scores:
    """The model's output for ``n`` ties (NaN score and layer 0 / state "unknown" without evidence)."""

    score: F64  # in [0, 1]; NaN = unknown
    layer: npt.NDArray[np.int8]  # 1 support .. 4 active, 5 beyond; 0 unknown
    state: npt.NDArray[np.str_]  # strong, stable, fading, dormant, new, unknown
    p_call: F64  # probability they would take the call; NaN = unknown
    terms: F64  # (n, len(TERM_NAMES)) contributions; each row sums to the logit of ``score``
    features: F64  # (n, len(TERM_NAMES)) the feature values the weights multiply
    evidence: Evidence
    as_of: float

    @property
    def logit(self) -> F64:
        return np.asarray(self.terms.sum(axis=1), dtype=np.float64)

    def __len__(self) -> int:
        return int(self.score.shape[0])


def weight_vector(weights: Mapping[str, float] | None = None) -> F64:
    """The weights in TERM_NAMES order (defaults for names not given)."""
    merged = dict(WEIGHTS)
    if weights:
        unknown = set(weights) - set(TERM_NAMES)
        if unknown:
            raise ValueError(f"unknown term(s): {', '.join(sorted(unknown))}")
        merged.update(weights)
    return np.array([merged[name] for name in TERM_NAMES], dtype=np.float64)


def design(
    events: EventTable, n_ties: int, as_of: float, facts: TieFacts | None = None
) -> tuple[F64, Evidence, npt.NDArray[np.bool_]]:
    """The feature matrix (n_ties x terms), the raw evidence, and which ties have any evidence."""
    facts = facts if facts is not None else TieFacts.unknown(n_ties)
    if facts.start.shape[0] != n_ties:
        raise ValueError(f"facts describe {facts.start.shape[0]} ties, expected {n_ties}")
    if len(events) and (int(events.tie.min()) < 0 or int(events.tie.max()) >= n_ties):
        raise ValueError(f"event tie indexes must lie in 0..{n_ties - 1}")
    before = events.t < as_of
    if not before.all():
        events = events.take(before)
    rel = facts.relationship.astype(np.int64)
    ev = evidence(events, n_ties, as_of, _HALF_LIFE[rel])
    x = features(Inputs(ev, facts))
    known = (ev.n_events > 0) | np.isfinite(facts.closeness) | np.isfinite(facts.would_take_call) | (rel != 0)
    return x, ev, known


def score(
    events: EventTable,
    n_ties: int,
    as_of: float,
    facts: TieFacts | None = None,
    weights: Mapping[str, float] | None = None,
) -> Scores:
    """Score ``n_ties`` ties from the events (``tie`` indexes them) that happened before ``as_of``.

    Ties are scored independently, so re-scoring one tie means passing only its events with
    ``n_ties=1``; layers depend on the rank among all ties, see :func:`assign_layers`.
    """
    x, ev, known = design(events, n_ties, as_of, facts)
    w = weight_vector(weights)
    terms = x * w
    facts = facts if facts is not None else TieFacts.unknown(n_ties)
    terms[:, _TAKE_CALL] = _answer_terms(terms, facts.would_take_call)
    logit = terms.sum(axis=1)
    s = np.where(known, 1.0 / (1.0 + np.exp(-logit)), np.nan)
    # What the user said about the call is the answer; the model only fills in where they did not.
    pin = np.where(facts.would_take_call > 0, defaults.ANSWER_YES, defaults.ANSWER_NO)
    p_call = np.where(np.isnan(facts.would_take_call), s, pin)
    p_call = np.where(known, p_call, np.nan)
    layer = assign_layers(s)
    state = assign_states(s, ev, facts, as_of)
    return Scores(s, layer, state, p_call, terms, x, ev, as_of)


def _answer_terms(terms: F64, answer: F64) -> F64:
    """The ``take_call`` column: for a tie the user answered, what brings its logit to the answer's
    (97 % yes, 3 % no) plus ``defaults.ANSWER_EVIDENCE_SHARE`` of the rest's, so the answer settles
    the score (shown as 0.97, never 1.00) and the evidence only orders the ties answered alike."""
    rest = terms.sum(axis=1) - terms[:, _TAKE_CALL]
    pin = np.where(answer > 0, defaults.ANSWER_YES, defaults.ANSWER_NO)
    pinned = np.log(pin / (1.0 - pin)) - (1.0 - defaults.ANSWER_EVIDENCE_SHARE) * rest
    return np.asarray(np.where(np.isnan(answer), terms[:, _TAKE_CALL], pinned), dtype=np.float64)
