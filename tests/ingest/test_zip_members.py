"""A bad record inside a zip is named ``archive.zip:member/path`` and its row, through the real command;
a member that cannot be read is written not at all, the good members beside it whole."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.cli import tieline, tieline_process
from tests.corpora import FIXTURES
from tieline.errors import SourceError
from tieline.sources import archive

HERE = FIXTURES / "ingest" / "zip_members"
GOOD_SMS = FIXTURES / "sms_backup" / "sms-20231115.xml"


def _zip(path: Path, members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _errors(db: str, *paths: Path) -> tuple[dict[str, object], list[tuple[object, object, object]]]:
    data = tieline(db, "import", *map(str, paths), "--json").json()
    listed = data["errors"] + data["skipped_records"]  # files that failed, then records skipped
    return data, [(e["file"], e["record"], e["reason"]) for e in listed]


def _names(db: str) -> set[str]:
    return {p["name"] for p in tieline(db, "people", "list", "--json").json()}


def test_a_bad_row_in_a_zipped_csv_is_named_by_archive_member_and_row(tmp_path: Path) -> None:
    export = _zip(
        tmp_path / "logs.zip",
        {"2024/bad_rows.csv": (FIXTURES / "interactions_csv/bad_rows.csv").read_bytes()},
    )
    _data, errors = _errors(f"sqlite:///{tmp_path / 'x.db'}", export)
    assert (f"{export}:2024/bad_rows.csv", "4", "unknown channel 'pigeon'") in errors
    assert all(file == f"{export}:2024/bad_rows.csv" for file, _record, _reason in errors)


def test_a_member_that_breaks_half_way_is_named_and_nothing_of_it_is_written(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    # The same two texts, whole, make Ada a person: the broken copy below is what keeps her out.
    control = f"sqlite:///{tmp_path / 'control.db'}"
    tieline(control, "import", str(HERE / "ada-sms.xml"))
    assert "Ada Lovelace" in _names(control)

    backup = _zip(
        tmp_path / "phone.zip",
        {
            "backup/sms-20231115.xml": GOOD_SMS.read_bytes(),
            "backup/sms-ada.xml": (HERE / "ada-sms-truncated.xml").read_bytes(),
        },
    )
    data, errors = _errors(db, backup)
    ((file, record, reason),) = [e for e in errors if "sms-ada" in str(e[0])]
    assert file == f"{backup}:backup/sms-ada.xml"
    assert record == "line 5" and "broken XML" in str(reason)
    names = _names(db)
    assert "Ada Lovelace" not in names  # nothing of the broken member
    assert "Grace Hopper" in names and int(str(data["interactions_created"])) > 0  # the good member, whole


def test_a_linkedin_zip_names_its_members_for_connections_and_messages(tmp_path: Path) -> None:
    export = FIXTURES / "linkedin" / "export_2025"
    members = {p.name: p.read_bytes() for p in export.iterdir()}
    members["messages.csv"] = (FIXTURES / "linkedin_messages" / "messages.csv").read_bytes()
    zipped = _zip(tmp_path / "Basic_LinkedInDataExport_01-02-2026.zip", members)
    _data, errors = _errors(f"sqlite:///{tmp_path / 'x.db'}", zipped)
    files = {(file, record) for file, record, _reason in errors}
    assert (f"{zipped}:Connections.csv", "line 9") in files
    assert (f"{zipped}:messages.csv", "row 5") in files  # read by the messages reader from a temporary copy
    assert all(str(file).startswith(f"{zipped}:") for file, _record in files)


def test_a_zip_inside_a_zip_names_both(tmp_path: Path) -> None:
    inner = _zip(
        tmp_path / "inner.zip", {"bad_rows.csv": (FIXTURES / "interactions_csv/bad_rows.csv").read_bytes()}
    )
    outer = _zip(tmp_path / "outer.zip", {"old/inner.zip": inner.read_bytes()})
    _data, errors = _errors(f"sqlite:///{tmp_path / 'x.db'}", outer)
    assert (f"{outer}:old/inner.zip:bad_rows.csv", "2", "unreadable timestamp 'not a date'") in errors


def test_an_unsafe_member_of_a_zip_inside_a_zip_is_named_by_both(tmp_path: Path) -> None:
    inner = _zip(tmp_path / "inner.zip", {"../evil.csv": b"ego,alter,timestamp,channel\n"})
    outer = _zip(tmp_path / "outer.zip", {"inner.zip": inner.read_bytes()})
    run = tieline_process(f"sqlite:///{tmp_path / 'x.db'}", "import", str(outer))
    # Nothing else in the archive: the one error is the whole answer, and nothing is written.
    assert run.code == 1
    assert run.err.strip() == f"error: {outer}:inner.zip:../evil.csv: member path escapes the archive"


def test_an_uncompressed_zip_of_vcards_is_unpacked_not_misread_as_one_card_file(tmp_path: Path) -> None:
    # Stored members keep their text in the zip's bytes, where the vCard reader would otherwise find it.
    cards = _zip(
        tmp_path / "cards.zip",
        {"broken.vcf": (FIXTURES / "vcard/broken.vcf").read_bytes()},
        zipfile.ZIP_STORED,
    )
    db = f"sqlite:///{tmp_path / 'x.db'}"
    _data, errors = _errors(db, cards)
    assert [(file, record) for file, record, _reason in errors] == [
        (f"{cards}:broken.vcf", "line 6"),
        (f"{cards}:broken.vcf", "line 15"),
    ]  # the lines of the card file, not of the archive
    assert {"Margaret Hamilton", "Katherine Johnson"} <= _names(db)


def test_the_safe_helper_names_the_member_it_refuses(tmp_path: Path) -> None:
    bad = _zip(tmp_path / "export.zip", {"ok.csv": b"a\n", "../evil.csv": b"b\n"})
    with pytest.raises(SourceError) as err:
        archive.extract(bad, tmp_path / "out")
    assert err.value.file == f"{bad}:../evil.csv" and "escapes" in err.value.reason
    assert str(err.value) == f"{bad}:../evil.csv: member path escapes the archive"
