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
from tieline.strength.features import Evidence, evidence
from tieline.strength.layers import assign_layers, assign_states

TERM_NAMES: tuple[str, ...] = (
    "bias",
    "volume",
    "days",
    "persistence",
    "overdue",
    "reciprocity",
    "replies",
    "talk",
    "burstiness",
    "leisure",
    "age",
    "favors",
    "closeness",
    "take_call",
    "relationship",
)

_HALF_LIFE = np.array([defaults.HALF_LIFE_DAYS[r] for r in RELATIONSHIPS])
_TOLERANCE = np.array([defaults.TOLERANCE[r] for r in RELATIONSHIPS])
LEISURE_PRIOR_DAYS = 2.0
ONE_WAY_FACTOR = 0.25
RECIPROCITY_PRIOR = 3.0
_REL_PRIOR = np.array([defaults.RELATIONSHIP_PRIOR[r] for r in RELATIONSHIPS])


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
    merged = dict(defaults.WEIGHTS)
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

    x = np.zeros((n_ties, len(TERM_NAMES)), dtype=np.float64)
    col = {name: i for i, name in enumerate(TERM_NAMES)}
    x[:, col["bias"]] = 1.0
    x[:, col["volume"]] = np.log1p(ev.decayed)
    # Only their side ever spoke (they wrote, you never did nor answered): however long, that is
    # a mailing, not a tie, so days and persistence count a fraction (Wiese et al. 2015: reciprocity).
    one_way = np.where((ev.n_out + ev.n_undirected == 0) & (ev.n_in > 0), ONE_WAY_FACTOR, 1.0)
    x[:, col["days"]] = np.log1p(ev.n_days) * one_way
    # Contact kept up over months says more than the same count in one burst (Granovetter 1973:
    # "amount of time"; Gilbert & Karahalios 2009: days since first contact).
    x[:, col["persistence"]] = np.log1p(np.nan_to_num(ev.span, nan=0.0)) * one_way

    # Silence measured against the tie's own rhythm: a weekly tie silent a month is overdue,
    # a yearly tie silent three months is not (Gilbert & Karahalios 2009; Wiese et al. 2015).
    rhythm = np.where(np.isnan(ev.rhythm), defaults.PRIOR_RHYTHM_DAYS, ev.rhythm)
    rhythm = np.maximum(rhythm, defaults.MIN_RHYTHM_DAYS) * _TOLERANCE[rel]
    overdue = np.log1p(np.maximum(ev.last_age - rhythm, 0.0) / rhythm)
    x[:, col["overdue"]] = np.nan_to_num(overdue, nan=0.0)

    # Both sides reaching out (Granovetter 1973: reciprocity is part of strength).
    directed = ev.n_out + ev.n_in
    # Balance in [0, 1] (1 = as often them as me), shrunk towards one half for ties with few
    # directed events: a question and its answer are not yet a reciprocal relationship.
    balance = (2.0 * np.minimum(ev.n_out, ev.n_in) + RECIPROCITY_PRIOR) / (directed + 2.0 * RECIPROCITY_PRIOR)
    x[:, col["reciprocity"]] = np.where(directed > 0, balance - 0.5, 0.0)
    x[:, col["replies"]] = np.log1p(ev.replies)
    x[:, col["talk"]] = np.log1p(ev.call_minutes)
    x[:, col["burstiness"]] = np.nan_to_num(ev.burstiness, nan=0.0)
    # Friends meet in free time (Eagle, Pentland & Lazer 2009): the share of contact days on a weekend,
    # above the 2 in 7 of chance, shrunk towards chance for ties with few days.
    x[:, col["leisure"]] = (ev.weekend_days + LEISURE_PRIOR_DAYS * 2.0 / 7.0) / (
        ev.n_days + LEISURE_PRIOR_DAYS
    ) - 2.0 / 7.0

    age_days = np.fmax(ev.first_age, (as_of - facts.start) / 86400.0)
    x[:, col["age"]] = np.log1p(np.nan_to_num(np.maximum(age_days, 0.0), nan=0.0) / 365.0)
    x[:, col["favors"]] = (
        np.log1p(ev.favors_given)
        + np.log1p(ev.favors_received)
        + np.log1p(np.minimum(ev.favors_given, ev.favors_received))
    )
    x[:, col["closeness"]] = np.nan_to_num(facts.closeness - 3.0, nan=0.0)
    x[:, col["take_call"]] = np.nan_to_num(2.0 * facts.would_take_call - 1.0, nan=0.0)
    x[:, col["relationship"]] = _REL_PRIOR[rel]

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
    logit = terms.sum(axis=1)
    s = np.where(known, 1.0 / (1.0 + np.exp(-logit)), np.nan)
    facts = facts if facts is not None else TieFacts.unknown(n_ties)
    # What the user said about the call is the answer; the model only fills in where they did not.
    p_call = np.where(np.isnan(facts.would_take_call), s, np.where(facts.would_take_call > 0, 0.97, 0.03))
    p_call = np.where(known, p_call, np.nan)
    layer = assign_layers(s)
    state = assign_states(s, ev, facts, as_of)
    return Scores(s, layer, state, p_call, terms, x, ev, as_of)
