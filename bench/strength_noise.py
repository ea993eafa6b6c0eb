"""How far the ties-data figures can be trusted: ego-bootstrap intervals and the paired gain over count.

    PYTHONPATH=src python bench/strength_noise.py [TIES_DIR]

For each data set: the model's per-ego AUC with its 95 % interval (resampling whole egos, as
`tieline model eval` prints it), and the model's gain over the count baseline on the same groups
with a paired interval and the share of resamples in which the model does not beat count.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

from tieline.strength.evaluate import ego_interval, ego_resamples, group_aucs, score_rows
from tieline.strength.ties_data import load_log, read_pairs

NAMES = ("social-evolution-dev", "copenhagen")


def main() -> None:
    shared = Path(os.environ.get("TIELINE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else shared / "data" / "ties"
    for name in NAMES:
        log = load_log(root / name / "interactions.csv")
        pairs = read_pairs(root / name / "labels.csv")
        scored = score_rows(log, pairs)
        model = np.where(np.isnan(scored.score), np.nan, scored.logit)
        count = np.where(scored.n_rows > 0, scored.n_rows, np.nan)
        contacted = scored.n_events > 0
        ours = group_aucs(pairs, model, contacted)
        theirs = group_aucs(pairs, count, contacted)  # the same groups: both classes present in each
        egos = ours.egos
        gains = [a - b for a, b in zip(ours.aucs, theirs.aucs, strict=True)]
        low, high = ego_interval(ours.aucs, egos)
        g_low, g_high = ego_interval(gains, egos)
        not_better = float(np.mean(ego_resamples(gains, egos, 5000) <= 0))
        names = set(egos)
        print(
            f"{name}: {len(egos)} groups of {len(names)} egos; per-ego AUC {np.mean(ours.aucs):.3f}"
            f" (95% {low:.3f}-{high:.3f}); gain over count {np.mean(gains):+.3f}"
            f" (95% {g_low:+.3f} to {g_high:+.3f}; not better in {not_better:.1%} of resamples)"
        )


if __name__ == "__main__":
    main()
