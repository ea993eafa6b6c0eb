"""The Maildir reader: cur/new, Maildir++ folders, flags, and notmuch's real corpus."""

from __future__ import annotations

import shutil
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from tests.corpora import FIXTURES, corpus
from tieline.records import InteractionRecord, ReadOptions, Record, Skipped
from tieline.sources.mail import maildir

MAIL = FIXTURES / "maildir" / "mail"


def read(path: Path) -> list[Record]:
    return list(maildir.read(path, ReadOptions()))


def test_sniff_claims_maildirs_but_not_files_or_plain_folders() -> None:
    assert maildir.sniff(MAIL) == 0.9
    assert maildir.sniff(MAIL / "cur" / "1719824400.M1P1.host:2,S") == 0.0
    assert maildir.sniff(FIXTURES / "eml" / "folder") == 0.0
    assert maildir.sniff(FIXTURES / "maildir") == 0.7  # a folder holding only maildirs


def test_maildir_plus_plus_folders_and_flags_decide_what_is_skipped() -> None:
    records = read(MAIL)
    skipped = {r.record: r.reason for r in records if isinstance(r, Skipped)}
    assert skipped == {
        ".Drafts/cur/1720342800.M7P7.host:2,DS": "draft (maildir flag D)",
        ".Junk/cur/1720515600.M10P10.host:2,": "in folder junk",
        ".Trash/cur/1720429200.M8P8.host:2,S": "in folder trash",
        "cur/1719997200.M3P3.host:2,ST": "trashed (maildir flag T)",
    }
    found = [r for r in records if isinstance(r, InteractionRecord)]
    assert sorted(r.source_key for r in found) == [
        "mid:md-1@example.org",
        "mid:md-2@example.net",
        "mid:md-4@example.com",
        "mid:md-5@example.com",
        "mid:md-6@example.com",
    ]  # tmp/ and dovecot files are never read
    assert len(records) == 9


def test_flags_and_folders_are_read_from_names() -> None:
    assert maildir.flags_of("1719997200.M3P3.host:2,ST") == "ST"
    assert maildir.flags_of("1719997200.M3P3.host!2,S") == "S"
    assert maildir.flags_of("1719910800.M2P2.host") == ""
    assert maildir.folder_of(MAIL, MAIL / ".INBOX.Sent" / "cur" / "x") == "INBOX/Sent"


def test_sent_senders_proposes_the_owner() -> None:
    assert maildir.sent_senders(MAIL) == Counter({"ada@example.com": 3})


def test_a_maildir_whose_empty_folders_were_lost_is_still_a_maildir(tmp_path: Path) -> None:
    box = tmp_path / "box"
    (box / "cur").mkdir(parents=True)
    shutil.copy(MAIL / "cur" / "1719824400.M1P1.host:2,S", box / "cur")
    assert maildir.sniff(box) == 0.9
    assert [getattr(r, "source_key", None) for r in read(box)] == ["mid:md-1@example.org"]


def test_reads_notmuchs_default_corpus() -> None:
    root = corpus("maildir", "notmuch__notmuch", "test", "corpora", "default")
    assert maildir.sniff(root) == 0.9
    records = read(root)
    found = [r for r in records if isinstance(r, InteractionRecord)]
    assert len(records) == len(found) == 53
    assert len({r.source_key for r in found}) == 52  # one message is stored twice
    assert sum(len(r.participants) for r in found) == 55
    assert sum(r.bulk for r in found) == 9  # the messages that kept their List-Id
    senders = Counter(r.sender.handles[0].value for r in found if r.sender)
    assert senders.most_common(2) == [("cworth@cworth.org", 12), ("keithp@keithp.com", 7)]
    first = found[0]
    assert first.source_key == "mid:1258471718-6781-1-git-send-email-dottedmag@dottedmag.net"
    assert first.when == datetime(2009, 11, 17, 15, 28, 37, tzinfo=UTC)


def test_reads_neomutts_maildir_message() -> None:
    root = corpus("mbox", "neomutt__test-library", "test.maildir")
    (only,) = read(root)
    assert isinstance(only, InteractionRecord)
    assert only.sender is not None and only.sender.handles[0].value == "rich@flatcap.org"
    assert only.participants == ()  # a note to self
    assert only.when == datetime(2018, 6, 21, 9, 1, 58, tzinfo=UTC)


def test_an_undated_message_takes_its_delivery_time_from_the_file_name(tmp_path: Path) -> None:
    box = tmp_path / "box"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    (box / "cur" / "1719824400.M1P1.host:2,S").write_bytes(
        b"From: grace@example.org\nTo: ada@example.com\nMessage-ID: <undated@example.org>\n\nhi\n"
    )
    (found,) = [r for r in read(box) if isinstance(r, InteractionRecord)]
    assert found.when == datetime(2024, 7, 1, 9, 0, tzinfo=UTC)
    assert maildir.delivered_at("notmuch-01:2,") is None


def test_localized_trash_and_junk_folders_are_skipped(tmp_path: Path) -> None:
    box = tmp_path / "box"
    message = b"Date: Mon, 1 Jul 2024 09:00:00 +0000\nFrom: grace@example.org\nTo: ada@example.com\n\nhi\n"
    for folder in ("", ".Gelöschte Elemente", ".Junk-E-Mail", ".Éléments supprimés", ".INBOX.Templates"):
        for sub in ("cur", "new", "tmp"):
            (box / folder / sub).mkdir(parents=True, exist_ok=True)
        (box / folder / "cur" / "1719824400.M1P1.host:2,S").write_bytes(message)
    records = read(box)
    assert sorted(r.reason for r in records if isinstance(r, Skipped)) == [
        "in folder gelöschte elemente",
        "in folder junk-e-mail",
        "in folder templates",
        "in folder éléments supprimés",
    ]
    assert len([r for r in records if isinstance(r, InteractionRecord)]) == 1
