"""The .eml reader: single messages, folders of them, and mail-parser's malformed corpus."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from tests.corpora import FIXTURES, corpus
from tieline.records import InteractionRecord, ReadOptions, Record, Skipped
from tieline.sources.mail import eml

EML = FIXTURES / "eml"


def read(path: Path) -> list[Record]:
    return list(eml.read(path, ReadOptions()))


def test_sniff_claims_message_files_and_folders_of_them() -> None:
    assert eml.sniff(EML / "single.eml") == 0.9
    assert eml.sniff(EML / "folder") >= 0.6
    assert eml.sniff(FIXTURES / "mbox" / "mutt.mbox") == 0.0
    assert eml.sniff(FIXTURES / "ics" / "google.ics") == 0.0
    assert eml.sniff(EML / "folder" / "notes.txt") == 0.0


def test_reads_a_single_message_without_counting_the_sender_twice() -> None:
    (record,) = read(EML / "single.eml")
    assert isinstance(record, InteractionRecord)
    assert record.when == datetime(2024, 6, 10, 9, 0, tzinfo=UTC)
    assert [p.handles[0].value for p in record.participants] == ["ada@example.com", "alan@example.net"]
    assert record.group_size == 3
    assert record.subject == "Café on Friday"


def test_reads_a_folder_recursively_and_skips_what_cannot_be_used() -> None:
    records = read(EML / "folder")
    assert [(type(r).__name__, getattr(r, "record", None)) for r in records] == [
        ("InteractionRecord", None),
        ("InteractionRecord", None),
        ("InteractionRecord", None),
        ("Skipped", "no_date.eml"),
        ("Skipped", "no_headers.eml"),
    ]
    latin1 = records[2]
    assert isinstance(latin1, InteractionRecord)
    assert latin1.sender is not None and latin1.sender.name == "René Descartes"


MALFORMED_USABLE = {"015.eml", "019.eml", "020.eml", "021.eml"}


def test_mail_parsers_malformed_corpus_never_stops_a_read() -> None:
    folder = corpus("eml", "stalwartlabs__mail-parser", "resources", "eml", "malformed")
    records = read(folder)
    assert len(records) == 23
    found = [r for r in records if isinstance(r, InteractionRecord)]
    skipped = [r for r in records if isinstance(r, Skipped)]
    assert len(found) == 4 and len(skipped) == 19
    assert {s.record for s in skipped} == {f"{i:03d}.eml" for i in range(23)} - MALFORMED_USABLE
    assert sum(len(r.participants) for r in found) == 4


def test_mail_parsers_expected_from_to_and_date_agree() -> None:
    folder = corpus("eml", "stalwartlabs__mail-parser", "resources", "eml", "malformed")
    for name in sorted(MALFORMED_USABLE):
        (record,) = read(folder / name)
        assert isinstance(record, InteractionRecord)
        expected = json.loads((folder / name.replace(".eml", ".json")).read_text())
        headers: dict[str, dict[str, dict[str, object]]] = {}
        for header in expected["parts"][0]["headers"]:
            if isinstance(header["name"], str):  # the first of each, as a mail client shows it
                headers.setdefault(header["name"], header["value"])
        if "from" in headers:
            (who,) = headers["from"]["Address"]["List"]
            assert record.sender is not None
            assert (record.sender.name, record.sender.handles[0].value) == (who["name"], who["address"])
        else:
            assert record.sender is None
        to = [(a["name"], a["address"]) for a in headers["to"]["Address"]["List"]]
        assert [(p.name, p.handles[0].value) for p in record.participants] == to
        d = headers["date"]["DateTime"]
        sign = -1 if d["tz_before_gmt"] else 1
        zone = timezone(sign * timedelta(hours=d["tz_hour"], minutes=d["tz_minute"]))
        when = datetime(d["year"], d["month"], d["day"], d["hour"], d["minute"], d["second"], tzinfo=zone)
        assert record.when == when


def test_the_notmuch_broken_messages_are_read_as_single_files() -> None:
    broken = corpus("maildir", "notmuch__notmuch", "test", "corpora", "broken")
    (cc,) = read(broken / "broken-cc")
    assert isinstance(cc, InteractionRecord)
    assert [p.handles[0].value for p in cc.participants] == [
        "daniel@example.org",
        "bob@example.org",
        "charles@example.org",
    ]
    (loop,) = read(broken / "loop" / "loop-12")
    assert isinstance(loop, InteractionRecord) and loop.in_reply_to == "mid-loop-21@example.org"
    (part,) = read(broken / "empty-part")
    assert isinstance(part, InteractionRecord) and part.bulk
