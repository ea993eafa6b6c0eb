"""`tieline model eval` on a large labels file with a different as_of on every row.

    PYTHONPATH=src python bench/strength_eval_scale.py [EGOS]

Writes a synthetic interactions file (EGOS egos x 40 alters, 1-60 calls/SMS each over a year: about
600,000 rows for 500 egos) and a labels file with one row per tie, each at its own as_of, to a
temporary folder, then times reading, scoring and the metrics through the product's code.
"""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from tieline.strength.evaluate import evaluate_loaded
from tieline.strength.ties_data import load_log, read_pairs


def write_files(folder: Path, egos: int) -> tuple[Path, Path]:
    rng = np.random.default_rng(0)
    start = datetime(2020, 1, 1)
    interactions, labels = folder / "interactions.csv", folder / "labels.csv"
    with interactions.open("w", newline="") as fi, labels.open("w", newline="") as fl:
        wi, wl = csv.writer(fi), csv.writer(fl)
        wi.writerow(["ego", "alter", "timestamp", "channel", "initiator", "duration_s"])
        wl.writerow(["ego", "alter", "as_of", "label"])
        for ego in range(egos):
            for k in range(40):
                close = rng.random() < 0.3
                for _ in range(int(rng.integers(5, 60) if close else rng.integers(1, 15))):
                    when = start + timedelta(seconds=int(rng.integers(0, 365 * 86400)))
                    wi.writerow(
                        [ego, f"a{ego}_{k}", when.isoformat(), rng.choice(["call", "sms"]), "ego", 60]
                    )
                as_of = start + timedelta(
                    days=200 + int(rng.integers(0, 160)), seconds=int(rng.integers(0, 86400))
                )
                wl.writerow([ego, f"a{ego}_{k}", as_of.isoformat(), int(close)])
    return interactions, labels


def main() -> None:
    egos = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with tempfile.TemporaryDirectory() as tmp:
        interactions, labels = write_files(Path(tmp), egos)
        t0 = time.perf_counter()
        log = load_log(interactions)
        pairs = read_pairs(labels)
        t1 = time.perf_counter()
        result = evaluate_loaded(log, pairs)
        t2 = time.perf_counter()
    distinct = len({p.as_of for p in pairs})
    print(
        f"{log.raw_count:,} interaction rows, {len(pairs):,} label rows, {distinct:,} distinct as_of:"
        f" read {t1 - t0:.1f} s, score and metrics {t2 - t1:.1f} s;"
        f" pooled AUC {result['model']['pooled_auc']:.3f}"
    )


if __name__ == "__main__":
    main()
