from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.corpora import FIXTURES
from tieline.errors import SourceError
from tieline.records import ContactRecord, Handle, Position, ReadOptions, Record, Skipped
from tieline.sources.contacts import google_csv, outlook_csv

HERE = FIXTURES / "google_csv"


def read(path: Path) -> list[Record]:
    return list(google_csv.read(path, ReadOptions()))


def contacts(path: Path) -> list[ContactRecord]:
    return [r for r in read(path) if isinstance(r, ContactRecord)]


def test_reads_the_legacy_layout_with_multi_values_and_groups() -> None:
    records = read(HERE / "legacy.csv")
    ada, grace = (r for r in records if isinstance(r, ContactRecord))
    assert (ada.name, ada.given_name, ada.family_name) == ("Ada Lovelace", "Ada", "Lovelace")
    assert ada.handles == (
        Handle("email", "ada@home.example", "home"),
        Handle("email", "ada@analytical.example", "home"),
        Handle("phone", "+44 7700 900123", "mobile"),
        Handle("linkedin", "https://www.linkedin.com/in/ada-lovelace", "profile"),
    )
    assert ada.positions == (Position("Analytical Engines Ltd", "Programmer"),)
    assert ada.tags == ("Friends",)
    assert ada.notes == ("Met at Babbage's, talked engines",)
    assert ada.birthday == date(1815, 12, 10)
    assert grace.birthday == date(1604, 12, 9)  # `--12-09`: no year
    (skip,) = [r for r in records if isinstance(r, Skipped)]
    assert skip.record == "line 5"


def test_reads_the_current_layout_with_a_bom_short_rows_and_extra_cells() -> None:
    records = read(HERE / "current.csv")
    soren, edsger = (r for r in records if isinstance(r, ContactRecord))
    assert soren.name == "Søren Kierkegaard"
    assert soren.handles == (
        Handle("email", "soren@example.dk", "home"),
        Handle("email", "sk@ku.example", "work"),
        Handle("phone", "+45 20 00 00 00", "mobile"),
        Handle("phone", "+45 35 00 00 00", "work"),
    )
    assert soren.positions == (Position("Københavns Universitet", "Philosopher"),)
    assert soren.tags == ("Philosophy",)
    assert soren.photo_ref == "https://lh3.googleusercontent.com/contacts/abc"
    assert edsger.handles == (Handle("email", "ewd@tue.example"),)
    (initech,) = [r for r in records if isinstance(r, Skipped)]  # a company's own card is not a person
    assert initech.record == "line 4" and "Initech" in initech.reason


def test_rereading_gives_the_same_keys() -> None:
    assert [c.source_key for c in contacts(HERE / "current.csv")] == [
        c.source_key for c in contacts(HERE / "current.csv")
    ]


def test_sniffs_google_but_not_outlook_or_linkedin_files() -> None:
    assert google_csv.sniff(HERE / "legacy.csv") >= 0.8
    assert google_csv.sniff(HERE / "current.csv") >= 0.8
    assert outlook_csv.sniff(HERE / "current.csv") == 0.0
    assert google_csv.sniff(FIXTURES / "outlook_csv" / "english.csv") == 0.0
    assert google_csv.sniff(FIXTURES / "linkedin" / "Connections_2018.csv") == 0.0
    assert google_csv.sniff(FIXTURES / "linkedin" / "export_2025") == 0.0


def test_an_empty_file_is_a_source_error(tmp_path: Path) -> None:
    f = tmp_path / "contacts.csv"
    f.write_bytes(b"")
    with pytest.raises(SourceError, match="empty file"):
        read(f)


def test_a_file_of_the_wrong_type_is_a_source_error(tmp_path: Path) -> None:
    f = tmp_path / "contacts.csv"
    f.write_bytes(b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(256)))
    with pytest.raises(SourceError) as err:
        read(f)
    assert err.value.file == str(f)


def test_invalid_utf8_is_read_as_windows_1252(tmp_path: Path) -> None:
    f = tmp_path / "contacts.csv"
    f.write_bytes(
        b"First Name,Last Name,Labels,E-mail 1 - Value\nRen\xe9e,Caf\xe9,* myContacts,renee@example.fr\n"
    )
    assert [c.name for c in contacts(f)] == ["Renée Café"]


def test_a_ten_megabyte_field_is_a_source_error_naming_the_line(tmp_path: Path) -> None:
    f = tmp_path / "contacts.csv"
    f.write_bytes(b'First Name,Last Name,Labels,Notes\nAda,Lovelace,,"' + b"note\n" * (2 << 20) + b'"\n')
    with pytest.raises(SourceError) as err:
        read(f)
    assert err.value.record is not None and err.value.record.startswith("line ")


def test_instant_messaging_columns_become_chat_handles_and_a_nickname_is_a_name() -> None:
    hedy, woz = contacts(HERE / "current_im.csv")
    assert hedy.name == "Hedy Lamarr" and hedy.birthday == date(1604, 11, 9)
    assert hedy.handles == (
        Handle("email", "hedy@example.org", "home"),
        Handle("chat", "skype:hedy.lamarr"),
        Handle("chat", "gtalk:hedy@gtalk.example"),
    )
    assert woz.name == "Woz" and woz.given_name is None
    assert woz.handles == (Handle("chat", "xmpp:woz@xmpp.example"), Handle("chat", "xmpp:woz@jabber.example"))


def test_reads_the_legacy_google_csv_in_utf16_as_google_wrote_it(tmp_path: Path) -> None:
    f = tmp_path / "google.csv"
    f.write_bytes((HERE / "legacy.csv").read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-16"))
    assert google_csv.sniff(f) >= 0.8
    assert [(c.name, c.handles) for c in contacts(f)] == [
        (c.name, c.handles) for c in contacts(HERE / "legacy.csv")
    ]
