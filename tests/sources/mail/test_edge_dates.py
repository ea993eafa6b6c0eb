"""Issue 12, case 1: one message with an edge-of-range Date does not stop a mailbox.

``Mon, 1 Jan 0001 00:00:00 +0100`` and ``Fri, 31 Dec 9999 23:59:59 -1400`` leave the years a datetime
can hold once their zone is applied. Such a Date is unusable: the message falls back to its delivery
date (mbox postmark, Maildir file name) or, with none, is skipped with its reason; the rest imports.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tieline.records import InteractionRecord, ReadOptions, Skipped
from tieline.sources.mail import eml, maildir, mailheaders, mbox

EDGES = ["Mon, 1 Jan 0001 00:00:00 +0100", "Fri, 31 Dec 9999 23:59:59 -1400", "31 Dec 9999 23:59 -0100"]


def _message(n: int, date: str) -> bytes:
    return (
        f"From: a{n}@example.org\nTo: b@example.net\nDate: {date}\nMessage-ID: <m{n}@example.org>\n"
        f"Subject: hello\n\nbody {n}\n"
    ).encode()


@pytest.mark.parametrize("edge", EDGES)
def test_parse_date_gives_none_for_an_edge_of_range_date(edge: str) -> None:
    assert mailheaders.parse_date(edge) is None


@pytest.mark.parametrize("edge", EDGES[:2])
def test_an_mbox_with_one_edge_date_imports_every_other_message(edge: str, tmp_path: Path) -> None:
    path = tmp_path / "box.mbox"
    with path.open("wb") as fh:
        for n in range(1000):
            fh.write(b"From a@example.org Mon Jul  1 09:00:00 2024\n")
            fh.write(_message(n, edge if n == 500 else "Mon, 1 Jul 2024 10:00:00 +0200") + b"\n")
    records = list(mbox.read(path, ReadOptions()))
    found = [r for r in records if isinstance(r, InteractionRecord)]
    assert len(found) == 1000  # the bad Date gives way to the postmark's delivery date
    edge_record = next(r for r in found if r.source_key == "mid:m500@example.org")
    assert edge_record.when == datetime(2024, 7, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("edge", EDGES[:2])
def test_an_eml_with_an_edge_date_is_skipped_with_its_reason(edge: str, tmp_path: Path) -> None:
    folder = tmp_path / "mails"
    folder.mkdir()
    for n in range(5):
        (folder / f"{n}.eml").write_bytes(_message(n, edge if n == 2 else "Mon, 1 Jul 2024 10:00:00 +0200"))
    records = list(eml.read(folder, ReadOptions()))
    skipped = [r for r in records if isinstance(r, Skipped)]
    assert [(s.record, s.reason) for s in skipped] == [("2.eml", "no usable Date header")]
    assert sum(isinstance(r, InteractionRecord) for r in records) == 4
    single = list(eml.read(folder / "2.eml", ReadOptions()))
    assert [type(r) for r in single] == [Skipped]


@pytest.mark.parametrize("edge", EDGES[:2])
def test_a_maildir_with_an_edge_date_imports_the_rest(edge: str, tmp_path: Path) -> None:
    root = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True)
    for n in range(5):
        name = "undated-message:2,S" if n == 2 else f"17198244{n:02d}.M{n}P1.host:2,S"
        (root / "cur" / name).write_bytes(_message(n, edge if n == 2 else "Mon, 1 Jul 2024 10:00:00 +0200"))
    records = list(maildir.read(root, ReadOptions()))
    skipped = [r for r in records if isinstance(r, Skipped)]
    assert [(s.record, s.reason) for s in skipped] == [("cur/undated-message:2,S", "no usable Date header")]
    assert sum(isinstance(r, InteractionRecord) for r in records) == 4
