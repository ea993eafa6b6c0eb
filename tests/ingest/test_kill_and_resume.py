"""A killed import loses nothing it committed, and running it again finishes the job without duplicates."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

N = 30_000


def _mbox(path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(N):
            who = f"person{i % 500}@example.com"
            mine = i % 3 == 0
            frm, to = ("me@example.com", who) if mine else (who, "me@example.com")
            fh.write(
                f"From {frm} Mon Jan  1 10:00:00 2024\n"
                f"Message-ID: <m{i}@example.com>\n"
                f"Date: Mon, 01 Jan 2024 {i % 24:02d}:{i % 60:02d}:00 +0000\n"
                f"From: {frm}\nTo: {to}\nSubject: note {i}\n\nbody {i}\n\n"
            )


def _count(db: Path, sql: str) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute(sql).fetchone()[0])


def test_a_killed_import_resumes_without_duplicates(tmp_path: Path) -> None:
    mbox = tmp_path / "big.mbox"
    _mbox(mbox)
    db = tmp_path / "t.db"
    cmd = [
        sys.executable,
        "-m",
        "tieline",
        "--db",
        str(db),
        "import",
        str(mbox),
        "--me",
        "me@example.com",
        "--json",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    # Kill it as soon as some chunks are committed, before it can finish.
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        if db.exists():
            try:
                if _count(db, "select count(*) from interactions") > 0:
                    break
            except sqlite3.Error:
                pass
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = _count(db, "select count(*) from interactions")
    assert 0 < partial < N  # really killed half-way
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert _count(db, "select count(*) from interactions") == N
    assert _count(db, "select count(distinct source_key) from interactions") == N
    assert _count(db, "select count(*) from people") == 500
