"""Issue 12, cases 5 and 8: a stray quote is reported instead of swallowing the rest of a CSV; files in
Shift-JIS or GB18030 that do not say so are detected (with a word when unsure), and ``--encoding`` rules."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tests.cli import tieline, tieline_process
from tieline.errors import SourceError
from tieline.records import ContactRecord, ReadOptions
from tieline.sources.contacts import google_csv, outlook_csv
from tieline.sources.phone import interactions_csv

HEADER = "Name,Given Name,Family Name,E-mail 1 - Type,E-mail 1 - Value\n"


def _google(path: Path, rows: int, stray_at: int | None = None) -> Path:
    lines = [HEADER]
    for n in range(rows):
        name = f'"Person {n}' if n == stray_at else f"Person {n}"
        lines.append(f"{name},Person,{n},* Home,p{n}@example.org\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_a_stray_quote_is_reported_by_row_not_swallowing_the_rest(tmp_path: Path) -> None:
    path = _google(tmp_path / "contacts.csv", 1000, stray_at=10)
    with pytest.raises(SourceError) as err:
        list(google_csv.read(path, ReadOptions()))
    assert err.value.record == "line 12"
    assert "stray quote" in err.value.reason


def test_a_stray_quote_fails_the_import_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    path = _google(tmp_path / "contacts.csv", 1000, stray_at=10)
    db = f"sqlite:///{tmp_path / 'x.db'}"
    run = tieline_process(db, "import", str(path))
    assert run.code != 0 and "line 12" in run.err and "stray quote" in run.err
    assert "Traceback" not in run.err
    assert tieline(db, "people", "list", "--json").json() == []


def test_a_long_multi_line_note_is_still_read(tmp_path: Path) -> None:
    note = "\n".join(f"line {n} of a long note" for n in range(60))
    path = tmp_path / "contacts.csv"
    path.write_text(
        HEADER.replace("\n", ",Notes\n") + f'Ada,Ada,L,* Home,ada@example.org,"{note}"\n', encoding="utf-8"
    )
    assert [r.name for r in google_csv.read(path, ReadOptions()) if isinstance(r, ContactRecord)] == ["Ada"]


def test_a_stray_quote_in_an_interactions_csv_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    rows = [f"me,p{n},2024-01-01T10:00:00,call,ego,60\n" for n in range(500)]
    rows[3] = 'me,"p3,2024-01-01T10:00:00,call,ego,60\n'
    path.write_text("ego,alter,timestamp,channel,initiator,duration_s\n" + "".join(rows), encoding="utf-8")
    with pytest.raises(SourceError, match="stray quote"):
        list(interactions_csv.read(path, ReadOptions()))


NAMES = ["山田 太郎", "佐藤 花子", "鈴木 一郎", "高橋 美咲", "田中 健太"]


def _outlook(path: Path, encoding: str, names: list[str]) -> Path:
    text = "First Name,Last Name,E-mail Address\n" + "".join(
        f"{n.split()[1]},{n.split()[0]},p{i}@example.jp\n" for i, n in enumerate(names * 20)
    )
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["shift_jis", "gb18030"])
def test_an_east_asian_csv_that_does_not_say_its_encoding_is_read_right(
    encoding: str, tmp_path: Path
) -> None:
    path = _outlook(tmp_path / "contacts.csv", encoding, NAMES)
    found = [r for r in outlook_csv.read(path, ReadOptions()) if isinstance(r, ContactRecord)]
    assert {r.family_name for r in found} == {n.split()[0] for n in NAMES}


def test_the_encoding_option_overrides_detection(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_bytes("First Name,Last Name,E-mail Address\nZoë,Ünal,z@example.org\n".encode("cp1252"))
    wrong = [
        r
        for r in outlook_csv.read(path, ReadOptions(extra={"encoding": "cp1251"}))
        if isinstance(r, ContactRecord)
    ]
    assert wrong[0].given_name == "Zoл"  # what the file means in Cyrillic Windows: the option rules
    right = [r for r in outlook_csv.read(path, ReadOptions()) if isinstance(r, ContactRecord)]
    assert right[0].given_name == "Zoë"


def test_the_import_command_takes_encoding(tmp_path: Path) -> None:
    path = _outlook(tmp_path / "contacts.csv", "shift_jis", NAMES[:1])
    db = f"sqlite:///{tmp_path / 'x.db'}"
    data = tieline(db, "import", str(path), "--encoding", "shift_jis", "--json").json()
    assert data["people_created"] == 20
    assert {p["name"] for p in tieline(db, "people", "list", "--json").json()} == {"太郎 山田"}


def test_an_unsure_guess_is_said(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "contacts.csv"
    path.write_bytes("First Name,Last Name,E-mail Address\n太郎,山田,a@example.org\n".encode("shift_jis"))
    with caplog.at_level(logging.WARNING, logger="tieline.sources"):
        list(outlook_csv.read(path, ReadOptions()))
    assert any("--encoding" in r.getMessage() for r in caplog.records)
