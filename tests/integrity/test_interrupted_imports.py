"""Issue 9, defects 6, 7 and 8: a killed or interrupted import resumes its own batch; counts tell the truth."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Table, create_engine, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from tests.cli import tieline
from tests.integrity.files import ME
from tieline.store import tables as t
from tieline.store.db import Store

N = 30_000


def big_mbox(path: Path, n: int = N, tail: str = "") -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            who = f"person{i % 300}@example.com"
            frm, to = (ME, who) if i % 3 == 0 else (who, ME)
            fh.write(
                f"From {frm} Mon Jan  1 10:00:00 2024\nMessage-ID: <m{i}@example.com>\n"
                f"Date: Mon, 01 Jan 2024 {i % 24:02d}:{i % 60:02d}:00 +0000\n"
                f"From: {frm}\nTo: {to}\nSubject: note {i}\n\nbody {i}\n\n"
            )
        fh.write(tail)
    return path


def count(db_url: str, table: Table) -> int:
    engine = create_engine(db_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(table)).scalar_one())
    finally:
        engine.dispose()


def start(db_url: str, *args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, TIELINE_DB=db_url)
    return subprocess.Popen(
        [sys.executable, "-m", "tieline", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_for_some(db_url: str, proc: subprocess.Popen[str], table: Table = t.interactions) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        try:
            if count(db_url, table) > 0:
                return
        except SQLAlchemyError:  # the schema may not exist yet
            pass


def test_a_file_that_fails_near_its_end_reports_the_counts_that_are_stored(
    db_url: str, tmp_path: Path
) -> None:
    huge = "From x@example.com Mon Jan  1 10:00:00 2024\nX-Big: " + "a" * (5 * 1024 * 1024) + "\n\nbody\n"
    path = big_mbox(tmp_path / "ends-badly.mbox", 6_000, huge)
    run = tieline(db_url, "import", str(path), "--me", ME, "--json")
    data = run.json()
    assert data["failed_files"] == 1
    stored = count(db_url, t.interactions)
    assert data["interactions_created"] == stored == 0
    assert data["people_created"] == count(db_url, t.people) == 0
    # It wrote nothing, so it leaves no batch row behind (an empty batch would read as an import that worked).
    assert data["batch"] is None and tieline(db_url, "imports", "list", "--json").json() == []


def test_a_killed_import_is_listed_as_interrupted_and_resumes_its_own_batch(
    db_url: str, tmp_path: Path
) -> None:
    path = big_mbox(tmp_path / "big.mbox")
    args = ("import", str(path), "--me", ME, "--json")
    proc = start(db_url, *args)
    wait_for_some(db_url, proc)
    assert proc.poll() is None, proc.communicate()
    proc.kill()
    proc.wait()
    partial = count(db_url, t.interactions)
    assert 0 < partial < N
    listed = tieline(db_url, "imports", "list", "--json").json()
    assert [b["status"] for b in listed] == ["interrupted"]
    assert listed[0]["stats"]["interactions_created"] == partial  # what the committed chunks hold
    resumed = tieline(db_url, *args)
    assert resumed.code == 0, resumed.err
    assert resumed.json()["batch"] == listed[0]["batch"]
    assert count(db_url, t.interactions) == N
    listed = tieline(db_url, "imports", "list", "--json").json()
    assert [(b["status"], b["stats"]["interactions_created"]) for b in listed] == [("done", N)]
    assert tieline(db_url, "imports", "undo", str(listed[0]["batch"])).code == 0
    assert count(db_url, t.interactions) == 0 and count(db_url, t.people) == 0


def test_ctrl_c_rolls_back_at_once_says_how_to_resume_and_exits_130(db_url: str, tmp_path: Path) -> None:
    path = big_mbox(tmp_path / "big.mbox")
    args = ("import", str(path), "--me", ME)
    proc = start(db_url, *args)
    wait_for_some(db_url, proc)
    assert proc.poll() is None
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    took = time.monotonic() - sent
    assert proc.returncode == 130, err
    assert took < 5, took
    assert "Traceback" not in err
    assert "batch 1" in err and "resume" in err and "imports undo 1" in err
    listed = tieline(db_url, "imports", "list", "--json").json()
    assert [b["status"] for b in listed] == ["interrupted"]
    assert listed[0]["stats"]["interactions_created"] == count(db_url, t.interactions)
    assert tieline(db_url, *args, "--json").json()["batch"] == 1
    assert count(db_url, t.interactions) == N


def test_ctrl_c_during_start_up_prints_no_traceback(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    Store(db).dispose()  # read commands never create a database: this one lists an existing, empty one
    for delay in (0.3, 0.6, 1.0, 1.5):
        proc = start(db, "people", "list")
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
        if "Fatal Python error" in err:
            continue  # the interpreter itself was still starting: no tieline code had run
        assert "Traceback" not in err
        assert proc.returncode in (0, 130, -signal.SIGINT), err  # -2: ended by SIGINT, as a shell shows 130
