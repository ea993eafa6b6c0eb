"""Full import of 30,000 LinkedIn connections and 30,000 vCards, vobject's parse alone, re-imports.

    python bench/gen_contacts.py            # writes the files to $TMPDIR/tieline-bench
    python bench/import_contacts.py

Each `tieline import` runs as a real process into a new SQLite database; its wall time, CPU time
and peak RSS are printed beside the time `vobject.readComponents` needs just to parse the same 30,000 cards.
It also checks that 30,000 rows sharing a small pool of names became 30,000 people. Each file is then
imported again into the same database (nothing may change), and then its updated version (one person
in ten with a new job: exactly those may change).
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


def import_file(path: Path, db: Path) -> tuple[float, float, float, dict[str, object]]:
    """Wall time, CPU time (steadier on a busy machine), peak RSS and the JSON summary of one import."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "tieline", "--db", str(db), "import", str(path), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    elapsed = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = max(before, usage.ru_maxrss) / 1024
    return elapsed, usage.ru_utime + usage.ru_stime - cpu, peak, json.loads(proc.stdout)


def vobject_parse(path: Path) -> float | None:
    try:
        import vobject  # type: ignore[import-untyped]
    except ImportError:
        return None
    t0 = time.perf_counter()
    with path.open(encoding="utf-8") as fh:
        n = sum(1 for _ in vobject.readComponents(fh))
    elapsed = time.perf_counter() - t0
    print(f"vobject.readComponents: {n} cards parsed in {elapsed:.2f} s")
    return elapsed


def people_count(db: Path) -> int:
    import sqlite3

    with sqlite3.connect(db) as conn:
        return int(conn.execute("select count(*) from people").fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "tieline-bench")
    args = parser.parse_args()
    linkedin, cards = args.dir / "Connections.csv", args.dir / "contacts.vcf"
    if not linkedin.exists() or not cards.exists():
        sys.exit(f"run bench/gen_contacts.py first (looked in {args.dir})")
    with tempfile.TemporaryDirectory() as tmp:
        for label, path in (("LinkedIn Connections.csv", linkedin), ("vCard file", cards)):
            db = Path(tmp) / f"{path.stem}.db"
            elapsed, cpu, peak, summary = import_file(path, db)
            print(
                f"tieline import {label}: {summary['people_created']} people in {elapsed:.2f} s "
                f"(CPU {cpu:.2f} s), "
                f"peak RSS {peak:.0f} MB, {people_count(db)} people rows"
            )
            later = path.with_name(f"{path.stem}-updated{path.suffix}")
            for what, again in (("same file", path), ("updated file", later)):
                if not again.exists():
                    continue
                took, cpu, _, summary = import_file(again, db)
                print(
                    f"  re-import, {what}: {took:.2f} s (CPU {cpu:.2f} s), "
                    f"{summary['people_updated']} people updated, {summary['unchanged']} unchanged, "
                    f"{summary['people_created']} created"
                )
            if path == cards:
                card_time = elapsed
            else:
                link_time = elapsed
    ref = vobject_parse(cards)
    if ref:
        print(f"ratio tieline vCard import / vobject parse: {card_time / ref:.2f}")
        print(f"ratio tieline LinkedIn import / vobject parse: {link_time / ref:.2f}")


if __name__ == "__main__":
    main()
