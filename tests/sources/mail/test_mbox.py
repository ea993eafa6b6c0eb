"""The mbox reader: Gmail Takeout, Thunderbird, mutt, and the real samples."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.corpora import FIXTURES, corpus
from tieline.errors import SourceError
from tieline.records import InteractionRecord, ReadOptions, Record, Skipped
from tieline.sources.mail import mbox

MBOX = FIXTURES / "mbox"


def read(path: Path, **options: object) -> list[Record]:
    return list(mbox.read(path, ReadOptions(**options)))  # type: ignore[arg-type]


def interactions(records: list[Record]) -> list[InteractionRecord]:
    return [r for r in records if isinstance(r, InteractionRecord)]


def emails(people: object) -> list[str]:
    return [p.handles[0].value for p in people]  # type: ignore[attr-defined]


def test_sniff_claims_mbox_files_and_nothing_else() -> None:
    assert mbox.sniff(MBOX / "gmail_takeout.mbox") >= 0.9
    assert mbox.sniff(MBOX / "thunderbird.mbox") >= 0.9
    assert mbox.sniff(FIXTURES / "eml" / "single.eml") == 0.0
    assert mbox.sniff(FIXTURES / "ics" / "google.ics") == 0.0
    assert mbox.sniff(MBOX) == 0.0
    assert mbox.sniff(MBOX / "missing.mbox") == 0.0


def test_reads_the_gmail_takeout_skipping_drafts_spam_and_trash() -> None:
    records = read(MBOX / "gmail_takeout.mbox")
    assert len(records) == 9
    skipped = [r for r in records if isinstance(r, Skipped)]
    assert [(s.record, s.reason) for s in skipped] == [
        ("message 3", "Gmail label Draft"),
        ("message 4", "Gmail label Spam"),
        ("message 5", "Gmail label Trash"),
    ]
    found = interactions(records)
    assert [r.source_key for r in found] == [
        "mid:engine-1@example.org",
        "mid:engine-2@example.com",
        "mid:promo-1@shop.example",
        "mid:list-1@example.edu",
        "mid:nodate-1@example.com",
        "mid:allhands-1@example.com",
    ]
    assert [r.bulk for r in found] == [False, False, True, True, False, True]


def test_an_unquoted_from_line_in_a_body_does_not_split_the_message() -> None:
    first = interactions(read(MBOX / "gmail_takeout.mbox"))[0]
    assert first.when == datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
    assert first.sender is not None and emails([first.sender]) == ["grace@example.org"]
    assert emails(first.participants) == ["ada@example.com"]
    assert first.thread == "gm:1790000000000000001"


def test_a_reply_keeps_its_thread_and_the_message_it_answers() -> None:
    reply = interactions(read(MBOX / "gmail_takeout.mbox"))[1]
    assert reply.sender is not None and reply.sender.name == "Lovelace, Ada"
    assert emails(reply.participants) == ["grace@example.org", "alan@example.net"]
    assert reply.participants[1].name == "Alan Türing"
    assert reply.in_reply_to == "engine-1@example.org"
    assert reply.thread == "gm:1790000000000000001"
    assert reply.group_size == 3


def test_a_message_without_date_takes_the_postmark_time() -> None:
    undated = interactions(read(MBOX / "gmail_takeout.mbox"))[4]
    assert undated.when == datetime(2024, 1, 4, 18, 30, tzinfo=UTC)


def test_twenty_people_on_a_message_make_it_bulk() -> None:
    allhands = interactions(read(MBOX / "gmail_takeout.mbox"))[5]
    assert len(allhands.participants) == 19 and allhands.group_size == 20 and allhands.bulk


def test_reads_thunderbird_with_crlf_line_ends() -> None:
    found = interactions(read(MBOX / "thunderbird.mbox"))
    assert [(r.source_key, r.when) for r in found] == [
        ("mid:tb-1@example.net", datetime(2024, 2, 3, 14, 0, tzinfo=UTC)),
        ("mid:tb-2@example.com", datetime(2024, 2, 4, 10, 0, tzinfo=UTC)),
    ]
    assert emails(found[1].participants) == ["alan@example.net"]
    assert found[1].thread == "tb-1@example.net"


def test_reads_mutt_with_content_length_groups_and_comment_names() -> None:
    found = interactions(read(MBOX / "mutt.mbox"))
    assert len(found) == 2
    first, second = found
    assert first.sender is not None and first.sender.name == "Grace Hopper"
    assert [(p.name, p.handles[0].value) for p in first.participants] == [
        (None, "ada@example.com"),
        ("Turing, Alan", "alan@example.net"),
    ]
    assert first.subject == "café tomorrow"
    assert second.source_key.startswith("mail:")
    assert second.thread == "200203070049.1@example.org"


def test_rereading_gives_the_same_keys() -> None:
    keys = [getattr(r, "source_key", None) for r in read(MBOX / "mutt.mbox")]
    assert keys == [getattr(r, "source_key", None) for r in read(MBOX / "mutt.mbox")]


def test_sent_senders_proposes_the_owner() -> None:
    assert mbox.sent_senders(MBOX / "gmail_takeout.mbox") == Counter({"ada@example.com": 2})


def test_a_file_that_is_not_an_mbox_is_a_source_error(tmp_path: Path) -> None:
    bad = tmp_path / "notes.mbox"
    bad.write_text("Subject: hello\n\nnot an mbox\n")
    with pytest.raises(SourceError, match="not an mbox"):
        read(bad)
    empty = tmp_path / "empty.mbox"
    empty.write_bytes(b"")
    assert read(empty) == []


def test_messages_larger_than_the_read_chunk_are_split_correctly(tmp_path: Path) -> None:
    big = b"x" * 100 + b"\n"
    parts = []
    for i in range(5):
        parts.append(
            b"From a@example.com Mon Jan  1 00:00:00 2024\n"
            + b"Date: Mon, 1 Jan 2024 00:00:%02d +0000\nFrom: a@example.com\nTo: b@example.com\n" % i
            + b"Message-ID: <big-%d@example.com>\n\n" % i
            + big * (30000 + i * 7)
        )
    path = tmp_path / "big.mbox"
    path.write_bytes(b"\n".join(parts))
    found = interactions(read(path))
    assert [r.source_key for r in found] == [f"mid:big-{i}@example.com" for i in range(5)]


def test_reads_the_real_mailman_list_archive() -> None:
    found = interactions(read(corpus("mbox", "Ihmor__Google-Email-History", "test.mbox")))
    assert len(found) == 11
    assert all(r.bulk for r in found)  # Precedence: bulk
    assert all(len(r.participants) == 1 for r in found)
    senders = Counter(r.sender.handles[0].value for r in found if r.sender)
    assert senders == Counter({"touch@ISI.EDU": 7, "touch-mm@ISI.EDU": 4})
    assert found[0].when == datetime(2002, 3, 7, 0, 49, 39, tzinfo=UTC)
    assert found[0].source_key == "mid:200203070049.g270ndl13297@boreas.isi.edu"


def test_reads_the_real_neomutt_mbox() -> None:
    records = read(corpus("mbox", "neomutt__test-library", "test.mbox"))
    assert len(records) == 1
    (only,) = interactions(records)
    assert only.sender is not None and emails([only.sender]) == ["rich@flatcap.org"]
    assert emails(only.participants) == ["test@example.com"]
    assert only.when == datetime(2018, 7, 13, 19, 43, 24, tzinfo=UTC)


def test_mboxcl2_content_length_keeps_an_unquoted_from_line_inside_its_body() -> None:
    records = read(MBOX / "mboxcl2.mbox")
    assert [getattr(r, "source_key", None) for r in records] == [
        "mid:cl2-1@example.org",
        "mid:cl2-2@example.org",
    ]


def test_a_wrong_content_length_changes_nothing_and_a_last_body_may_hold_a_from_line(tmp_path: Path) -> None:
    body = b"quoted:\nFrom x@example.org Mon Jan  1 00:00:00 2024\nDate: x\n\nend\n"
    head = b"From a@example.org Tue Mar  5 10:00:00 2024\nDate: Tue, 5 Mar 2024 10:00:00 +0000\n"
    head += b"From: a@example.org\nTo: b@example.org\n"
    exact = tmp_path / "exact.mbox"
    exact.write_bytes(head + b"Content-Length: %d\n\n" % len(body) + body)
    assert len(read(exact)) == 1
    wrong = tmp_path / "wrong.mbox"
    wrong.write_bytes(head + b"Content-Length: 3\n\n" + body)
    assert len(read(wrong)) == 2  # the unquoted line splits, as in mboxo


TB_MESSAGE = (
    b"From - Sat Feb 03 14:00:00 2024\r\nX-Mozilla-Status: 0001\r\nDate: Sat, 3 Feb 2024 15:00:00 +0100\r\n"
    b"From: Ada Lovelace <ada@example.com>\r\nTo: Alan Turing <alan@example.net>\r\n"
    b"Message-ID: <%s@example.com>\r\n\r\nbody\r\n\r\n"
)


def test_thunderbird_trash_drafts_and_junk_files_are_skipped_whole(tmp_path: Path) -> None:
    profile = tmp_path / "Local Folders"
    (profile / "Inbox.sbd").mkdir(parents=True)
    for name in ("Trash", "Drafts", "Junk", "Templates", "Unsent Messages", "Inbox.sbd/Papierkorb"):
        (profile / name).write_bytes(TB_MESSAGE % b"t1" + TB_MESSAGE % b"t2")
        records = read(profile / name)
        folder = name.rsplit("/", 1)[-1].lower()
        assert records == [
            Skipped(str(profile / name), "message 1", f"in folder {folder}"),
            Skipped(str(profile / name), "message 2", f"in folder {folder}"),
        ]
    (profile / "Archives").write_bytes(TB_MESSAGE % b"a1")
    assert [r.source_key for r in interactions(read(profile / "Archives"))] == ["mid:a1@example.com"]


def test_an_apple_mail_export_folder_is_read_through_its_mbox_file(tmp_path: Path) -> None:
    from tieline.sources import registry

    export = tmp_path / "Sent Messages.mbox"
    export.mkdir()
    (export / "mbox").write_bytes(TB_MESSAGE.replace(b"\r\n", b"\n") % b"s1")
    (export / "Info.plist").write_text('<?xml version="1.0"?>\n<plist version="1.0"><dict/></plist>\n')
    (export / "table_of_contents").write_bytes(b"\x00\x01binary")
    planned = list(registry.plan([export]))
    assert [(p.reader.NAME, p.path.name) for p in planned] == [("mbox", "mbox")]
    assert mbox.folder_name(export / "mbox") == "Sent Messages"
    assert mbox.sent_senders(export / "mbox") == Counter({"ada@example.com": 1})
    trash = tmp_path / "Deleted Messages.mbox"
    trash.mkdir()
    (trash / "mbox").write_bytes(TB_MESSAGE % b"d1")
    assert [r.reason for r in read(trash / "mbox") if isinstance(r, Skipped)] == [
        "in folder deleted messages"
    ]
