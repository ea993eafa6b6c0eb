"""Which ties to ask the user about: where an answer would change the picture most.

An answer to "would they take your call?" pins a tie's probability to 0.97 or 0.03. Its expected
effect on that tie is ``p (1 - p)`` twice over (the probability moves by 1 - p with chance p, by p
with chance 1 - p), largest for the ties the model is least sure of. Two things raise the value of an
answer further: the tie is near the top of the ranking (the layers a user looks at), and the answer
would flip its state (strong or not). Pure numpy: :func:`tieline.services.model.ask_candidates` and
the bench that measures what answers are worth both use it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from tieline.strength.events import F64
from tieline.strength.layers import STRONG_SCORE

TOP_RANK = 50  # the sympathy and affinity layers: where a user reads the ranking
TOP_BONUS = 0.25
FLIP_BONUS = 0.25


def answer_value(p: F64, asked: npt.NDArray[np.bool_] | None = None) -> F64:
    """The value of asking about each tie (NaN for unknown or already answered ties)."""
    p = np.asarray(p, dtype=np.float64)
    known = np.isfinite(p)
    rank = np.full(p.shape[0], np.inf)
    order = np.flatnonzero(known)[np.argsort(-p[known], kind="stable")]
    rank[order] = np.arange(1, order.size + 1)
    uncertain = 2.0 * p * (1.0 - p)
    top = np.where(rank <= TOP_RANK, TOP_BONUS, 0.0)
    # "Yes" pins a tie above the strong threshold, "no" below it: a tie now strong flips when the
    # answer is no (chance 1 - p), one not strong when it is yes (chance p).
    flips = FLIP_BONUS * np.where(p >= STRONG_SCORE, 1.0 - p, p)
    value = uncertain + top + flips
    if asked is not None:
        value = np.where(asked, np.nan, value)
    return np.where(known, value, np.nan)


def choose(p: F64, k: int, asked: npt.NDArray[np.bool_] | None = None) -> npt.NDArray[np.int64]:
    """Indexes of the ``k`` ties most worth asking about, most valuable first."""
    value = answer_value(p, asked)
    idx = np.flatnonzero(np.isfinite(value))
    order = idx[np.argsort(-value[idx], kind="stable")]
    return np.asarray(order[: max(k, 0)], dtype=np.int64)
