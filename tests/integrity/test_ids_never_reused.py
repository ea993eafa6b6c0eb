"""Issue 9, defects 1 and 2: undo and unmerge never bring back a forgotten person nor overwrite someone else."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.cli import tieline
from tests.integrity.files import ME, mbox, vcards
from tieline.errors import NotFound, TielineError
from tieline.store import tables as t
from tieline.store.db import Store

EVERY_TABLE = tuple(t.metadata.sorted_tables)


def _anywhere(db_url: str, *needles: str, skip: tuple[str, ...] = ("suppressions",)) -> list[str]:
    """The tables in which any of ``needles`` still appears (suppressions keep handles on purpose)."""
    store = Store(db_url)
    found = []
    with store.read() as conn:
        for table in EVERY_TABLE:
            if table.name in skip:
                continue
            text = str([tuple(r) for r in conn.execute(select(table))]).lower()
            found += [table.name for n in needles if n.lower() in text]
    store.dispose()
    return found


def _names(db_url: str) -> list[str]:
    return sorted(p["name"] for p in tieline(db_url, "people", "list", "--json").json())


def test_unmerge_after_forget_never_brings_the_forgotten_person_back(db_url: str) -> None:
    tieline(db_url, "people", "add", "Zebulon Quixotic", "--email", "zq@unique.example")
    tieline(db_url, "people", "add", "Zeb Quixotic", "--email", "zeb.second@unique.example")
    for name in ("Ann One", "Bob Two", "Cy Three"):
        tieline(db_url, "people", "add", name)
    assert tieline(db_url, "people", "merge", "zq@unique.example", "zeb.second@unique.example").code == 0
    assert tieline(db_url, "people", "forget", "zq@unique.example", "--yes").code == 0
    tieline(db_url, "people", "add", "Alice Smith", "--email", "alice1@example.com")
    tieline(db_url, "people", "add", "Alice Smyth", "--email", "alice2@example.com")
    assert tieline(db_url, "people", "merge", "alice1@example.com", "alice2@example.com").code == 0
    run = tieline(db_url, "people", "unmerge")
    assert run.code == 0, run.err
    assert _names(db_url) == ["Alice Smith", "Alice Smyth", "Ann One", "Bob Two", "Cy Three"]
    assert _anywhere(db_url, "quixotic", "unique.example") == []
    # And no other merge can be unmade into the forgotten person either.
    with pytest.raises(NotFound):
        tieline(db_url, "people", "unmerge")


def test_undo_after_forget_leaves_a_later_persons_handle_alone(db_url: str, tmp_path: Path) -> None:
    tieline(db_url, "me", "add", ME)
    first = mbox(tmp_path / "one.mbox", [("zq@unique.example", ME, "a1@x")])
    second = mbox(tmp_path / "two.mbox", [(ME, "zq@unique.example", "b1@x")])
    assert tieline(db_url, "import", str(first), "--json").code == 0
    assert tieline(db_url, "import", str(second), "--json").code == 0
    assert tieline(db_url, "people", "forget", "zq@unique.example", "--yes").code == 0
    tieline(db_url, "people", "add", "Innocent Bystander", "--email", "innocent@example.com")
    run = tieline(db_url, "imports", "undo", "2")
    assert run.code == 0, run.err
    shown = tieline(db_url, "people", "show", "Innocent Bystander", "--json").json()
    assert [h["value"] for h in shown["handles"]] == ["innocent@example.com"]
    assert _anywhere(db_url, "zq@unique.example") == []


def test_undo_never_overwrites_a_person_added_after_a_merge(db_url: str, tmp_path: Path) -> None:
    one = vcards(
        tmp_path / "one.vcf",
        [("Olga Other", "olga@example.com", None), ("Paula Prime", "paula@example.com", None)],
    )
    two = vcards(tmp_path / "two.vcf", [("Paula Prime", "paula@example.com", "1980-02-03")])
    assert tieline(db_url, "import", str(one), "--json").code == 0
    assert tieline(db_url, "import", str(two), "--json").json()["people_updated"] == 1
    assert tieline(db_url, "people", "merge", "olga@example.com", "paula@example.com").code == 0
    tieline(db_url, "people", "add", "Rita Reused", "--email", "rita@example.com")
    with pytest.raises(TielineError, match="merge #1"):  # the merge built on batch 2
        tieline(db_url, "imports", "undo", "2")
    assert _names(db_url) == ["Olga Other", "Rita Reused"]
    run = tieline(db_url, "imports", "undo", "2", "--with-later")
    assert run.code == 0, run.err
    assert _names(db_url) == ["Olga Other", "Paula Prime", "Rita Reused"]
    rita = tieline(db_url, "people", "show", "Rita Reused", "--json").json()
    assert rita["birthday"] is None and [h["value"] for h in rita["handles"]] == ["rita@example.com"]
    paula = tieline(db_url, "people", "show", "Paula Prime", "--json").json()
    assert paula["birthday"] is None and [h["value"] for h in paula["handles"]] == ["paula@example.com"]


def test_an_id_is_never_handed_out_twice(store: Store) -> None:
    from tieline.services import people

    first = people.add(store, people.NewPerson("First", emails=("first@example.com",)))
    people.forget(store, str(first))
    second = people.add(store, people.NewPerson("Second", emails=("second@example.com",)))
    assert second > first


def test_the_migration_to_never_reused_ids_keeps_every_row_and_link(tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    from tieline.store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    upgrade(engine, "0005")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO accounts (id, name, created_at) VALUES (1, 'me', '2024-01-01')"))
        conn.execute(
            text(
                "INSERT INTO people (id, account_id, name, created_at, updated_at) VALUES (7, 1, 'Ada', '2024-01-01', '2024-01-01')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO handles (id, account_id, person_id, kind, value) VALUES (3, 1, 7, 'email', 'ada@example.com')"
            )
        )
    engine.dispose()
    store = Store(url)
    with store.read() as conn:
        assert conn.execute(text("SELECT person_id FROM handles")).scalars().all() == [7]
        sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'people'")).scalar_one()
        assert "AUTOINCREMENT" in sql and "ON DELETE SET NULL" in sql
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    from tieline.services import people

    assert people.add(store, people.NewPerson("Bea")) == 8
    store.dispose()
