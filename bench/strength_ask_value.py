"""What answers are worth: per-ego AUC over all labelled ties with k = 0, 1, 3, 5 answers per ego.

    PYTHONPATH=src python bench/strength_ask_value.py [TIES_DIR]

Social Evolution asked the same egos at four survey dates. For every (ego, survey) after the first,
the ego "answers" k questions, chosen among their contacted, labelled alters by the policy of
`tieline model ask` (:func:`tieline.strength.ask.choose`), and the answer is what the ego said about
that alter at the *previous* survey (the label then), pinned as "would take my call" yes/no. The
AUC is then measured over all the group's labelled contacted alters, the answered ones included, as
a user would see their ranking. A random choice of the k alters (mean of 20 draws) is the reference.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

from tieline.strength.ask import choose
from tieline.strength.evaluate import auc, ego_interval, score_rows
from tieline.strength.terms import WEIGHTS
from tieline.strength.ties_data import load_log, read_pairs

KS = (0, 1, 3, 5)


def main() -> None:
    shared = Path(os.environ.get("TIELINE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else shared / "data" / "ties"
    folder = root / "social-evolution-dev"
    log = load_log(folder / "interactions.csv")
    pairs = read_pairs(folder / "labels.csv")
    scored = score_rows(log, pairs)
    label = np.array([p.label for p in pairs])
    waves: dict[str, list[float]] = {}
    for p in pairs:
        waves.setdefault(p.ego, [])
        if p.as_of not in waves[p.ego]:
            waves[p.ego].append(p.as_of)
    said = {(p.ego, p.alter, p.as_of): p.label for p in pairs}
    groups: dict[tuple[str, float], list[int]] = {}
    for i, p in enumerate(pairs):
        if scored.n_events[i] > 0 and np.isfinite(label[i]):
            groups.setdefault((p.ego, p.as_of), []).append(i)
    w_call = WEIGHTS["take_call"]
    rng = np.random.default_rng(0)
    results: dict[str, dict[int, list[float]]] = {
        "policy": {k: [] for k in KS},
        "random": {k: [] for k in KS},
    }
    egos: list[str] = []
    for (ego, as_of), rows in groups.items():
        order = sorted(waves[ego])
        if order.index(as_of) == 0:
            continue
        before = order[order.index(as_of) - 1]
        idx = np.array(rows)
        y = label[idx]
        if y.min() == y.max():
            continue
        prev = np.array([said.get((ego, pairs[i].alter, before), np.nan) for i in idx])
        askable = np.isfinite(prev)
        logit = scored.logit[idx]
        p = 1.0 / (1.0 + np.exp(-logit))
        egos.append(ego)
        for k in KS:
            chosen = choose(np.where(askable, p, np.nan), k)
            results["policy"][k].append(auc(_pinned(logit, chosen, prev, w_call), y))
            draws = []
            for _ in range(20):
                pool = np.flatnonzero(askable)
                pick = rng.choice(pool, size=min(k, pool.size), replace=False) if k else pool[:0]
                draws.append(auc(_pinned(logit, pick, prev, w_call), y))
            results["random"][k].append(float(np.mean(draws)))
    print(
        f"social-evolution-dev: {len(egos)} (ego, survey) groups after the first survey, {len(set(egos))} egos"
    )
    base = results["policy"][0]
    for how in ("policy", "random"):
        for k in KS:
            values = results[how][k]
            gain = [a - b for a, b in zip(values, base, strict=True)]
            low, high = ego_interval(gain, egos)
            print(
                f"  {how:6s} k={k}: per-ego AUC {np.mean(values):.3f}; gain over k=0 {np.mean(gain):+.3f}"
                f" (95% {low:+.3f} to {high:+.3f})"
            )


def _pinned(logit: np.ndarray, chosen: np.ndarray, prev: np.ndarray, w_call: float) -> np.ndarray:
    out = logit.copy()
    out[chosen] += w_call * (2.0 * prev[chosen] - 1.0)
    return out


if __name__ == "__main__":
    main()
