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

from tieline.strength.evaluate import auc, ego_interval, score_rows
from tieline.strength.ties_data import load_log, read_pairs

NAMES = ("social-evolution-dev", "copenhagen")


def main() -> None:
    shared = Path(os.environ.get("TIELINE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else shared / "data" / "ties"
    for name in NAMES:
        log = load_log(root / name / "interactions.csv")
        pairs = read_pairs(root / name / "labels.csv")
        scored = score_rows(log, pairs)
        label = np.array([p.label for p in pairs])
        model = np.where(np.isnan(scored.score), np.nan, scored.logit)
        count = np.where(scored.n_rows > 0, scored.n_rows, np.nan)
        groups: dict[tuple[str, float], list[int]] = {}
        for i, p in enumerate(pairs):
            if scored.n_events[i] > 0:
                groups.setdefault((p.ego, p.as_of), []).append(i)
        egos: list[str] = []
        ours: list[float] = []
        gains: list[float] = []
        for (ego, _), rows in groups.items():
            idx = np.array(rows)
            a = auc(model[idx], label[idx])
            if not np.isnan(a):
                egos.append(ego)
                ours.append(a)
                gains.append(a - auc(count[idx], label[idx]))
        low, high = ego_interval(ours, egos)
        g_low, g_high = ego_interval(gains, egos)
        names = sorted(set(egos))
        index = {e: i for i, e in enumerate(names)}
        sums = np.zeros(len(names))
        counts = np.zeros(len(names))
        for e, g in zip(egos, gains, strict=True):
            sums[index[e]] += g
            counts[index[e]] += 1
        pick = np.random.default_rng(0).integers(0, len(names), size=(5000, len(names)))
        not_better = float(np.mean(sums[pick].sum(axis=1) / counts[pick].sum(axis=1) <= 0))
        print(
            f"{name}: {len(ours)} groups of {len(names)} egos; per-ego AUC {np.mean(ours):.3f}"
            f" (95% {low:.3f}-{high:.3f}); gain over count {np.mean(gains):+.3f}"
            f" (95% {g_low:+.3f} to {g_high:+.3f}; not better in {not_better:.1%} of resamples)"
        )


if __name__ == "__main__":
    main()
