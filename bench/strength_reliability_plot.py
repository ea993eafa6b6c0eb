"""Draw the reliability diagram of docs/model.md: docs/img/strength_reliability.png.

    PYTHONPATH=src python bench/strength_reliability_plot.py [TIES_DIR] [OUT.png]

Out-of-fold probabilities of the whole recipe (``tieline.strength.validate``, 5 leave-egos-out splits,
the same as ``bench/strength_eval.py``): for each bin of predicted probability, the share of ties that
were close friends (Social Evolution) or Facebook friends (Copenhagen). On the diagonal, a probability
means what it says; each point's area is the number of ties in its bin.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from tieline.strength.fit import dataset
from tieline.strength.ties_data import load_log, read_pairs
from tieline.strength.validate import validate

NAMES = {
    "social-evolution-dev": "Social Evolution (close friend)",
    "copenhagen": "Copenhagen (Facebook friend)",
}


def main() -> None:
    shared = Path(os.environ.get("TIELINE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else shared / "data" / "ties"
    out = (
        Path(sys.argv[2])
        if len(sys.argv) > 2
        else Path(__file__).resolve().parents[1] / "docs/img/strength_reliability.png"
    )
    data = {
        n: dataset(load_log(root / n / "interactions.csv"), read_pairs(root / n / "labels.csv"))
        for n in NAMES
    }
    result = validate(data, splits=5)
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.2), dpi=120, sharey=True)
    for ax, (name, title) in zip(axes, NAMES.items(), strict=True):
        v = result[name]
        ax.plot([0, 1], [0, 1], color="grey", ls=":", lw=1)
        for rows, label, marker in (
            (v.reliability, f"Platt, shipped (ECE {v.ece_platt:.3f})", "o"),
            (v.reliability_shared, f"one slope for both (ECE {v.ece_shared:.3f})", "s"),
        ):
            ax.plot(
                [r[3] for r in rows], [r[4] for r in rows], marker=marker, lw=1, ms=3, label=label, alpha=0.85
            )
            ax.scatter([r[3] for r in rows], [r[4] for r in rows], s=[r[2] / 8 for r in rows], alpha=0.25)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("predicted probability (out of fold)")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="upper left")
    axes[0].set_ylabel("observed share of friends")
    fig.suptitle(
        f"Reliability, 5 leave-egos-out splits (ECE from chance alone: {result['social-evolution-dev'].ece_if_calibrated:.3f}"
        f" / {result['copenhagen'].ece_if_calibrated:.3f})",
        fontsize=10,
    )
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
