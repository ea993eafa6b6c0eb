"""Parse speed of the contact readers against vobject, side by side, with peak memory.

    python bench/gen_contacts.py
    PYTHONPATH=src python bench/parse_contacts.py

Prints the time tieline's LinkedIn and vCard readers take over the generated files, the time
`vobject.readComponents` needs to parse the same vCard file (skipped when vobject is not installed),
their ratio, and the peak memory of each run (tracemalloc, Python allocations) and of the process (RSS).
"""

from __future__ import annotations

import argparse
import gc
import resource
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from tieline.records import ReadOptions
from tieline.sources.contacts import linkedin, vcard


def measure(label: str, fn: Callable[[], Counter[str]]) -> float:
    gc.collect()
    tracemalloc.start()
    t0 = time.perf_counter()
    counts = fn()
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # a second, untraced run for the time (tracemalloc slows allocation-heavy code down)
    gc.collect()
    t0 = time.perf_counter()
    fn()
    fast = time.perf_counter() - t0
    summary = ", ".join(f"{k}={v}" for k, v in sorted(counts.items()))
    print(f"{label:<34} {fast:8.2f} s   (traced {elapsed:.2f} s, peak {peak / 1e6:6.1f} MB)   {summary}")
    return fast


def tieline_reader(module: object, path: Path) -> Callable[[], Counter[str]]:
    def run() -> Counter[str]:
        return Counter(type(r).__name__ for r in module.read(path, ReadOptions()))  # type: ignore[attr-defined]

    return run


def vobject_reader(path: Path) -> Callable[[], Counter[str]] | None:
    try:
        import vobject  # type: ignore[import-not-found]
    except ImportError:
        return None

    def run() -> Counter[str]:
        counts: Counter[str] = Counter()
        with path.open(encoding="utf-8") as fh:
            for _card in vobject.readComponents(fh):
                counts["cards"] += 1
        return counts

    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path, nargs="?", default=Path(tempfile.gettempdir()) / "tieline-bench")
    args = ap.parse_args()
    connections, cards = args.folder / "Connections.csv", args.folder / "contacts.vcf"
    for f in (connections, cards):
        if not f.exists():
            raise SystemExit(f"{f} is missing: run bench/gen_contacts.py --out {args.folder} first")
    for f in (connections, cards):
        print(f"{f.name}: {f.stat().st_size / 1e6:.1f} MB")
    measure("tieline linkedin (Connections.csv)", tieline_reader(linkedin, connections))
    ours = measure("tieline vcard (contacts.vcf)", tieline_reader(vcard, cards))
    theirs_fn = vobject_reader(cards)
    if theirs_fn is None:
        print("vobject is not installed: skipping the comparison (pip install vobject)")
    else:
        theirs = measure("vobject.readComponents", theirs_fn)
        print(f"ratio tieline vcard / vobject: {ours / theirs:.3f}  (vobject is {theirs / ours:.1f}x slower)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()
