"""Precision and recall of the duplicate finder's name comparison on the labelled pairs in tests/identity/.

    python bench/duplicate_finder.py

A pair counts as found when the parsed names are alike enough to be proposed (ingest/names.py,
ingest/matching.SIMILAR); an import proposes it only with one more piece of evidence (an
organisation or a work e-mail domain in common, or a name no one else holds), and merges without
asking only on a shared phone number and names the same for sure. The last column counts those
merges among pairs of different people, which must be zero.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.identity.labelled import pairs, table  # noqa: E402


def main() -> None:
    rows = pairs()
    wrong = {p.kind: 0 for p in rows} | {"all": 0}
    for p in rows:
        if not p.same and p.shared_phone and p.joined_on_a_phone:
            wrong[p.kind] += 1
            wrong["all"] += 1
    print("| kind | pairs | found | wrongly found | missed | precision | recall | different people merged |")
    print("|---|---|---|---|---|---|---|---|")
    for kind, n, tp, fp, fn, precision, recall in table(rows):
        p = "—" if precision is None else f"{precision:.2f}"
        r = "—" if recall is None else f"{recall:.2f}"
        print(f"| {kind} | {n} | {tp} | {fp} | {fn} | {p} | {r} | {wrong[kind]} |")


if __name__ == "__main__":
    main()
