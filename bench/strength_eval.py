"""The figures in docs/model.md: the model and two baselines on the ties data, cross-validated.

    PYTHONPATH=src python bench/strength_eval.py [TIES_DIR]

TIES_DIR defaults to ../shared/data/ties beside the checkout (or $TIELINE_SHARED/data/ties).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from tieline.strength.evaluate import evaluate_loaded
from tieline.strength.fit import cross_validate, dataset, fit_dataset, per_ego_auc
from tieline.strength.model import weight_vector
from tieline.strength.terms import WEIGHTS
from tieline.strength.ties_data import load_log, read_pairs

NAMES = ("social-evolution-dev", "copenhagen")


def main() -> None:
    shared = Path(os.environ.get("TIELINE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else shared / "data" / "ties"
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
    print("leave-egos-out 5-fold cross-validation, per-ego AUC on held-out egos:")
    for method in ("search", "logistic"):
        cv = cross_validate(data, k=5, method=method)
        print(f"  {method:8s} " + "  ".join(f"{n} {v['cv_per_ego_auc']:.3f}" for n, v in cv.items()))
    print("held-out check of `fit` (30% of egos held out) per data set:")
    for name, ds in data.items():
        res = fit_dataset(ds)
        print(
            f"  {name}: fitted {res.heldout_auc_fitted:.3f} vs defaults {res.heldout_auc_defaults:.3f}"
            f" -> {'adopted' if res.adopted else 'kept the defaults'}"
        )
    w = weight_vector(WEIGHTS)
    print(
        "defaults in-sample: " + "  ".join(f"{n} {per_ego_auc(ds.x @ w, ds):.3f}" for n, ds in data.items())
    )


if __name__ == "__main__":
    main()
