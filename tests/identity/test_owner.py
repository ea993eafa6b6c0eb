"""Who "me" is decides who wrote to whom: setting it late re-reads what is stored, and it can be taken back."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from tests.cli import tieline
from tests.corpora import FIXTURES
from tieline.store import tables as t
from tieline.store.db import Store

TAKEOUT = FIXTURES / "mbox" / "gmail_takeout.mbox"
LINKEDIN_MESSAGES = FIXTURES / "linkedin_messages" / "messages.csv"


def messenger(root: Path) -> str:
    """One Messenger thread: Grace wrote twice, the owner (Ada) answered once."""
    folder = root / "inbox" / "grace_1"
    folder.mkdir(parents=True)
    messages = [
        {"sender_name": "Grace Hopper", "timestamp_ms": 1654320700000, "content": "hi", "type": "Generic"},
        {"sender_name": "Ada Lovelace", "timestamp_ms": 1654320800000, "content": "hello", "type": "Generic"},
        {"sender_name": "Grace Hopper", "timestamp_ms": 1654320900000, "content": "bye", "type": "Generic"},
    ]
    body = {
        "participants": [{"name": "Grace Hopper"}, {"name": "Ada Lovelace"}],
        "messages": messages[::-1],
        "title": "Grace Hopper",
        "thread_path": "inbox/grace_1",
    }
    (folder / "message_1.json").write_text(json.dumps(body), encoding="utf-8")
    return str(root)


def _people(db: str) -> list[str]:
    with Store(db).read() as conn:
        return sorted(conn.execute(select(t.people.c.name)).scalars())


def _directions(db: str) -> dict[str, int]:
    i = t.interactions
    with Store(db).read() as conn:
        return dict(conn.execute(select(i.c.direction, func.count()).group_by(i.c.direction)).all())  # type: ignore[arg-type]


def test_adding_me_after_a_chat_import_makes_its_messages_outgoing_and_its_people(
    db_url: str, tmp_path: Path
) -> None:
    first = tieline(db_url, "import", messenger(tmp_path), "--json").json()
    assert first["people_created"] == 0 and first["interactions_created"] == 3
    assert any("who you are is not known" in note for note in first["notes"])
    added = tieline(db_url, "me", "add", "facebook:Ada Lovelace")
    assert "1 stored interactions now read as sent by you; 1 people made" in added.out
    assert _people(db_url) == ["Grace Hopper"]
    assert _directions(db_url) == {"in": 2, "out": 1}
    removed = tieline(db_url, "me", "remove", "facebook:Ada Lovelace")
    assert removed.code == 0 and "1 interactions read as incoming again" in removed.out
    assert _directions(db_url) == {"in": 3}
    assert tieline(db_url, "me", "show", "--json").json() == []


def test_re_importing_with_me_fixes_what_the_first_import_stored(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 't.db'}"
    first = tieline(db, "import", str(TAKEOUT), "--json").json()
    before = len(_people(db))
    again = tieline(db, "import", str(TAKEOUT), "--me", "ada@example.com", "--json").json()
    assert again["interactions_created"] == 0 and first["interactions_created"] > 0
    assert len(_people(db)) > before
    assert "Grace Hopper" in _people(db)


def test_undoing_the_me_batch_puts_everything_back(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 't.db'}"
    tieline(db, "import", messenger(tmp_path))
    tieline(db, "me", "add", "facebook:Ada Lovelace")
    batch = tieline(db, "imports", "list", "--json").json()[-1]
    assert batch["source"] == "me"
    assert tieline(db, "imports", "undo", str(batch["batch"])).code == 0
    assert _people(db) == [] and _directions(db) == {"in": 3}
    assert tieline(db, "me", "show", "--json").json() == []


def test_linkedin_messages_without_a_profile_take_the_owner_from_every_conversation(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 't.db'}"
    run = tieline(db, "import", str(LINKEDIN_MESSAGES), "--json")
    assert "linkedin.com/in/adalovelace taken as you" in run.err
    assert tieline(db, "me", "show", "--json").json() == [
        {"kind": "linkedin", "value": "linkedin.com/in/adalovelace"}
    ]
    assert _directions(db) == {"in": 1, "out": 2}
    assert _people(db) == ["Charles Babbage", "Grace Hopper", "Mary Somerville"]
