"""The shipped model parameters (see docs/model.md for where each number comes from)."""

from __future__ import annotations

MODEL_VERSION = "strength-3"

# How fast a tie goes stale without contact: the half-life, in days, of the credit a period in touch
# (and decayed volume and talk time) gives, by relationship kind. Roberts & Dunbar (2011; 2015)
# followed 25 people's whole networks for 18 months: when contact fell, emotional closeness to friends
# fell within that time while closeness to kin held. A year's half-life leaves a silent friend a
# third of their credit after 18 months; four years leave family three quarters. Acquaintances and
# colleagues, kept up by circumstance rather than effort, go fastest; a tie of no stated kind
# decays like a friend. Plotted in docs/model.md.
HALF_LIFE_DAYS: dict[str | None, float] = {
    None: 365.0,
    "family": 1461.0,
    "partner": 730.0,
    "friend": 365.0,
    "colleague": 182.0,
    "mentor": 365.0,
    "acquaintance": 91.0,
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

# The user's own "would take my call" settles the probability: yes is 97 %, no 3 %. The evidence keeps
# this share of its logit on top, so ties answered alike are still ordered by it (0.968-0.974 for a yes)
# instead of all showing 1.00 (the answer as one more additive term did that: 0.999 whatever the evidence).
ANSWER_YES = 0.97
ANSWER_NO = 0.03
ANSWER_EVIDENCE_SHARE = 0.05

# Dunbar layers: at most this many ties (cumulative), each needing at least this score.
LAYER_SIZES: tuple[int, ...] = (5, 15, 50, 150)
LAYER_THRESHOLDS: tuple[float, ...] = (0.75, 0.6, 0.4, 0.25)
INNER_LAYERS: tuple[int, ...] = (
    1,
    2,
    3,
)  # support, sympathy, affinity: the ties that would go out of their way

# The Dunbar layers' names by number (0: unknown); strength.layers assigns them. Here so that a read
# naming them loads no numpy.
LAYER_NAMES: dict[int, str | None] = {
    0: None,
    1: "support",
    2: "sympathy",
    3: "affinity",
    4: "active",
    5: "beyond",
}
