"""Backups restore: backup -> restore -> backup gives the same bytes, on both backends and across them."""

from __future__ import annotations

import sqlite3
import stat
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text, update

from tests.cli import tieline, tieline_process
from tests.conftest import pg_url_or_skip
from tests.privacy.test_forget_for_real import CARDS, SECOND_CARD
from tieline.services import backup as backups
from tieline.store import tables as t
from tieline.store.db import Store

MAIL = (
    "From ada@example.com Mon Jan  1 10:00:00 2024\nFrom: Ada Lovelace <ada@example.com>\nTo: me@example.com\n"
    "Subject: engines\nDate: Mon, 01 Jan 2024 10:00:00 +0000\nMessage-ID: <b1@example.org>\n\nhi\n\n"
    "From me@example.com Mon Jan  1 11:00:00 2024\nFrom: Me <me@example.com>\nTo: Ada Lovelace <ada@example.com>\n"
    "Subject: re: engines\nDate: Mon, 01 Jan 2024 11:00:00 +0000\nMessage-ID: <b2@example.org>\n\nhello\n\n"
)

Fresh = Callable[[str], str]


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Fresh]:
    """``fresh("sqlite")`` / ``fresh("postgresql")``: the URL of another empty database."""
    schemas: list[str] = []

    def make(kind: str) -> str:
        if kind == "sqlite":
            return f"sqlite:///{tmp_path / f'{uuid.uuid4().hex[:8]}.db'}"
        base = pg_url_or_skip()
        schema = f"t_{uuid.uuid4().hex[:12]}"
        engine = create_engine(base)
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        schemas.append(schema)
        return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"

    yield make
    if schemas:
        engine = create_engine(pg_url_or_skip())
        with engine.begin() as conn:
            for schema in schemas:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def _network(db: str, tmp_path: Path) -> None:
    """A store with something of everything: cards, mail, a merge, a forget, edits, a log."""
    cards, second, mail = tmp_path / "c.vcf", tmp_path / "s.vcf", tmp_path / "m.mbox"
    cards.write_text(CARDS, encoding="utf-8")
    second.write_text(SECOND_CARD.replace("Zeb Quixote", "Zebulon Q."), encoding="utf-8")
    mail.write_text(MAIL, encoding="utf-8")
    assert tieline(db, "me", "add", "me@example.com").code == 0
    for path in (cards, second, mail):
        assert tieline(db, "import", str(path)).code == 0
    assert tieline(db, "people", "merge", "Zebulon Quixote", "Zebulon Q.").code == 0
    assert (
        tieline(db, "people", "add", "Grace Hopper", "--email", "grace@example.com", "--org", "Navy").code
        == 0
    )
    assert (
        tieline(
            db, "people", "edit", "grace", "--tag", "cobol", "--closeness", "4", "--introduced-by", "ada"
        ).code
        == 0
    )
    assert tieline(db, "log", "grace", "coffee", "--when", "2024-05-31").code == 0
    assert tieline(db, "people", "list").code == 0  # fills the score cache
    assert tieline(db, "people", "forget", "Zebulon", "--yes").code == 0


def _backup(db: str, path: Path, *extra: str) -> bytes:
    run = tieline(db, "backup", str(path), *extra)
    assert run.code == 0, run.err
    return path.read_bytes()


@pytest.mark.parametrize("fmt", ["jsonl", "sqlite"])
def test_backup_restore_backup_gives_the_same_content(
    db_url: str, fresh: Fresh, tmp_path: Path, fmt: str
) -> None:
    if fmt == "sqlite" and not db_url.startswith("sqlite"):
        pytest.skip("a SQLite copy is made of a SQLite store")
    _network(db_url, tmp_path)
    first = _backup(db_url, tmp_path / "first.jsonl")
    copy = tmp_path / f"copy.{'db' if fmt == 'sqlite' else 'jsonl'}"
    _backup(db_url, copy)
    assert copy.read_bytes().startswith(b"SQLite format 3\x00") == (fmt == "sqlite")
    target = fresh("sqlite" if db_url.startswith("sqlite") else "postgresql")
    run = tieline(target, "restore", str(copy))
    assert run.code == 0, run.err
    assert "Restored 2 people" in run.out
    assert _backup(target, tmp_path / "again.jsonl") == first
    # Nothing lost: the forgotten person's handles still keep them out, the people read the same.
    cards = tmp_path / "c.vcf"
    assert tieline(target, "import", str(cards), "--json").json()["people_created"] == 0
    assert tieline(target, "people", "show", "grace", "--json").json()["introduced_by"] == "Ada Lovelace"


def test_a_store_moves_from_sqlite_to_postgresql_and_back_unchanged(fresh: Fresh, tmp_path: Path) -> None:
    lite = fresh("sqlite")
    _network(lite, tmp_path)
    first = _backup(lite, tmp_path / "a.jsonl")
    pg = fresh("postgresql")
    assert tieline(pg, "restore", str(tmp_path / "a.jsonl")).code == 0
    assert _backup(pg, tmp_path / "b.jsonl") == first
    back = fresh("sqlite")
    assert tieline(back, "restore", str(tmp_path / "b.jsonl")).code == 0
    assert _backup(back, tmp_path / "c.jsonl") == first
    # And a SQLite copy can be restored into PostgreSQL directly.
    _backup(lite, tmp_path / "copy.db")
    pg2 = fresh("postgresql")
    assert tieline(pg2, "restore", str(tmp_path / "copy.db")).code == 0
    assert _backup(pg2, tmp_path / "d.jsonl") == first


def test_restore_refuses_a_store_that_holds_data_unless_forced(
    db_url: str, fresh: Fresh, tmp_path: Path
) -> None:
    assert tieline(db_url, "people", "add", "Ada Lovelace").code == 0
    first = _backup(db_url, tmp_path / "a.jsonl")
    other = fresh("sqlite" if db_url.startswith("sqlite") else "postgresql")
    assert tieline(other, "people", "add", "Grace Hopper").code == 0
    refused = tieline_process(other, "restore", str(tmp_path / "a.jsonl"))
    assert refused.code == 1
    assert "is not empty (1 people)" in refused.err and "--force" in refused.err
    assert [p["name"] for p in tieline(other, "people", "list", "--json").json()] == ["Grace Hopper"]
    assert tieline(other, "restore", str(tmp_path / "a.jsonl"), "--force").code == 0
    assert _backup(other, tmp_path / "b.jsonl") == first
    assert [p["name"] for p in tieline(other, "people", "list", "--json").json()] == ["Ada Lovelace"]


def test_a_file_that_is_not_a_backup_is_one_line_and_writes_nothing(db_url: str, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.jsonl"
    bogus.write_text('{"hello": 1}\n', encoding="utf-8")
    run = tieline_process(db_url, "restore", str(bogus))
    assert run.code == 1
    assert run.err.strip().splitlines() == [
        f"error: {bogus}: not a tieline backup (a SQLite copy or a JSON Lines file from `tieline backup`)"
    ]


def test_backups_are_private_files(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert tieline(db, "people", "add", "Ada Lovelace").code == 0
    for name in ("b.db", "b.jsonl"):
        _backup(db, tmp_path / name)
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if "partial" in p.name) == []


def test_a_backup_taken_while_another_program_writes_holds_only_what_was_committed(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    db = f"sqlite:///{path}"
    assert tieline(db, "people", "add", "Ada Lovelace").code == 0
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    for name in ("copy.db", "copy.jsonl"):
        writer.execute("BEGIN IMMEDIATE")  # an import half-way through a chunk
        writer.execute(
            "insert into people (account_id, name, created_at, updated_at) "
            "values (1, 'Half Written', '2024-01-01', '2024-01-01')"
        )
        later = threading.Timer(1.5, writer.execute, ["ROLLBACK"])  # the copy is made before this
        later.start()
        _backup(db, tmp_path / name)
        later.join()
        target = f"sqlite:///{tmp_path / ('restored-' + name + '.db')}"
        assert tieline(target, "restore", str(tmp_path / name)).code == 0
        assert [p["name"] for p in tieline(target, "people", "list", "--json").json()] == ["Ada Lovelace"]
    writer.close()


def test_the_last_backup_is_recorded_and_a_stale_one_is_warned_about(db_url: str, tmp_path: Path) -> None:
    assert tieline(db_url, "people", "add", "Ada Lovelace").code == 0
    store = Store(db_url)
    assert backups.last_backup(store) is None
    assert backups.backup_warning(store) is None  # a new store: nothing to warn about yet
    later = datetime.now(UTC) + timedelta(days=31)
    assert backups.backup_warning(store, later) == "this store was never backed up: run `tieline backup FILE`"
    before = datetime.now(UTC)
    _backup(db_url, tmp_path / "a.jsonl")
    last = backups.last_backup(store)
    assert last is not None and last >= before - timedelta(seconds=1)
    assert backups.backup_warning(store) is None
    with store.write() as conn:
        conn.execute(update(t.accounts).values(backed_up_at=datetime.now(UTC) - timedelta(days=40)))
    assert backups.backup_warning(store) == "the last backup was 40 days ago: run `tieline backup FILE`"
    store.dispose()


def test_health_says_when_the_last_backup_is_older_than_30_days(db_url: str, tmp_path: Path) -> None:
    assert tieline(db_url, "people", "add", "Ada Lovelace").code == 0
    assert "Backup" not in tieline(db_url, "health").out
    _backup(db_url, tmp_path / "a.jsonl")
    fresh_report = tieline(db_url, "health", "--json").json()
    assert fresh_report["backup"]["warning"] is None and fresh_report["backup"]["last"]
    store = Store(db_url)
    with store.write() as conn:
        conn.execute(update(t.accounts).values(backed_up_at=datetime.now(UTC) - timedelta(days=45)))
    store.dispose()
    shown = tieline(db_url, "health").out
    assert "Backup: the last backup was 45 days ago: run `tieline backup FILE`" in " ".join(shown.split())
