"""SIGKILL at a random moment of an import, an undo, a merge or a migration, then check what is left.

Used by the CI kill tests (a handful) and by bench/kill_bench.py (many).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.pool import NullPool

from tests.integrity.files import ME
from tieline.store import tables as t

N = 6000
SETUP = """
import sys
from pathlib import Path
from tieline.store.db import Store
from tieline.ingest.batch import run_import, ImportOptions
from tieline.services import imports, merge, me, people
store = Store(sys.argv[1])
what = sys.argv[2]
if what == "import":
    run_import(store, [Path(sys.argv[3])], ImportOptions())
elif what == "undo":
    imports.undo(store, int(sys.argv[3]), with_later=True)
elif what == "merge":
    merge.merge(store, sys.argv[3], sys.argv[4])
"""


@dataclass
class Outcome:
    survived: bool  # the database is intact and consistent afterwards
    lost: int  # interactions a finished run should hold that are missing
    duplicated: int  # interactions stored twice


def mailbox(path: Path, n: int = N) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            who = f"k{i % 200}@example.com"
            frm, to = (ME, who) if i % 3 == 0 else (who, ME)
            fh.write(
                f"From {frm} Mon Jan  1 10:00:00 2024\nMessage-ID: <k{i}@example.com>\n"
                f"Date: Mon, 01 Jan 2024 {i % 24:02d}:{i % 60:02d}:00 +0000\n"
                f"From: {frm}\nTo: {to}\nSubject: s{i}\n\nb\n\n"
            )
    return path


def run(url: str, *args: str, kill_after: float | None = None) -> int | None:
    """Run one operation in its own process; SIGKILL it after ``kill_after`` seconds if still running."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen(
        [sys.executable, "-c", SETUP, url, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    if kill_after is None:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err.decode()[-2000:]
        return proc.returncode
    try:
        proc.wait(timeout=kill_after)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return proc.returncode


def intact(url: str) -> bool:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            if "participants" not in inspect(conn).get_table_names():
                return True  # killed before the schema was made: an empty database
            if url.startswith("sqlite"):
                ok = conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                return ok and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is None
            orphans = conn.execute(
                text(
                    "SELECT count(*) FROM participants p LEFT JOIN interactions i ON i.id = p.interaction_id "
                    "WHERE i.id IS NULL"
                )
            ).scalar_one()
            return int(orphans) == 0
    finally:
        engine.dispose()


def stored(url: str) -> tuple[int, int]:
    engine = create_engine(url, poolclass=NullPool)
    i = t.interactions
    try:
        with engine.connect() as conn:
            total = int(conn.execute(select(func.count()).select_from(i)).scalar_one())
            distinct = int(conn.execute(select(func.count(func.distinct(i.c.source_key)))).scalar_one())
    finally:
        engine.dispose()
    return total, distinct


def kill_import(url: str, box: Path, rng: random.Random) -> Outcome:
    """Kill an import part-way, run it again: it must finish the batch with nothing lost or twice."""
    run(url, "import", str(box), kill_after=rng.uniform(0.5, 6.0))
    ok = intact(url)
    run(url, "import", str(box))
    total, distinct = stored(url)
    return Outcome(ok and intact(url), max(0, N - distinct), total - distinct)


def kill_undo(url: str, box: Path, rng: random.Random) -> Outcome:
    """Kill an undo part-way: the batch is either whole or gone, never half."""
    run(url, "import", str(box))
    run(url, "undo", "1", kill_after=rng.uniform(0.2, 3.0))
    total, distinct = stored(url)
    whole_or_gone = total in (0, N)
    run(url, "import", str(box))  # whatever happened, importing again gives the whole file once
    total2, distinct2 = stored(url)
    return Outcome(intact(url) and whole_or_gone, max(0, N - distinct2), total2 - distinct2)


def people_count(url: str) -> int:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(t.people)).scalar_one())
    finally:
        engine.dispose()


def kill_merge(url: str, box: Path, rng: random.Random) -> Outcome:
    """Kill a merge part-way: the two people are either one or still two, with every message kept."""
    run(url, "import", str(box))
    before = people_count(url)
    run(url, "merge", "k1@example.com", "k2@example.com", kill_after=rng.uniform(0.2, 3.0))
    total, distinct = stored(url)
    return Outcome(intact(url) and people_count(url) in (before, before - 1), N - distinct, total - distinct)


def kill_migration(url: str, rng: random.Random) -> Outcome:
    """Kill the schema upgrade part-way: the next opening finishes it, and every row is still there."""
    from tieline.store.migrate import upgrade

    engine = create_engine(url, poolclass=NullPool)
    upgrade(engine, "0005")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO accounts (name, created_at) VALUES ('me', '2024-01-01')"))
        for i in range(300):
            conn.execute(
                text(
                    "INSERT INTO people (account_id, name, created_at, updated_at) "
                    "VALUES (1, :n, '2024-01-01', '2024-01-01')"
                ),
                {"n": f"P{i}"},
            )
    engine.dispose()
    code = "import sys\nfrom tieline.store.db import Store\nStore(sys.argv[1])"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen([sys.executable, "-c", code, url], env=env, stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout=rng.uniform(0.3, 3.0))
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    ok = intact(url)
    from tieline.store.db import Store

    Store(url).dispose()  # opening again finishes the upgrade
    return Outcome(ok and intact(url) and people_count(url) == 300, 0, 0)
