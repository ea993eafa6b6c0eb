"""The issue's mail figure: tieline's full import of an mbox against the standard library's parse alone.

    python bench/gen_mbox.py /tmp/bench100k.mbox 100000
    python bench/import_mbox.py /tmp/bench100k.mbox

Runs, on the same file and each in its own process, Python's ``mailbox.mbox`` iterating every message
and reading From/To/Cc/Date/Message-ID (default compat32 policy), and ``tieline import`` of the file into
a new SQLite database (owner set, so directions and people are resolved as for a real user). Prints both
wall times, messages per second, the ratio (target < 1.0) and tieline's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def timed(cmd: list[str]) -> tuple[float, float, str]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - t0
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return elapsed, peak, proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mbox", type=Path)
    parser.add_argument(
        "--me", default="owner@example.com", help="the owner's address in the generated mailbox"
    )
    parser.add_argument("--skip-stdlib", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        t_imp, peak, out = timed(
            [
                sys.executable,
                "-m",
                "tieline",
                "--db",
                str(db),
                "import",
                str(args.mbox),
                "--me",
                args.me,
                "--json",
            ]
        )
        summary = json.loads(out)
        n = summary["interactions_created"] + summary["skipped"] + summary["unchanged"]
        print(
            f"tieline import: {summary['interactions_created']} interactions, {summary['people_created']} people, "
            f"{summary['skipped']} skipped in {t_imp:.1f} s ({n / t_imp:,.0f} msgs/s), peak RSS {peak:.0f} MB"
        )
        t_again, _, out = timed(
            [sys.executable, "-m", "tieline", "--db", str(db), "import", str(args.mbox), "--json"]
        )
        print(
            f"re-import (nothing new): {json.loads(out)['interactions_created']} created in {t_again:.1f} s"
        )
    if args.skip_stdlib:
        return
    t_std, _, out = timed([sys.executable, str(HERE / "parse_mbox.py"), str(args.mbox), "--only", "stdlib"])
    print(out.strip())
    print(f"stdlib mailbox.mbox parse alone: {t_std:.1f} s")
    print(f"ratio tieline import / stdlib parse: {t_imp / t_std:.2f} (target < 1.0)")


if __name__ == "__main__":
    main()
