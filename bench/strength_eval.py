"""The figures in docs/model.md: the model and two baselines on the ties data, then the whole recipe
cross-validated (mean of 5 leave-egos-out splits, gain over count with its interval, ECE).

    PYTHONPATH=src python bench/strength_eval.py [TIES_DIR] [--splits N]

N (default 5) repeated leave-egos-out splits; more splits steady the figures against the luck of
one shuffle of the egos (not against the labels' own noise: the egos stay the same).

TIES_DIR defaults to ../shared/data/ties beside the checkout (or $TIELINE_SHARED/data/ties).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from tieline.strength.calibrate import fit_platt
from tieline.strength.evaluate import evaluate_loaded
from tieline.strength.fit import dataset, per_ego_auc, search_weights
from tieline.strength.model import weight_vector
from tieline.strength.terms import FITTED_SIGNS, WEIGHTS
from tieline.strength.ties_data import load_log, read_pairs
from tieline.strength.validate import NEUTRAL, validate

NAMES = ("social-evolution-dev", "copenhagen")


def main() -> None:
    shared = Path(os.environ.get("TIELINE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    args = sys.argv[1:]
    splits = 5
    if "--splits" in args:
        at = args.index("--splits")
        splits = int(args[at + 1])
        del args[at : at + 2]
    root = Path(args[0]) if args else shared / "data" / "ties"
    data = {}
    for name in NAMES:
        start = time.perf_counter()
        log = load_log(root / name / "interactions.csv")
        pairs = read_pairs(root / name / "labels.csv")
        for candidates in ("contacted", "all"):
            r = evaluate_loaded(log, pairs, candidates)  # type: ignore[arg-type]
            print(f"{name} ({candidates}, {r['scored_rows']} rows)")
            for who in ("model", "baseline_recency", "baseline_count"):
                m = r[who]
                print(
                    f"  {who:17s} per-ego AUC {m['per_ego_auc']:.3f}"
                    f" (95% {m['per_ego_auc_low']:.3f}-{m['per_ego_auc_high']:.3f})"
                    f"  pooled AUC {m['pooled_auc']:.3f}  R-precision {m['r_precision']:.3f}"
                    f"  ({m['groups']:.0f} groups, {m['egos']:.0f} egos)"
                )
        data[name] = dataset(log, pairs)
        print(f"  ({time.perf_counter() - start:.1f} s)")
    print("The recipe cross-validated on both data sets together (weights chosen on the training egos of")
    print(
        "both, calibration on the training egos of each), leakage guard on,"
        f" mean of {splits} leave-egos-out splits:"
    )
    for name, v in validate(data, splits=splits).items():
        print(
            f"  {name}: per-ego AUC {v.auc:.3f} (splits {', '.join(f'{a:.3f}' for a in v.auc_by_split)});"
            f" count on the same groups {v.auc_count:.3f}; gain {v.gain:+.3f}"
            f" (95% {v.gain_low:+.3f} to {v.gain_high:+.3f}, not better in {v.not_better:.0%} of ego resamples)"
        )
        print(
            f"    ECE out of fold: Platt {v.ece_platt:.3f}, isotonic {v.ece_isotonic:.3f};"
            f" from chance alone (labels drawn from the probabilities) {v.ece_if_calibrated:.3f}"
        )
        print(
            f"    one Platt slope over both data sets, an intercept each (measured, not shipped): ECE {v.ece_shared:.3f}"
        )
        print("    less bin-bound estimates, out of fold: map | ECE equal-mass bins | debiased | Brier")
        for m, est in v.robust.items():
            print(f"      {m:8s} | {est['ece_equal_mass']:.3f} | {est['debiased']:.3f} | {est['brier']:.4f}")
        print("    reliability (Platt, out of fold, all splits): bin | ties | mean probability | observed")
        for lo, hi, n, mp, obs in v.reliability:
            print(f"      {lo:.1f}-{hi:.1f} | {n:5d} | {mp:.3f} | {obs:.3f}")
    print("What the shipped weights are (search on all egos of both, then Platt on Social Evolution):")
    search = search_weights(list(data.values()), NEUTRAL)
    print("  search: " + ", ".join(f"{n} {search[n]:g}" for n in FITTED_SIGNS))
    w = weight_vector(WEIGHTS)
    se = data["social-evolution-dev"]
    platt = fit_platt(se.x @ w, se.y)
    print(f"  Platt on the shipped logit (1 and 0 when the shipped weights are calibrated): {platt}")
    print(
        "shipped weights in-sample: "
        + "  ".join(f"{n} {per_ego_auc(ds.x @ w, ds):.3f}" for n, ds in data.items())
    )


if __name__ == "__main__":
    main()
