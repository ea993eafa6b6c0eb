"""Bad input, through the real command: one clear error naming the file, nothing written for it,
everything written for the good files beside it."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli import tieline, tieline_process
from tests.corpora import FIXTURES

GOOD = FIXTURES / "sms_backup" / "sms-20231115.xml"


def _truncated_zip(p: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(
            "Connections.csv", "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n" * 50
        )
    p.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])


def _zip_bomb(p: Path) -> None:
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Connections.csv", b"0" * (64 * 1024 * 1024))


def _huge_field(p: Path) -> None:
    p.write_text(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        f'Ada,Lovelace,,,"{"x" * (10 * 1024 * 1024)}",Engineer,04 Jul 2023\n',
        encoding="utf-8",
    )


def _no_end(p: Path) -> None:
    p.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Ada Lovelace\nEMAIL:ada@example.com\n", encoding="utf-8")


def _bad_utf8(p: Path) -> None:
    p.write_bytes(b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ada \xff\xfe\xc3 Lovelace\r\nEND:VCARD\r\n")


def _deep_json(p: Path) -> None:
    p.write_text('{"friends_v2": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")


def _empty(p: Path) -> None:
    p.write_bytes(b"")


def _png(p: Path) -> None:
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)


CASES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "truncated zip": ("Basic_LinkedInDataExport.zip", _truncated_zip),
    "zip bomb": ("Complete_LinkedInDataExport.zip", _zip_bomb),
    "a CSV with a 10 MB field": ("Connections.csv", _huge_field),
    "invalid UTF-8": ("contacts.vcf", _bad_utf8),
    "a JSON nested 100,000 deep": ("friends.json", _deep_json),
    "an empty file": ("empty.vcf", _empty),
    "a file of the wrong type": ("photo.png", _png),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_reported_by_file_and_the_good_file_still_lands(case: str, tmp_path: Path) -> None:
    name, make = CASES[case]
    bad = tmp_path / name
    make(bad)
    db = f"sqlite:///{tmp_path / 'x.db'}"
    run = tieline_process(db, "import", str(bad), str(GOOD), "--json")
    assert "Traceback" not in run.err + run.out
    data = json.loads(run.out)
    assert data["interactions_created"] > 0  # the good file landed
    named = [e for e in data["errors"] if e["file"] and name in e["file"]]
    if case == "invalid UTF-8":
        # Replaced characters are not an error: the card imports with what can be read.
        assert tieline(db, "people", "list", "--json", "-q", "lovelace").json()
        return
    assert named, data["errors"]
    assert all(e["reason"] for e in named)
    people = tieline(db, "people", "list", "--json").json()
    assert not any("Lovelace" in p["name"] for p in people)


def test_a_vcard_without_end_is_reported_by_line_and_its_neighbours_import(tmp_path: Path) -> None:
    cards = tmp_path / "cards.vcf"
    cards.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Grace Hopper\nEMAIL:grace@example.com\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ada Lovelace\nEMAIL:ada@example.com\n",
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 'x.db'}"
    data = tieline(db, "import", str(cards), "--json").json()
    assert data["people_created"] == 1
    assert data["errors"] == []  # a card without END is skipped, not an error of the file
    assert any("cards.vcf" in (e["file"] or "") and e["record"] for e in data["skipped_records"])


def test_a_file_nobody_can_read_alone_exits_non_zero_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "photo.png"
    _png(bad)
    run = tieline_process(f"sqlite:///{tmp_path / 'x.db'}", "import", str(bad))
    assert run.code != 0
    assert "photo.png" in run.err and "Traceback" not in run.err


@pytest.mark.parametrize(
    "fixture", ["telegram/full_account_result.json", "facebook_messages/inbox/gracehopper_10/message_1.json"]
)
def test_a_cut_chat_export_writes_nothing_and_the_whole_one_imports(fixture: str, tmp_path: Path) -> None:
    whole = FIXTURES / fixture
    text = whole.read_text(encoding="utf-8")
    cut = tmp_path / whole.name
    cut.write_text(text[: len(text) * 3 // 4], encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    data = tieline(db, "import", str(cut), "--json").json()
    assert (data["people_created"], data["handles_added"], data["interactions_created"]) == (0, 0, 0)
    assert [(e["file"], e["record"][:5], e["reason"][:12]) for e in data["errors"]] == [
        (str(cut), "line ", "invalid JSON")
    ]
    assert tieline(db, "people", "list", "--json").json() == []
    assert tieline(db, "import", str(whole), "--json").json()["interactions_created"] > 0


@pytest.mark.parametrize("what", ["an empty folder", "a folder of stray files"])
def test_a_path_with_nothing_readable_exits_non_zero_with_one_line_and_writes_no_batch(
    what: str, tmp_path: Path
) -> None:
    path = tmp_path / "export"
    path.mkdir()
    if what == "a folder of stray files":
        (path / "README.txt").write_text("hello\n", encoding="utf-8")
        _png(path / "photo.png")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    run = tieline_process(db, "import", str(path))
    assert run.code == 1
    assert run.err.strip().splitlines() == [f"error: {path}: nothing here that tieline can read"]
    assert run.out == ""
    assert tieline(db, "imports", "list", "--json").json() == []


def test_a_forced_reader_that_cannot_read_the_file_exits_non_zero(tmp_path: Path) -> None:
    bad = tmp_path / "photo.png"
    _png(bad)
    run = tieline_process(f"sqlite:///{tmp_path / 'x.db'}", "import", "--source", "vcard", str(bad), "--json")
    assert run.code == 1
    data = json.loads(run.out)
    assert (data["files"], data["failed_files"]) == (1, 1)
    assert [e["file"] for e in data["errors"]] == [str(bad)]


def test_an_empty_file_and_a_truncated_zip_say_what_is_wrong_with_them(tmp_path: Path) -> None:
    empty, cut = tmp_path / "contacts.vcf", tmp_path / "Basic_LinkedInDataExport.zip"
    _empty(empty)
    _truncated_zip(cut)
    data = tieline(
        f"sqlite:///{tmp_path / 'x.db'}", "import", str(empty), str(cut), str(GOOD), "--json"
    ).json()
    assert [(e["file"], e["reason"]) for e in data["errors"] if e["file"] != str(GOOD)] == [
        (str(empty), "empty file"),
        (str(cut), "truncated or corrupt zip archive (no central directory)"),
    ]
