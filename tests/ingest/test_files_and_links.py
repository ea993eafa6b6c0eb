"""Issue 12, cases 6 and 9: imports read regular files only and never follow a link out of a folder.

A FIFO in an import folder used to block for ever and ``import /dev/zero --source vcard`` never ended;
a link in an import folder reached ``/etc/passwd``; one dangling link aborted a whole folder.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cli import tieline, tieline_process
from tieline.errors import SourceError, TielineError
from tieline.records import ContactRecord, ReadOptions
from tieline.sources import base, registry
from tieline.sources.contacts import vcard

CARD = "BEGIN:VCARD\nVERSION:3.0\nFN:{name}\nEMAIL:{mail}\nEND:VCARD\n"


def _card(path: Path, name: str) -> Path:
    path.write_text(CARD.format(name=name, mail=name.split()[0].lower() + "@example.org"), encoding="utf-8")
    return path


def _names(db: str) -> set[str]:
    return {p["name"] for p in tieline(db, "people", "list", "--json").json()}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "export"
    path.mkdir()
    _card(path / "good.vcf", "Grace Hopper")
    return path


def test_a_fifo_in_an_import_folder_is_passed_over_and_the_rest_imports(folder: Path, tmp_path: Path) -> None:
    os.mkfifo(folder / "calls.vcf")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    run = tieline_process(db, "import", str(folder), "--json")  # a hang fails on the 120 s timeout
    assert run.code == 0, run.err
    assert json.loads(run.out)["people_created"] == 1
    assert _names(db) == {"Grace Hopper"}


def test_dev_zero_forced_as_a_vcard_ends_with_one_line(tmp_path: Path) -> None:
    run = tieline_process(f"sqlite:///{tmp_path / 'x.db'}", "import", "/dev/zero", "--source", "vcard")
    assert run.code != 0
    assert "not a regular file" in run.err and "/dev/zero" in run.err
    assert "Traceback" not in run.err


@pytest.mark.parametrize("source", ["mbox", "google_csv", "telegram", "sms_backup"])
def test_a_device_forced_to_any_reader_is_refused(source: str, tmp_path: Path) -> None:
    with pytest.raises(TielineError, match="not a regular file"):
        tieline(f"sqlite:///{tmp_path / 'x.db'}", "import", "/dev/zero", "--source", source)


def test_a_fifo_named_alone_is_refused_without_opening_it(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.vcf"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="named pipe"):
        base.open_binary(fifo)
    assert base.head(fifo) == b""
    assert vcard.sniff(fifo) == 0.0
    with pytest.raises(SourceError, match="not a regular file"):
        list(registry.plan([fifo], "vcard"))


def test_a_link_leading_out_of_an_import_folder_is_not_followed(folder: Path, tmp_path: Path) -> None:
    outside = tmp_path / "private"
    outside.mkdir()
    secret = _card(outside / "secret.vcf", "Secret Person")
    (folder / "passwd.vcf").symlink_to(secret)
    (folder / "elsewhere").symlink_to(outside, target_is_directory=True)
    _card(folder / "inner.vcf", "Ada Lovelace")
    (folder / "again.vcf").symlink_to(folder / "inner.vcf")  # a link inside the folder is fine
    db = f"sqlite:///{tmp_path / 'x.db'}"
    data = tieline(db, "import", str(folder), "--json").json()
    assert data["people_created"] == 2
    assert _names(db) == {"Grace Hopper", "Ada Lovelace"}
    assert base.files_under(folder) == sorted(
        [folder / "again.vcf", folder / "good.vcf", folder / "inner.vcf"]
    )


def test_a_link_out_of_a_folder_a_reader_takes_whole_is_not_followed(tmp_path: Path) -> None:
    vdir = tmp_path / "contacts"
    vdir.mkdir()
    for n, name in enumerate(["Grace Hopper", "Ada Lovelace", "Alan Turing"]):
        _card(vdir / f"{n}.vcf", name)
    outside = _card(tmp_path / "secret.vcf", "Secret Person")
    (vdir / "x.vcf").symlink_to(outside)
    names = {r.name for r in vcard.read(vdir, ReadOptions()) if isinstance(r, ContactRecord)}
    assert "Secret Person" not in names and "Grace Hopper" in names


def test_one_dangling_link_does_not_abort_a_folder(folder: Path, tmp_path: Path) -> None:
    (folder / "gone.vcf").symlink_to(tmp_path / "nowhere.vcf")
    db = f"sqlite:///{tmp_path / 'x.db'}"
    data = tieline(db, "import", str(folder), "--json").json()
    assert data["people_created"] == 1 and not data["errors"]
