"""Before an import: propose "me" from the Sent mail; flag chat exports whose date order is ambiguous."""

from __future__ import annotations

from pathlib import Path

from tests.cli import tieline
from tests.corpora import FIXTURES
from tieline.services import imports
from tieline.store.db import Store

TAKEOUT = FIXTURES / "mbox" / "gmail_takeout.mbox"
AMBIGUOUS = FIXTURES / "whatsapp" / "ambiguous.txt"


def test_the_most_frequent_sender_of_sent_mail_is_proposed_as_me(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'x.db'}")
    asked = imports.questions(store, [TAKEOUT], None, None)
    assert asked["me"] and "@" in asked["me"]
    run = tieline(f"sqlite:///{tmp_path / 'x.db'}", "import", str(TAKEOUT))
    assert f"--me {asked['me']}" in run.err


def test_nothing_is_proposed_once_me_is_known(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    tieline(db, "me", "add", "someone@example.com")
    assert imports.questions(Store(db), [TAKEOUT], None, None)["me"] is None


def test_an_ambiguous_chat_export_is_flagged_unless_the_order_is_given(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'x.db'}")
    assert imports.questions(store, [AMBIGUOUS], None, None)["ambiguous_dates"] == [str(AMBIGUOUS)]
    assert imports.questions(store, [AMBIGUOUS], None, True)["ambiguous_dates"] == []
