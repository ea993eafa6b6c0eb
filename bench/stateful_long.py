"""The stateful test of issue 9, long: new random sequences every run, on SQLite and PostgreSQL.

    python bench/stateful_long.py [EXAMPLES] [STEPS]

Prints how many sequences and steps ran and whether the database always equalled the model.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time


def main() -> None:
    examples = sys.argv[1] if len(sys.argv) > 1 else "200"
    steps = sys.argv[2] if len(sys.argv) > 2 else "25"
    env = dict(
        os.environ,
        TIELINE_STATEFUL_EXAMPLES=examples,
        TIELINE_STATEFUL_STEPS=steps,
        TIELINE_STATEFUL_RANDOM="1",
    )
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/integrity/test_stateful.py", "-q", "-p", "no:randomly"],
        env=env,
        capture_output=True,
        text=True,
    )
    took = time.monotonic() - started
    print(run.stdout[-3000:])
    verdict = (
        "database equalled the model after every step" if run.returncode == 0 else "MISMATCH (see above)"
    )
    print(f"{examples} sequences x up to {steps} steps per backend, {took:.0f} s: {verdict}")
    sys.exit(run.returncode)


if __name__ == "__main__":
    main()
