"""`make bench`: every benchmark once at a small size, so they all still run; each prints its own figures.

The README's figures come from the full sizes (run a bench alone with its defaults for those). `--full` runs
them here at the full sizes too; `--only NAME` runs the benches whose name contains NAME.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def plan(work: Path, full: bool) -> list[tuple[str, list[str]]]:
    """(name, arguments) of each bench, in an order where a generator runs before what reads its output."""
    contacts = work / "contacts"
    mbox = work / "bench.mbox"
    small = {
        "gen_contacts": ["--rows", "2000", "--out", str(contacts)],
        "import_contacts": ["--dir", str(contacts)],
        "parse_contacts": [str(contacts)],
        "gen_mbox": [str(mbox), "2000"],
        "import_mbox": [str(mbox)],
        "parse_mbox": [str(mbox)],
        "parse_telegram": ["--size-mb", "5"],
        "strength_bench": ["--ties", "2000", "--events", "50000", "--repeat", "1"],
        "strength_store": ["--people", "2000", "--interactions", "50000"],
        "insight": ["--people", "2000", "--interactions", "50000"],
        "strength_eval_scale": ["50"],
    }
    if full:
        small = {
            "gen_contacts": ["--out", str(contacts)],
            "import_contacts": ["--dir", str(contacts)],
            "parse_contacts": [str(contacts)],
            "gen_mbox": [str(mbox)],
            "import_mbox": [str(mbox)],
            "parse_mbox": [str(mbox)],
        }
    # The benches on the labelled ties data (../shared/data/ties, minutes each) run with --full only.
    ties = next((p for p in (HERE.parent.parent / "shared", HERE.parents[2] / "shared") if p.exists()), None)
    extra = ["strength_eval", "strength_noise", "strength_ask_value"]
    if not full or ties is None:
        print(f"not run here: {', '.join(extra)} (the labelled ties data; `--full` with ../shared/data/ties)")
        extra = []
    return list(small.items()) + [(name, [str(ties / "data" / "ties")]) for name in extra if ties]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the sizes the README's figures come from")
    parser.add_argument("--only", default="", help="run only the benches whose name contains this")
    options = parser.parse_args()
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="tieline-bench-") as tmp:
        for name, args in plan(Path(tmp), options.full):
            if options.only not in name:
                continue
            print(f"\n== bench/{name}.py {' '.join(args)}", flush=True)
            started = time.perf_counter()
            code = subprocess.call([sys.executable, str(HERE / f"{name}.py"), *args])
            print(
                f"== {name}: {'ok' if code == 0 else f'exit {code}'} in {time.perf_counter() - started:.1f} s"
            )
            if code != 0:
                failed.append(name)
    print(f"\n{'all benches ran' if not failed else 'failed: ' + ', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
