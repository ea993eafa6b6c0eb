"""`people forget` leaves no byte of the person behind: not in the database, its -wal or -shm, nor a PostgreSQL dump."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from tests.cli import tieline
from tests.privacy.residue import hits, sqlite_path

# Everything that would identify the forgotten person, as it could be stored.
TRACES = ["Zebulon", "Quixote", "zq-secret", "zq-work", "7700900123", "900123", "marmalade-7731"]

CARDS = """BEGIN:VCARD
VERSION:3.0
FN:Zebulon Quixote
N:Quixote;Zebulon;;;
EMAIL;TYPE=home:zq-secret@example.org
TEL;TYPE=cell:+44 7700 900123
ORG:Windmill Works
NOTE:loves marmalade-7731
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Ada Lovelace
EMAIL:ada@example.com
NOTE:a friend who stays
END:VCARD
"""

SECOND_CARD = """BEGIN:VCARD
VERSION:3.0
FN:Zeb Quixote
EMAIL:zq-work@example.net
NOTE:second card marmalade-7731
END:VCARD
"""


def _mail(sender: str, to: str, when: str, msgid: str, subject: str) -> str:
    return (
        f"From {sender.split('<')[-1].rstrip('>')} {when}\n"
        f"From: {sender}\nTo: {to}\nSubject: {subject}\n"
        f"Date: Mon, 01 Jan 2024 {when[-13:-5]} +0000\nMessage-ID: <{msgid}@example.org>\n\nhello\n\n"
    )


def _contacts(db: str, tmp_path: Path) -> None:
    cards = tmp_path / "contacts.vcf"
    cards.write_text(CARDS, encoding="utf-8")
    assert tieline(db, "import", str(cards)).code == 0
    assert tieline(db, "log", "zebulon", "talked about marmalade-7731").code == 0
    assert tieline(db, "people", "edit", "zebulon", "--note", "owes me marmalade-7731 jar").code == 0
    assert tieline(db, "who", "marmalade").code == 0  # builds the full-text index of people


def _forget(db: str) -> str:
    run = tieline(db, "people", "forget", "Zebulon", "--yes")
    assert run.code == 0, run.err
    assert tieline(db, "people", "list", "--json").json()[0]["name"] == "Ada Lovelace"
    return run.out + run.err


def test_forgetting_leaves_no_trace_in_any_file(db_url: str, tmp_path: Path) -> None:
    _contacts(db_url, tmp_path)
    assert hits(db_url, TRACES)  # the words are there to be found before
    _forget(db_url)
    assert hits(db_url, TRACES) == {}
    assert hits(db_url, ["Ada Lovelace", "stays"])  # and the others are still there


def test_forgetting_someone_merged_from_two_cards_leaves_no_trace(db_url: str, tmp_path: Path) -> None:
    _contacts(db_url, tmp_path)
    second = tmp_path / "second.vcf"
    second.write_text(SECOND_CARD, encoding="utf-8")
    assert tieline(db_url, "import", str(second)).code == 0
    assert tieline(db_url, "people", "merge", "Zebulon Quixote", "Zeb Quixote").code == 0
    _forget(db_url)
    assert hits(db_url, TRACES) == {}


def test_forgetting_someone_an_import_promoted_from_a_sender_leaves_no_trace(
    db_url: str, tmp_path: Path
) -> None:
    assert tieline(db_url, "me", "add", "me@example.com").code == 0
    assert tieline(db_url, "people", "add", "Ada Lovelace", "--email", "ada@example.com").code == 0
    x = "Zebulon Quixote <zq-secret@example.org>"
    inbound = tmp_path / "inbox.mbox"
    inbound.write_text(
        _mail(x, "me@example.com", "Mon Jan  1 10:00:00 2024", "a1", "windmills")
        + _mail(x, "me@example.com", "Mon Jan  1 11:00:00 2024", "a2", "more windmills"),
        encoding="utf-8",
    )
    assert tieline(db_url, "import", str(inbound)).code == 0  # one-way: a handle, nobody yet
    reply = tmp_path / "sent.mbox"
    reply.write_text(
        _mail("Me <me@example.com>", x, "Mon Jan  1 12:00:00 2024", "a3", "re"), encoding="utf-8"
    )
    assert tieline(db_url, "import", str(reply)).code == 0  # two-way: promoted to a person
    assert tieline(db_url, "people", "show", "zebulon", "--json").json()["name"] == "Zebulon Quixote"
    _forget(db_url)
    assert hits(db_url, TRACES) == {}


def test_forgetting_while_another_program_has_the_database_open_leaves_no_trace(
    db_url: str, tmp_path: Path
) -> None:
    _contacts(db_url, tmp_path)
    viewer = create_engine(db_url, poolclass=NullPool).connect()  # a viewer: connected, has read, idle
    viewer.exec_driver_sql("select count(*) from people").scalar()
    viewer.commit()
    reader = create_engine(db_url, poolclass=NullPool).connect()  # a second tieline in the middle of a read
    reader.exec_driver_sql("select count(*) from people").scalar()
    finish = threading.Timer(1.0, reader.rollback)
    finish.start()
    said = _forget(db_url)
    finish.join()
    assert "another program" not in said
    assert hits(db_url, TRACES) == {}
    reader.close()
    viewer.close()


def test_a_reader_in_the_middle_of_reading_delays_the_wipe_and_maintenance_finishes_it(
    tmp_path: Path,
) -> None:
    db = f"sqlite:///{tmp_path / 'tieline.db'}"
    _contacts(db, tmp_path)
    reader = sqlite3.connect(sqlite_path(db))
    reader.execute("begin")
    reader.execute("select count(*) from people").fetchone()  # holds a snapshot from before the forget
    said = _forget(db)
    assert "another program holds the database open; close it and run `tieline maintenance`" in " ".join(
        said.split()
    )
    reader.rollback()
    reader.close()
    run = tieline(db, "maintenance")
    assert run.code == 0, run.err
    assert hits(db, TRACES) == {}


def test_maintenance_wipes_on_either_backend_and_says_so(db_url: str, tmp_path: Path) -> None:
    _contacts(db_url, tmp_path)
    _forget(db_url)
    run = tieline(db_url, "maintenance")
    assert run.code == 0, run.err
    assert run.out.strip() == "Done: nothing of what was deleted is left in the database files."
    assert hits(db_url, TRACES) == {}
    assert tieline(db_url, "people", "list", "--json").json()[0]["name"] == "Ada Lovelace"
