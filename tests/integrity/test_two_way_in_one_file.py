"""Issue 9, defect 4: a message from someone followed by your reply in the same file attaches to them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from tests.cli import tieline
from tests.integrity.files import ME, mbox
from tieline.store import tables as t
from tieline.store.db import Store


def test_an_inbound_message_and_the_owners_reply_in_one_file_both_belong_to_the_sender(
    db_url: str, tmp_path: Path
) -> None:
    path = mbox(tmp_path / "twoway.mbox", [("ann@example.com", ME, "q@x"), (ME, "ann@example.com", "r@x")])
    assert tieline(db_url, "import", str(path), "--me", ME, "--json").code == 0
    shown = tieline(db_url, "people", "show", "ann@example.com", "--json").json()
    assert shown["interactions_total"] == 2


def test_no_participant_of_a_promoted_sender_is_left_unattached(db_url: str, tmp_path: Path) -> None:
    messages = []
    for i in range(3000):
        who = f"p{i % 400}@example.com"
        messages.append((who, ME, f"in{i}@x") if i % 7 else (ME, who, f"out{i}@x"))
    path = mbox(tmp_path / "many.mbox", messages)
    assert tieline(db_url, "import", str(path), "--me", ME, "--json").code == 0
    store = Store(db_url)
    h, pa = t.handles, t.participants
    with store.read() as conn:
        loose = conn.execute(
            select(func.count())
            .select_from(pa.join(h, h.c.id == pa.c.handle_id))
            .where(h.c.person_id.is_not(None), pa.c.person_id.is_(None))
        ).scalar_one()
        people = conn.execute(select(func.count()).select_from(t.people)).scalar_one()
    store.dispose()
    assert (loose, people) == (0, 400)
