"""Time Python's ``mailbox.mbox`` against tieline's mbox reader on the same file.

    PYTHONPATH=src python bench/parse_mbox.py FILE.mbox [--only stdlib|tieline]

The standard library iterates every message with the default ``compat32`` policy and reads
From/To/Cc/Date/Message-ID; tieline's ``sources.mail.mbox.read`` yields its records. Each runs in
its own child process so that the peak RSS printed is its own.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path


def run_stdlib(path: Path) -> int:
    import mailbox

    count = 0
    for message in mailbox.mbox(str(path), create=False):
        for name in ("From", "To", "Cc", "Date", "Message-ID"):
            message[name]
        count += 1
    return count


def run_tieline(path: Path) -> int:
    from tieline.records import ReadOptions
    from tieline.sources.mail import mbox

    count = 0
    for _record in mbox.read(path, ReadOptions()):
        count += 1
    return count


def child(which: str, path: Path) -> None:
    started = time.perf_counter()
    cpu = time.process_time()
    count = run_stdlib(path) if which == "stdlib" else run_tieline(path)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"which": which, "messages": count, "seconds": elapsed, "cpu": cpu, "peak_mb": peak_mb}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("file", type=Path)
    parser.add_argument("--only", choices=["stdlib", "tieline"])
    parser.add_argument("--child", choices=["stdlib", "tieline"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.file)
        return
    results = {}
    size_mb = args.file.stat().st_size / 1e6
    for which in [args.only] if args.only else ["stdlib", "tieline"]:
        out = subprocess.run(
            [sys.executable, __file__, str(args.file), "--child", which],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        results[which] = result
        rate = result["messages"] / result["seconds"]
        print(
            f"{which:8s} {result['messages']:>9,d} messages  {result['seconds']:8.2f} s "
            f"(CPU {result['cpu']:7.2f} s) "
            f"{rate:>10,.0f} msgs/s  peak RSS {result['peak_mb']:6.0f} MB   ({size_mb:,.0f} MB file)"
        )
    if len(results) == 2:
        ratio = results["tieline"]["seconds"] / results["stdlib"]["seconds"]
        cpu_ratio = results["tieline"]["cpu"] / results["stdlib"]["cpu"]
        print(
            f"ratio tieline/stdlib = {ratio:.3f} wall, {cpu_ratio:.3f} CPU"
            f"  (tieline is {1 / ratio:.1f}x faster)"
        )


if __name__ == "__main__":
    main()
