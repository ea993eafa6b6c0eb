"""The store itself: migrations from empty, SQLite settings, accounts."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import inspect, text

from tests.cli import tieline_process
from tieline.store import tables as t
from tieline.store.db import Store


def test_migrations_create_every_table_from_empty(db_url: str) -> None:
    store = Store(db_url)
    names = set(inspect(store.engine).get_table_names())
    assert {table.name for table in t.metadata.sorted_tables} <= names
    assert "alembic_version" in names
    store.dispose()


def test_opening_twice_migrates_once_and_keeps_one_account(db_url: str) -> None:
    first = Store(db_url)
    second = Store(db_url)
    assert first.account_id == second.account_id
    with second.read() as conn:
        assert conn.execute(text("select count(*) from accounts")).scalar_one() == 1
    first.dispose()
    second.dispose()


def test_sqlite_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'x.db'}")
    with store.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.dispose()


def test_a_plain_path_is_a_sqlite_file(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "plain.db"))
    assert store.is_sqlite and (tmp_path / "plain.db").exists()
    store.dispose()


def test_accounts_do_not_see_each_others_people(db_url: str) -> None:
    from tieline.services import people

    alice = Store(db_url, account="alice")
    bob = Store(db_url, account="bob")
    people.add(alice, people.NewPerson("Ada Lovelace", emails=("ada@example.com",)))
    people.add(bob, people.NewPerson("Ada Lovelace", emails=("ada@example.com",)))
    with alice.read() as conn:
        assert [p["name"] for p in people.summaries(conn, alice.account_id)] == ["Ada Lovelace"]
    with bob.read() as conn:
        assert len(people.summaries(conn, bob.account_id)) == 1
    alice.dispose()
    bob.dispose()


def test_a_database_where_no_folder_can_be_made_is_one_line_naming_the_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n", encoding="utf-8")
    db = blocker / "sub" / "x.db"
    run = tieline_process(f"sqlite:///{db}", "people", "add", "Ada Lovelace")
    assert run.code == 1
    assert "Traceback" not in run.err
    assert run.err.strip().splitlines() == [
        f"error: cannot create the database {db}: the folder {blocker / 'sub'} does not exist "
        "(tieline makes only its default folder; create it, or pick another --db)"
    ]
