from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.corpora import FIXTURES
from tieline.errors import SourceError
from tieline.records import ContactRecord, Handle, Position, ReadOptions, Record, Skipped
from tieline.sources.contacts import google_csv, linkedin, outlook_csv

HERE = FIXTURES / "outlook_csv"


def read(path: Path, **options: object) -> list[Record]:
    return list(outlook_csv.read(path, ReadOptions(**options)))  # type: ignore[arg-type]


def contacts(path: Path, **options: object) -> list[ContactRecord]:
    return [r for r in read(path, **options) if isinstance(r, ContactRecord)]


def test_reads_a_desktop_outlook_export() -> None:
    records = read(HERE / "english.csv")
    assert len(records) == 4  # the blank row is not a contact
    frances, ken, initrode, katherine = records
    assert isinstance(initrode, Skipped) and "company" in initrode.reason  # a business, not a person
    # an Exchange contact: an X.500 name in the address column, the address in the display name
    assert isinstance(katherine, ContactRecord)
    assert katherine.handles == (Handle("email", "katherine@nasa.example"),)
    assert isinstance(frances, ContactRecord) and isinstance(ken, ContactRecord)
    assert (frances.name, frances.given_name, frances.family_name) == ("Frances Allen", "Frances", "Allen")
    assert frances.handles == (
        Handle("email", "frances@ibm.example"),
        Handle("email", "fran@home.example"),
        Handle("phone", "+1 914 555 0100", "work"),
        Handle("phone", "+1 914 555 0199", "mobile"),
        Handle("linkedin", "https://www.linkedin.com/in/frances-allen"),
    )
    assert frances.positions == (Position("IBM", "Fellow"),)
    assert frances.birthday == date(1932, 8, 4)
    assert frances.tags == ("Colleagues", "Compilers")
    assert frances.notes == ("Turing Award 2006,\nfirst woman to win it",)
    assert ken.birthday is None  # Outlook writes 0/0/00 for none
    assert ken.handles == (Handle("phone", "+1 908 555 0100", "home"),)


def test_reads_a_german_outlook_export_with_semicolons_in_windows_1252() -> None:
    jurgen, grete = contacts(HERE / "german.csv")
    assert (jurgen.given_name, jurgen.family_name) == ("Jürgen", "Müller")
    assert jurgen.positions == (Position("Bäckerei Müller GmbH", "Geschäftsführer"),)
    assert jurgen.handles == (
        Handle("email", "juergen@baeckerei.example"),
        Handle("phone", "+49 30 000000", "work"),
        Handle("phone", "+49 170 0000000", "mobile"),
    )
    assert jurgen.birthday == date(1970, 3, 15)  # and `E-Mail: Angezeigter Name` is no address
    assert jurgen.notes == ("Brötchen; täglich",)
    assert grete.name == "Grete Weiß" and grete.handles == (Handle("email", "grete@example.de"),)


def test_reads_a_french_outlook_export_with_day_first_birthdays() -> None:
    (helene,) = contacts(HERE / "french.csv")
    assert (helene.given_name, helene.family_name) == ("Hélène", "Lefèvre")
    assert helene.positions == (Position("Société Générale", "Analyste"),)
    assert helene.handles == (
        Handle("email", "helene@sg.example"),
        Handle("phone", "+33 6 00 00 00 00", "mobile"),
    )
    assert helene.birthday == date(1985, 3, 5)
    assert contacts(HERE / "french.csv", day_first=False)[0].birthday == date(1985, 5, 3)


def test_sniffs_outlook_files_only() -> None:
    for name in ("english.csv", "german.csv", "french.csv"):
        assert outlook_csv.sniff(HERE / name) >= 0.8
        assert google_csv.sniff(HERE / name) == 0.0
        assert linkedin.sniff(HERE / name) == 0.0
    assert outlook_csv.sniff(FIXTURES / "linkedin" / "export_2025" / "Connections.csv") == 0.0
    assert outlook_csv.sniff(FIXTURES / "vcard" / "iphone.vcf") == 0.0


def test_an_empty_file_is_a_source_error(tmp_path: Path) -> None:
    f = tmp_path / "contacts.csv"
    f.write_bytes(b"")
    with pytest.raises(SourceError, match="empty file"):
        read(f)


def test_a_file_of_the_wrong_type_is_a_source_error(tmp_path: Path) -> None:
    f = tmp_path / "contacts.csv"
    f.write_text("just,some,numbers\n1,2,3\n")
    with pytest.raises(SourceError, match="not an Outlook"):
        read(f)


def test_a_ten_megabyte_line_is_a_source_error(tmp_path: Path) -> None:
    f = tmp_path / "contacts.csv"
    f.write_bytes(
        b"First Name,Last Name,E-mail Address,Notes\nAda,Lovelace,ada@example.org,"
        + b"x" * (10 << 20)
        + b"\n"
    )
    with pytest.raises(SourceError) as err:
        read(f)
    assert err.value.record == "line 2"


def test_reads_outlooks_unicode_export_in_utf16(tmp_path: Path) -> None:
    f = tmp_path / "contacts.csv"
    text = (
        '"First Name","Last Name","E-mail Address","Mobile Phone"\r\n'
        '"Zoë","Ångström","zoe@example.se","+46 70 000 00 00"\r\n'
    )
    f.write_bytes(text.encode("utf-16"))
    assert outlook_csv.sniff(f) >= 0.8
    (zoe,) = contacts(f)
    assert zoe.name == "Zoë Ångström"
    assert zoe.handles == (Handle("email", "zoe@example.se"), Handle("phone", "+46 70 000 00 00", "mobile"))


def test_reads_an_excel_for_mac_save_with_carriage_return_line_ends(tmp_path: Path) -> None:
    f = tmp_path / "contacts.csv"
    f.write_bytes(
        b'First Name,Last Name,E-mail Address,Notes\rAda,Lovelace,ada@example.org,"two\rlines"\r'
        b"Grace,Hopper,grace@example.org,\r"
    )
    assert outlook_csv.sniff(f) >= 0.8
    ada, grace = contacts(f)
    assert ada.notes == ("two\rlines",) and grace.handles == (Handle("email", "grace@example.org"),)


def test_reads_outlook_com_and_keeps_only_the_persons_own_numbers() -> None:
    nancy, janet = contacts(HERE / "outlook_com.csv")
    assert (nancy.name, nancy.given_name, nancy.family_name) == ("Nancy Davolio", "Nancy", "Davolio")
    # the assistant's phone, the company's switchboard and the fax are not ways to reach her
    assert nancy.handles == (
        Handle("email", "nancy@northwind.example"),
        Handle("phone", "+1 206 555 9857", "work"),
        Handle("phone", "+1 206 555 0111", "mobile"),
    )
    assert nancy.positions == (Position("Northwind Traders", "Sales Representative"),)
    assert nancy.birthday == date(1968, 12, 8)
    assert janet.handles == (Handle("email", "janet@northwind.example"),) and janet.birthday is None


def test_reads_linkedins_old_connections_export_in_outlooks_layout(tmp_path: Path) -> None:
    f = tmp_path / "linkedin_connections_export_microsoft_outlook.csv"
    f.write_text(
        '"Title","First Name","Middle Name","Last Name","Suffix","E-mail Address","Company","Job Title"\n'
        '"","Linus","","Torvalds","","linus@kernel.example","Linux Foundation","Fellow"\n'
    )
    assert outlook_csv.sniff(f) >= 0.8 and linkedin.sniff(f) == 0.0 and google_csv.sniff(f) == 0.0
    (linus,) = contacts(f)
    assert linus.name == "Linus Torvalds" and linus.handles == (Handle("email", "linus@kernel.example"),)
    assert linus.positions == (Position("Linux Foundation", "Fellow"),)


def test_linkedins_copy_of_an_uploaded_address_book_is_left_to_the_linkedin_reader(tmp_path: Path) -> None:
    f = tmp_path / "Imported Contacts.csv"
    f.write_text(
        "First Name,Last Name,Companies,Title,Email Address,Phone Numbers,Created At\n"
        'Ada,Lovelace,,,ada@example.org,,"6/20/15, 12:02 AM"\n'
    )
    assert outlook_csv.sniff(f) == 0.0 and linkedin.sniff(f) >= 0.8


LOCALIZED = {
    "es": (
        "Nombre;Segundo nombre;Apellidos;Compañía;Puesto;Teléfono del trabajo;Teléfono móvil;"
        "Dirección de correo electrónico;Tipo de correo electrónico;"
        "Nombre para mostrar del correo electrónico;Cumpleaños"
    ),
    "it": (
        "Nome;Secondo nome;Cognome;Società;Posizione;Telefono ufficio;Cellulare;"
        "Indirizzo posta elettronica;Tipo posta elettronica;Nome visualizzato posta elettronica;Compleanno"
    ),
    "nl": (
        "Voornaam;Middelste naam;Achternaam;Bedrijf;Functie;Telefoon op werk;Mobiele telefoon;"
        "E-mailadres;E-mailtype;Weergavenaam e-mail;Verjaardag"
    ),
    "pt": (
        "Nome;Segundo Nome;Sobrenome;Empresa;Cargo;Telefone comercial;Celular;"
        "Endereço de email;Tipo de email;Nome de exibição do email;Aniversário"
    ),
}


@pytest.mark.parametrize("language", sorted(LOCALIZED))
def test_reads_outlook_exports_in_other_languages(language: str, tmp_path: Path) -> None:
    f = tmp_path / f"contacts-{language}.csv"
    row = "Rosa;;Franklin;King's College;Investigadora;+44 20 7946 0100;+44 7700 900456;rosa@kcl.example;SMTP;Rosa Franklin (rosa@kcl.example);25/7/1920"
    f.write_bytes((LOCALIZED[language] + "\r\n" + row + "\r\n").encode("cp1252"))
    assert outlook_csv.sniff(f) >= 0.8 and google_csv.sniff(f) == 0.0
    (rosa,) = contacts(f)
    assert (rosa.given_name, rosa.family_name) == ("Rosa", "Franklin")
    assert rosa.positions == (Position("King's College", "Investigadora"),)
    assert rosa.handles == (
        Handle("email", "rosa@kcl.example"),
        Handle("phone", "+44 20 7946 0100", "work"),
        Handle("phone", "+44 7700 900456", "mobile"),
    )
    assert rosa.birthday == date(1920, 7, 25)


def test_reads_thunderbirds_csv_with_its_own_email_and_name_columns(tmp_path: Path) -> None:
    f = tmp_path / "thunderbird.csv"
    f.write_text(
        "First Name,Last Name,Display Name,Nickname,Primary Email,Secondary Email,Screen Name,"
        "Work Phone,Home Phone,Fax Number,Pager Number,Mobile Number\n"
        "Grace,Hopper,Grace Hopper,,grace@navy.example,amazing.grace@example.org,,,,,,+1 202 555 0100\n"
        ",,Ops Desk,,ops@navy.example,,,,,,,\n"
    )
    assert outlook_csv.sniff(f) >= 0.8
    grace, desk = contacts(f)
    assert grace.handles == (
        Handle("email", "grace@navy.example"),
        Handle("email", "amazing.grace@example.org"),
        Handle("phone", "+1 202 555 0100", "mobile"),
    )
    assert desk.name == "Ops Desk" and desk.given_name is None
