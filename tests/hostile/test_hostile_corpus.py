"""The hostile corpus through the real import command: every file ends with no traceback, no hang and no
half-write (a file refused as a whole leaves no person, handle or interaction behind)."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli import tieline
from tests.hostile.make_corpus import FILES, write
from tieline.errors import TielineError
from tieline.store.db import Store

LIMIT_S = 60  # per file; the slowest clean refusal takes a few seconds


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str | None]]:
    return write(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'x.db'}"
    Store(url).dispose()  # created here: `people list` (a read) never creates a database
    return url


@pytest.fixture
def deadline() -> Iterator[None]:
    def stop(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"an import took more than {LIMIT_S} s")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(LIMIT_S)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _totals(db: str) -> tuple[int, int]:
    people = tieline(db, "people", "list", "--json").json()
    return len(people), sum(int(p.get("interactions") or 0) for p in people)


def test_the_corpus_has_at_least_60_files() -> None:
    assert len(FILES) >= 60


@pytest.mark.parametrize("name", list(FILES))
def test_a_hostile_file_ends_cleanly(
    name: str, corpus: dict[str, tuple[Path, str | None]], db: str, deadline: None
) -> None:
    path, kind = corpus[name]
    before = _totals(db)
    forced = ["--source", kind] if kind else []
    try:  # in-process: anything but the TielineError ``tieline`` prints as one line fails the test
        run = tieline(db, "import", str(path), *forced, "--json")
    except TielineError as exc:
        assert str(exc).count("\n") == 0 and path.name in str(exc), str(exc)
        assert _totals(db) == before, "a refused file wrote something"
        return
    after = _totals(db)
    assert "Traceback" not in run.out + run.err
    data = json.loads(run.out)
    for e in data["errors"]:
        assert e["file"] and e["reason"]
    if run.code != 0 or data["failed_files"]:  # refused: the file wrote nothing, not half of itself
        assert (data["people_created"], data["interactions_created"]) == (0, 0)
        assert after == before, "a refused file wrote something"
