"""Every reader against hostile input: the hostile corpus, the contract's variants of each reader's sample,
and a fuzz run of ``--seconds`` per reader (CI runs a few examples of the same in tests/sources).

    python bench/hostile_readers.py [--seconds 10] [--seed 1]

Prints, per source of files and in all: files tried, clean errors (one SourceError), files with skipped
records, tracebacks (anything else: a bug), the slowest file, and the time per MB read. Exits 1 on a traceback.
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from tests.hostile.make_corpus import write  # noqa: E402
from tests.sources.contract import HOSTILE, files_of, samples, variant  # noqa: E402
from tests.sources.test_properties import _mutate  # noqa: E402

from tieline.errors import SourceError  # noqa: E402
from tieline.records import ReadOptions, Skipped  # noqa: E402
from tieline.sources import archive, registry  # noqa: E402
from tieline.sources.base import Reader  # noqa: E402


@dataclass
class Tally:
    tried: int = 0
    clean_errors: int = 0
    with_skips: int = 0
    tracebacks: list[str] = field(default_factory=list)
    seconds: float = 0.0
    megabytes: float = 0.0
    slowest: tuple[float, str] = (0.0, "")

    def add(self, other: Tally) -> None:
        self.tried += other.tried
        self.clean_errors += other.clean_errors
        self.with_skips += other.with_skips
        self.tracebacks += other.tracebacks
        self.seconds += other.seconds
        self.megabytes += other.megabytes
        self.slowest = max(self.slowest, other.slowest)

    def line(self, label: str) -> str:
        per_mb = self.seconds / self.megabytes if self.megabytes else 0.0
        return (
            f"{label:<22} {self.tried:>6} {self.clean_errors:>7} {self.with_skips:>6} {len(self.tracebacks):>10}"
            f" {per_mb:>10.3f} {self.slowest[0]:>8.2f}  {self.slowest[1][:40]}"
        )


def attempt(tally: Tally, reader: Reader | None, path: Path, label: str) -> None:
    size = sum(p.stat().st_size for p in files_of(path)) / 2**20
    began = time.perf_counter()
    tally.tried += 1
    try:
        with archive.unpacking():
            records = []
            for item in registry.plan([path], reader.NAME if reader else None):
                records.extend(item.reader.read(item.path, ReadOptions()))
        if any(isinstance(r, Skipped) for r in records):
            tally.with_skips += 1
    except SourceError:
        tally.clean_errors += 1
    except Exception:  # noqa: BLE001 - counting them is the point
        tally.tracebacks.append(f"{label}: {traceback.format_exc().splitlines()[-1]}")
    took = time.perf_counter() - began
    tally.seconds += took
    tally.megabytes += size
    tally.slowest = max(tally.slowest, (took, label))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="fuzzing time per reader")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    logging.getLogger("tieline.sources").setLevel(logging.ERROR)  # the warnings are the tests' business
    readers = {r.NAME: r for r in registry.readers()}
    found = samples()
    totals = Tally()
    print(
        f"{'':<22} {'files':>6} {'errors':>7} {'skips':>6} {'tracebacks':>10} {'s per MB':>10} {'slowest':>8}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        corpus = Tally()
        for name, (path, kind) in write(work / "corpus").items():
            attempt(corpus, readers.get(kind) if kind else None, path, f"corpus: {name}")
        print(corpus.line("hostile corpus"))
        totals.add(corpus)
        for name, sample in sorted(found.items()):
            tally = Tally()
            for case, change in HOSTILE.items():
                dest = work / "variants" / name / case.replace(" ", "_")
                dest.mkdir(parents=True)
                attempt(tally, readers[name], variant(sample, dest, change), f"{name}: {case}")
            if sample.is_file():
                rng = random.Random(args.seed)
                data = sample.read_bytes()
                stop = time.perf_counter() + args.seconds
                n = 0
                while time.perf_counter() < stop:
                    n += 1
                    path = work / "fuzz" / name / str(n) / sample.name
                    path.parent.mkdir(parents=True)
                    path.write_bytes(_mutate(data, rng.randrange(2**32)))
                    attempt(tally, readers[name], path, f"{name}: fuzz seed {n}")
            print(tally.line(name))
            totals.add(tally)
    print(totals.line("all"))
    for line in totals.tracebacks[:20]:
        print("TRACEBACK", line)
    return 1 if totals.tracebacks else 0


if __name__ == "__main__":
    sys.exit(main())
