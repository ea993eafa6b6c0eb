"""Draw how a tie goes stale: docs/img/strength_decay.png.

    PYTHONPATH=src python bench/strength_decay_plot.py [OUT.png]

A tie of three years of weekly two-way calls falls silent; the curves are the model's own score
over the following years of silence, one per relationship kind (the half-lives of
``defaults.HALF_LIFE_DAYS`` and the dormancy term), with a single e-mail last month for reference.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from tieline.strength import EventTable, TieFacts, score

DAY = 86400.0
END = 1_700_000_000.0
KINDS = ("family", "partner", "friend", None, "colleague", "acquaintance")


def main() -> None:
    out = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).resolve().parents[1] / "docs/img/strength_decay.png"
    )
    weeks = 156
    t = END - np.arange(weeks)[::-1] * 7 * DAY
    events = EventTable.from_lists(
        [0] * weeks,
        list(t),
        ["call"] * weeks,
        ["out" if k % 2 else "in" for k in range(weeks)],
        duration=[600.0] * weeks,
    )
    years = np.linspace(0, 10, 241)
    fig, ax = plt.subplots(figsize=(7.5, 4.2), dpi=120)
    for kind in KINDS:
        facts = TieFacts.from_lists(relationship=[kind])
        s = [score(events, 1, END + y * 365.25 * DAY + DAY, facts).score[0] for y in years]
        ax.plot(years, s, label=kind or "no kind given", lw=2 if kind is None else 1.3)
    once = EventTable.from_lists([0], [END - 30 * DAY], ["email"], ["in"])
    ax.axhline(score(once, 1, END).score[0], color="grey", ls=":", lw=1, label="one e-mail last month")
    ax.set_xlabel("years of silence after three years of weekly calls")
    ax.set_ylabel("strength (would take your call)")
    ax.set_ylim(0, 1)
    ax.set_xlim(0, 10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")
    ax.set_title(
        "Ties go stale, family slowest, towards a floor (half-lives after Roberts & Dunbar 2011, 2015)",
        fontsize=9,
    )
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
