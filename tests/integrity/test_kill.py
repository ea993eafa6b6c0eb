"""Issue 9: SIGKILL at a random moment of an import, an undo, a merge and a migration, on both backends.

After each: the database is intact, the batch is resumable and the resumed result equals a clean run
(nothing lost, nothing twice). A handful here; `bench/kill_bench.py` runs many.
"""

from __future__ import annotations

import random
from pathlib import Path

from tests.integrity import killing


def test_a_killed_import_resumes_with_nothing_lost_or_twice(db_url: str, tmp_path: Path) -> None:
    box = killing.mailbox(tmp_path / "k.mbox")
    rng = random.Random(9)
    outcome = killing.kill_import(db_url, box, rng)
    assert outcome == killing.Outcome(True, 0, 0)


def test_a_killed_undo_leaves_the_batch_whole_or_gone(db_url: str, tmp_path: Path) -> None:
    box = killing.mailbox(tmp_path / "k.mbox")
    assert killing.kill_undo(db_url, box, random.Random(9)) == killing.Outcome(True, 0, 0)


def test_a_killed_merge_is_all_or_nothing(db_url: str, tmp_path: Path) -> None:
    box = killing.mailbox(tmp_path / "k.mbox")
    assert killing.kill_merge(db_url, box, random.Random(9)) == killing.Outcome(True, 0, 0)


def test_a_killed_migration_is_finished_by_the_next_opening(db_url: str) -> None:
    assert killing.kill_migration(db_url, random.Random(9)) == killing.Outcome(True, 0, 0)
