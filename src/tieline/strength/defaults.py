"""The shipped model parameters (see docs/model.md for where each number comes from)."""

from __future__ import annotations

MODEL_VERSION = "strength-1"

# Logit weights per term (the score is the logistic function of bias + sum of weight x feature).
WEIGHTS: dict[str, float] = {
    "bias": -2.5,
    "volume": 0.02,
    "days": 0.02,
    "persistence": 0.6,
    "overdue": -0.05,
    "reciprocity": 0.1,
    "replies": 0.0,
    "talk": 0.03,
    "burstiness": -0.05,
    "leisure": 0.3,
    "age": 0.2,
    "favors": 0.8,
    "closeness": 1.2,
    "take_call": 6.0,
    "relationship": 0.8,
}

# Half-life of decayed volume, in days, by relationship kind: family ties decay slowly
# (Roberts & Dunbar 2011: kin ties survive reduced contact; friendships do not).
HALF_LIFE_DAYS: dict[str | None, float] = {
    None: 90.0,
    "family": 365.0,
    "partner": 365.0,
    "friend": 90.0,
    "colleague": 45.0,
    "mentor": 120.0,
    "acquaintance": 45.0,
}

# The rhythm a tie is given before it has one of its own (fewer than two gaps), in days, and the
# shortest rhythm counted (daily contact silent for two days is not a lapse).
PRIOR_RHYTHM_DAYS = 30.0
MIN_RHYTHM_DAYS = 7.0

# How much longer than its rhythm a tie may be silent before it counts as overdue, by kind.
TOLERANCE: dict[str | None, float] = {
    None: 1.0,
    "family": 4.0,
    "partner": 2.0,
    "friend": 1.5,
    "colleague": 1.0,
    "mentor": 2.0,
    "acquaintance": 1.0,
}

# Prior contribution of a stated relationship kind (feature value, times the "relationship" weight).
RELATIONSHIP_PRIOR: dict[str | None, float] = {
    None: 0.0,
    "family": 1.0,
    "partner": 1.5,
    "friend": 0.5,
    "colleague": 0.0,
    "mentor": 0.3,
    "acquaintance": -0.5,
}

# Dunbar layers: at most this many ties (cumulative), each needing at least this score.
LAYER_SIZES: tuple[int, ...] = (5, 15, 50, 150)
LAYER_THRESHOLDS: tuple[float, ...] = (0.75, 0.6, 0.4, 0.25)
