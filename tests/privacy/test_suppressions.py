"""Suppressions remember a forgotten handle by a keyed hash; SQLite overwrites what it deletes."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, select, text

from tests.cli import tieline
from tests.privacy.residue import hits
from tieline.store import tables as t
from tieline.store.db import Store
from tieline.store.migrate import upgrade

CARD = "BEGIN:VCARD\nVERSION:3.0\nFN:Zebulon Quixote\nEMAIL:zq-secret@example.org\nTEL:+44 7700 900123\nEND:VCARD\n"


def test_a_forgotten_handle_is_kept_as_a_keyed_hash_and_still_keeps_them_out(
    db_url: str, tmp_path: Path
) -> None:
    card = tmp_path / "x.vcf"
    card.write_text(CARD, encoding="utf-8")
    tieline(db_url, "import", str(card))
    assert tieline(db_url, "people", "forget", "Zebulon", "--yes").code == 0
    store = Store(db_url)
    with store.read() as conn:
        rows = conn.execute(select(t.suppressions.c.kind, t.suppressions.c.value)).all()
        key = conn.execute(select(t.accounts.c.hash_key)).scalar_one()
    store.dispose()
    assert sorted(kind for kind, _ in rows) == ["email", "phone", "source"]
    assert all(len(value) == 64 and "zq" not in value and "7700" not in value for _, value in rows)
    assert len(key) == 64
    again = tieline(db_url, "import", str(card), "--json").json()
    assert again["people_created"] == 0
    assert tieline(db_url, "people", "list", "--json").json() == []


def test_adding_a_forgotten_handle_by_hand_lets_imports_bring_it_back(db_url: str, tmp_path: Path) -> None:
    card = tmp_path / "x.vcf"
    card.write_text(CARD, encoding="utf-8")
    tieline(db_url, "import", str(card))
    tieline(db_url, "people", "forget", "Zebulon", "--yes")
    assert tieline(db_url, "people", "add", "Zeb", "--email", "zq-secret@example.org").code == 0
    store = Store(db_url)
    with store.read() as conn:
        kinds = sorted(conn.execute(select(t.suppressions.c.kind)).scalars())
    store.dispose()
    assert kinds == ["phone", "source"]


def test_the_migration_hashes_suppressions_an_older_version_stored_in_plain(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    upgrade(engine, "0004")
    with engine.begin() as conn:
        conn.execute(text("insert into accounts (id, name, created_at) values (1, 'me', '2024-01-01')"))
        conn.execute(
            text(
                "insert into suppressions (account_id, kind, value, created_at) values "
                "(1, 'email', 'zq-secret@example.org', '2024-01-01')"
            )
        )
    engine.dispose()
    card = tmp_path / "x.vcf"
    card.write_text(CARD, encoding="utf-8")
    assert tieline(url, "import", str(card), "--json").json()["people_created"] == 0
    assert hits(url, ["zq-secret"]) == {}


def test_sqlite_overwrites_deleted_content(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'x.db'}")
    with store.read() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    store.dispose()
