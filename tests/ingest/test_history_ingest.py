"""History end to end: mail, calendars and chats in, interactions attributed to people out, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, func, select

from tests.cli import tieline
from tests.corpora import FIXTURES, corpus, shared_dir
from tests.ingest.snapshot import snapshot
from tieline.errors import SourceError
from tieline.ingest import history
from tieline.ingest.batch import ImportOptions, run_import
from tieline.records import InteractionRecord, ReadOptions
from tieline.services import imports, me
from tieline.sources import registry
from tieline.sources.mail import mbox
from tieline.store import tables as t
from tieline.store.db import Store

HISTORY = (
    "mbox",
    "maildir",
    "eml",
    "ics",
    "whatsapp",
    "telegram",
    "facebook",
    "signal",
    "android-sms",
    "linkedin",
)
OWNER_ONLY = "no one but the owner took part"


def _history_files() -> list[tuple[str, str]]:
    root = shared_dir() / "data" / "corpora"
    if not root.is_dir():
        return []
    return [
        (kind, str(p.relative_to(root / kind)))
        for kind in HISTORY
        if (root / kind).is_dir()
        for p in sorted((root / kind).rglob("*"))
        if p.is_file() and _claimed(p)
    ]


def _claimed(path: Path) -> bool:
    """Only the files some reader takes: oracles' expected outputs, licences and READMEs are not samples."""
    best, conf = registry.best(path, registry.readers())
    return best is not None and conf >= registry.MIN_CONFIDENCE


def count(store: Store, table: Table) -> int:
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def read_interactions(path: Path) -> int:
    """Distinct interactions the readers yield for a path (the same source key twice is one)."""
    keys: set[str] = set()
    for item in registry.plan([path]):
        for rec in item.reader.read(item.path, ReadOptions()):
            if isinstance(rec, InteractionRecord):
                keys.add(rec.source_key)
    return len(keys)


@pytest.mark.parametrize(("kind", "rel"), _history_files())
def test_every_real_history_sample_imports_every_interaction_it_holds(
    store: Store, kind: str, rel: str
) -> None:
    path = corpus(kind, rel)
    try:
        expected = read_interactions(path)
    except SourceError:
        pytest.skip(f"no reader claims {path.name} (an oracle's expected output, a licence...)")
    # A file with nothing to import (contacts only, or every record skipped with a reason) must
    # still import cleanly: no file-level failure, nothing created.
    result = run_import(store, [path], ImportOptions())
    assert all(e["record"] is not None for e in result.errors), result.errors  # no file-level failure
    owner_only = result.counts.skip_reasons.get(OWNER_ONLY, 0)
    assert result.counts.interactions_created == expected - owner_only
    assert count(store, t.interactions) == expected - owner_only
    again = run_import(store, [path], ImportOptions())
    assert again.counts.interactions_created == 0


def test_a_whole_maildir_and_the_malformed_mail_folder_import_without_stopping(store: Store) -> None:
    maildir = corpus("maildir", "notmuch__notmuch", "test", "corpora", "default")
    malformed = corpus("eml", "stalwartlabs__mail-parser", "resources", "eml", "malformed")
    result = run_import(store, [maildir, malformed], ImportOptions())
    assert result.counts.interactions_created >= 50
    assert result.counts.skipped > 0  # the malformed ones, each with a reason
    assert all(e["record"] is not None for e in result.errors)
    assert imports.listing(store)[-1]["status"] == "done"


# --- unknown senders ---------------------------------------------------------------------------------


def message(frm: str, to: str, when: str, subject: str, msgid: str, extra: str = "") -> str:
    return (
        f"From {frm.split('<')[-1].strip('>')} {when}\n"
        f"From: {frm}\nTo: {to}\nDate: {when}\nSubject: {subject}\nMessage-ID: <{msgid}@example.org>\n"
        f"{extra}\nHello.\n\n"
    )


def write_mbox(path: Path, messages: list[str]) -> Path:
    path.write_text("".join(messages), encoding="utf-8")
    return path


NEWSLETTER = message(
    "Engines Weekly <news@engines.example>",
    "ada@example.com",
    "Mon, 01 Jan 2024 09:00:00 +0000",
    "This week in engines",
    "news1",
    "List-Id: <weekly.engines.example>\nPrecedence: bulk\n",
)
FROM_GRACE = message(
    "Grace Hopper <grace@navy.example>",
    "ada@example.com",
    "Tue, 02 Jan 2024 09:00:00 +0000",
    "Compilers",
    "grace1",
)
TO_GRACE = message(
    "Ada Lovelace <ada@example.com>",
    "Grace Hopper <grace@navy.example>",
    "Wed, 03 Jan 2024 09:00:00 +0000",
    "Re: Compilers",
    "ada1",
    "In-Reply-To: <grace1@example.org>\n",
)


def _names(db_url: str) -> list[str]:
    return [p["name"] for p in tieline(db_url, "people", "list", "--json").json()]


def test_unknown_senders_become_people_only_on_two_way_contact(db_url: str, tmp_path: Path) -> None:
    inbox = write_mbox(tmp_path / "inbox.mbox", [NEWSLETTER, FROM_GRACE])
    first = tieline(db_url, "import", str(inbox), "--json").json()
    assert first["interactions_created"] == 2
    assert first["people_created"] == 0
    assert _names(db_url) == []  # a newsletter and a stranger's one-way mail are not connections
    assert tieline(db_url, "me", "add", "ada@example.com").code == 0
    sent = write_mbox(tmp_path / "sent.mbox", [TO_GRACE])
    second = tieline(db_url, "import", str(sent), "--json").json()
    assert second["people_created"] == 1
    assert _names(db_url) == ["Grace Hopper"]
    grace = tieline(db_url, "people", "show", "grace@navy.example", "--json").json()
    assert grace["interactions_total"] == 2  # her earlier mail to me followed her
    assert [(i["direction"], i["subject"]) for i in grace["interactions"]] == [
        ("out", "Re: Compilers"),
        ("in", "Compilers"),
    ]
    # Importing the inbox again with the owner known still makes no person of the newsletter.
    tieline(db_url, "import", str(inbox), "--json")
    assert _names(db_url) == ["Grace Hopper"]


def test_create_people_makes_a_person_of_every_sender(db_url: str, tmp_path: Path) -> None:
    inbox = write_mbox(tmp_path / "inbox.mbox", [NEWSLETTER, FROM_GRACE])
    tieline(db_url, "me", "add", "ada@example.com")
    result = tieline(db_url, "import", str(inbox), "--create-people", "--json").json()
    assert result["people_created"] == 2
    assert _names(db_url) == ["Engines Weekly", "Grace Hopper"]


def test_a_declined_attendee_is_not_a_participant_and_a_room_never_becomes_a_person(
    db_url: str,
) -> None:
    ics = FIXTURES / "ics" / "google.ics"
    assert tieline(db_url, "me", "add", "ada@example.com").code == 0
    assert tieline(db_url, "import", str(ics), "--create-people", "--json").code == 0
    people = tieline(db_url, "people", "list", "--json").json()
    values = {h["value"] for p in people for h in p["handles"]}
    names = {p["name"] for p in people}
    assert "grace@example.org" in values
    assert not any("calendar.google.com" in v or v == "bigroom@example.org" for v in values)
    assert not any("room" in n.casefold() for n in names)
    # Alan declined the planning meeting (he accepted another one): he is not among its participants.
    alan = next(p for p in people if "alan@example.net" in {h["value"] for h in p["handles"]})
    shown = tieline(db_url, "people", "show", f"#{alan['id']}", "--json", "--limit", "0").json()
    assert shown["interactions"]
    assert all(not (i["subject"] or "").startswith("Planning") for i in shown["interactions"])


def test_a_forgotten_correspondent_and_their_mail_stay_gone_after_a_reimport(
    db_url: str, tmp_path: Path
) -> None:
    tieline(db_url, "me", "add", "ada@example.com")
    mail = write_mbox(tmp_path / "mail.mbox", [FROM_GRACE, TO_GRACE])
    tieline(db_url, "import", str(mail), "--json")
    assert tieline(db_url, "people", "forget", "Grace Hopper", "--yes").code == 0
    again = tieline(db_url, "import", str(mail), "--json").json()
    assert again["people_created"] == 0 and again["interactions_created"] == 0
    assert _names(db_url) == []


# --- timeline ----------------------------------------------------------------------------------------

MEETING = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//tieline tests//EN
BEGIN:VEVENT
UID:lunch-1@example.org
DTSTART:20240215T120000Z
DTEND:20240215T130000Z
ORGANIZER;CN=Ada Lovelace:mailto:ada@example.com
ATTENDEE;PARTSTAT=ACCEPTED;CN=Grace Hopper:mailto:grace@navy.example
SUMMARY:Lunch
END:VEVENT
END:VCALENDAR
"""


def test_people_show_lists_interactions_across_sources_newest_first(db_url: str, tmp_path: Path) -> None:
    tieline(db_url, "me", "add", "ada@example.com")
    mail = write_mbox(tmp_path / "mail.mbox", [FROM_GRACE, TO_GRACE])
    cal = tmp_path / "cal.ics"
    cal.write_text(MEETING, encoding="utf-8")
    tieline(db_url, "import", str(cal), "--json")
    tieline(db_url, "import", str(mail), "--json")
    grace = tieline(db_url, "people", "show", "Grace Hopper", "--json").json()
    timeline = [(i["when"][:10], i["channel"]) for i in grace["interactions"]]
    assert timeline == [("2024-02-15", "meeting"), ("2024-01-03", "email"), ("2024-01-02", "email")]


# --- resume ------------------------------------------------------------------------------------------


def _many(path: Path, n: int) -> Path:
    msgs = [
        message(
            f"Person {i} <p{i}@corp.example>",
            "ada@example.com",
            f"Mon, 01 Jan 2024 {i // 60:02d}:{i % 60:02d}:00 +0000",
            f"note {i}",
            f"m{i}",
        )
        for i in range(n)
    ]
    return write_mbox(path, msgs)


def _content(store: Store) -> dict[str, Any]:
    """What a database says, without ids (a rolled-back chunk may burn sequence numbers)."""
    with store.read() as conn:
        return {
            "people": sorted(conn.execute(select(t.people.c.name)).scalars()),
            "handles": sorted(
                conn.execute(
                    select(t.handles.c.kind, t.handles.c.value, t.handles.c.person_id.is_(None))
                ).all()
            ),
            "interactions": sorted(
                conn.execute(select(t.interactions.c.source_key, t.interactions.c.subject)).all()
            ),
            "participants": count(store, t.participants),
        }


def test_an_interrupted_import_keeps_its_chunks_and_a_second_run_completes_it(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _many(tmp_path / "big.mbox", 57)
    monkeypatch.setattr(history, "CHUNK", 10)
    real_read = mbox.read

    def interrupted(p: Path, options: ReadOptions) -> Iterator[object]:
        for n, rec in enumerate(real_read(p, options)):
            if n == 35:
                raise KeyboardInterrupt
            yield rec

    store = Store(db_url)
    try:
        me.add(store, "ada@example.com")
        monkeypatch.setattr(mbox, "read", interrupted)
        with pytest.raises(KeyboardInterrupt):
            run_import(store, [path], ImportOptions(create_people=True))
        assert count(store, t.interactions) == 30  # three whole chunks, not the half-written fourth
        interrupted_batch = imports.listing(store)[-1]
        assert interrupted_batch["status"] == "interrupted"
        monkeypatch.setattr(mbox, "read", real_read)
        resumed = run_import(store, [path], ImportOptions(create_people=True))
        # The same batch goes on, and its counts are the batch's: 30 from the first run, 27 from this one.
        assert resumed.batch == interrupted_batch["batch"]
        assert resumed.counts.interactions_created == 57
        assert count(store, t.interactions) == 57
        assert count(store, t.people) == 57
        resumed_content = _content(store)
        again = run_import(store, [path], ImportOptions(create_people=True))
        assert again.counts.interactions_created == 0
        assert _content(store) == resumed_content
    finally:
        store.dispose()
    fresh = Store(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        me.add(fresh, "ada@example.com")
        run_import(fresh, [path], ImportOptions(create_people=True))
        assert _content(fresh) == resumed_content
    finally:
        fresh.dispose()


def test_undo_of_an_interrupted_batch_and_its_resumption_leaves_nothing(store: Store, tmp_path: Path) -> None:
    empty = snapshot(store)
    path = _many(tmp_path / "big.mbox", 12)
    result = run_import(store, [path], ImportOptions(create_people=True))
    imports.undo(store, result.batch)
    assert snapshot(store) == empty


# --- phone logs ----------------------------------------------------------------------------------------


def test_a_csv_call_log_is_attributed_to_the_person_with_that_number_and_reimporting_changes_nothing(
    db_url: str,
) -> None:
    log = FIXTURES / "phonelog_csv" / "calllog-android.csv"
    assert tieline(db_url, "people", "add", "Grace Hopper", "--phone", "+447700900123").code == 0
    first = tieline(db_url, "import", str(log), "--json").json()
    assert first["interactions_created"] == 5
    grace = tieline(db_url, "people", "show", "Grace Hopper", "--json").json()
    assert [(i["channel"], i["direction"], i["duration_s"]) for i in grace["interactions"]] == [
        ("call", "in", 0),  # rejected: no talk time
        ("call", "out", 30),
        ("call", "in", 125),
    ]
    again = tieline(db_url, "import", str(log), "--json").json()
    assert again["interactions_created"] == 0 and again["people_created"] == 0
    assert (
        tieline(db_url, "people", "show", "Grace Hopper", "--json").json()["interactions"]
        == grace["interactions"]
    )
