from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import pytest

from tests.corpora import FIXTURES, corpus
from tieline.errors import SourceError
from tieline.records import ContactRecord, Handle, Position, ReadOptions, Record, Skipped
from tieline.sources.contacts import vcard

HERE = FIXTURES / "vcard"
EZ = "mangstadt__ez-vcard/src/test/resources/ezvcard/io/text/"


def shared(name: str) -> Path:
    return corpus("vcard", *name.split("/"))


def read(path: Path) -> list[Record]:
    return list(vcard.read(path, ReadOptions()))


def cards(path: Path) -> list[ContactRecord]:
    return [r for r in read(path) if isinstance(r, ContactRecord)]


def skipped(path: Path) -> list[Skipped]:
    return [r for r in read(path) if isinstance(r, Skipped)]


# --- our own fixtures ------------------------------------------------------------------------------


def test_reads_an_iphone_card_with_groups_labels_photo_and_social_profiles() -> None:
    ada, grace = cards(HERE / "iphone.vcf")
    assert (ada.name, ada.given_name, ada.family_name) == ("Ada Lovelace", "Ada", "Lovelace")
    assert ada.source_key == "vcard:uid:ADA-0001"
    assert ada.handles == (
        Handle("email", "ada@analytical.example", "other"),
        Handle("email", "ada@home.example", "home"),
        Handle("phone", "+44 7700 900123", "cell"),
        Handle("phone", "+44 20 7946 0000", "lab"),
        Handle("url", "http://www.analytical.example", "homepage"),
        Handle("linkedin", "https://www.linkedin.com/in/ada-lovelace", "linkedin"),
        Handle("chat", "twitter:ada"),
        Handle("chat", "skype:ada.lovelace"),
    )
    assert ada.positions == (Position("Analytical Engines Ltd", "Programmer"),)
    assert ada.notes == ("Met at Babbage's soirée, 1833.\nWrites the notes.",)
    assert ada.tags == ("Mathematics", "Friends")
    assert ada.birthday == date(1815, 12, 10)
    assert grace.birthday == date(1906, 12, 9)


def test_a_photo_is_kept_as_the_sha1_of_its_bytes_never_the_bytes() -> None:
    ada = cards(HERE / "iphone.vcf")[0]
    expected = hashlib.sha1(
        b"\xff\xd8\xff\xe0 not really a jpeg, but bytes all the same \x00\x01\x02" * 3
    ).hexdigest()
    assert ada.photo_ref == f"sha1:{expected}"
    frances = cards(HERE / "outlook.vcf")[0]
    assert frances.photo_ref == ada.photo_ref  # 2.1 base64 block ended by a blank line, same bytes


def test_reads_android_quoted_printable_with_soft_line_breaks_and_charsets() -> None:
    jose, jurgen = cards(HERE / "android.vcf")
    assert jose.name == "José García Ñoño"
    assert (jose.given_name, jose.family_name) == ("José", "García")
    assert jose.notes == ("Primera línea\nSegunda línea",)
    assert Handle("phone", "+34 600 000 000", "cell") in jose.handles
    assert (jurgen.name, jurgen.given_name, jurgen.family_name) == ("Jürgen Müller", "Jürgen", "Müller")


def test_reads_outlook_2_1_notes_split_inside_an_escape() -> None:
    (frances,) = cards(HERE / "outlook.vcf")
    assert frances.notes == ("First line\nSecond line\nThird line",)
    assert frances.positions == (Position("IBM", "Fellow"),)
    assert frances.handles == (
        Handle("phone", "+1 914 555 0100", "work"),
        Handle("email", "frances@ibm.example"),
    )


def test_reads_vcard_4_uris_data_photos_and_yearless_birthdays() -> None:
    records = read(HERE / "v4.vcf")
    barbara, knuth = (r for r in records if isinstance(r, ContactRecord))
    assert Handle("phone", "+1-617-555-0101", "cell") in barbara.handles
    assert Handle("linkedin", "https://www.linkedin.com/in/barbara-liskov") in barbara.handles
    assert barbara.birthday == date(1604, 11, 7)
    assert barbara.photo_ref is not None and barbara.photo_ref.startswith("sha1:")
    assert knuth.photo_ref == "https://example.org/knuth.jpg"
    assert knuth.handles == (Handle("chat", "xmpp:don@tex.example"),)
    (group,) = [r for r in records if isinstance(r, Skipped)]
    assert "group" in group.reason and group.record == "line 13"


def test_a_card_without_end_is_skipped_by_line_and_the_others_still_read() -> None:
    records = read(HERE / "broken.vcf")
    assert [r.name for r in records if isinstance(r, ContactRecord)] == [
        "Margaret Hamilton",
        "Katherine Johnson",
    ]
    assert [(s.record, "END" in s.reason) for s in records if isinstance(s, Skipped)] == [
        ("line 6", True),
        ("line 15", True),
    ]
    assert all(s.file == str(HERE / "broken.vcf") for s in records if isinstance(s, Skipped))


def test_a_company_card_is_not_a_person_but_someone_at_a_company_is() -> None:
    records = read(HERE / "companies.vcf")
    andrew, nancy = cards(HERE / "companies.vcf")
    assert (andrew.name, andrew.positions) == ("Andrew Fuller", (Position("Northwind Traders", None),))
    assert nancy.name is None and nancy.handles == (Handle("email", "nancy@tailspin.example"),)
    assert [s.record for s in records if isinstance(s, Skipped)] == [
        "line 1",
        "line 20",
        "line 27",
        "line 34",
    ]
    assert all("not a person" in s.reason for s in records if isinstance(s, Skipped))


def test_a_name_filed_as_family_comma_given_is_written_given_first(tmp_path: Path) -> None:
    f = tmp_path / "outlook.vcf"
    f.write_text(
        "BEGIN:VCARD\nVERSION:2.1\nN:Hamilton;Margaret;Heafield;;\nFN:Hamilton, Margaret\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:2.1\nN:Doe;John;;;\nFN:Doe, Jane\nEND:VCARD\n"
    )
    margaret, other = cards(f)
    assert (margaret.name, margaret.given_name, margaret.family_name) == (
        "Margaret Heafield Hamilton",
        "Margaret",
        "Hamilton",
    )
    assert other.name == "Doe, Jane"  # FN says something N does not: kept as written


def test_a_card_known_only_by_a_nickname_is_named_by_it(tmp_path: Path) -> None:
    f = tmp_path / "nan.vcf"
    f.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nNICKNAME:Nana,Grandma\nTEL;TYPE=HOME:+44 20 7946 0001\nEND:VCARD\n"
    )
    (nana,) = cards(f)
    assert nana.name == "Nana" and nana.handles == (Handle("phone", "+44 20 7946 0001", "home"),)


def test_reads_a_folder_of_vcf_files_as_a_vdir() -> None:
    assert vcard.sniff(HERE / "vdir") >= 0.6
    assert [c.name for c in cards(HERE / "vdir")] == ["Alan Turing", "Edsger Dijkstra", "Ken Thompson"]


def test_keys_are_the_uid_or_a_hash_of_the_card_that_ignores_rev(tmp_path: Path) -> None:
    one = tmp_path / "one.vcf"
    two = tmp_path / "two.vcf"
    one.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nREV:2020-01-01T00:00:00Z\nEND:VCARD\n")
    two.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nREV:2024-05-05T00:00:00Z\r\nEND:VCARD\r\n")
    assert cards(one)[0].source_key == cards(two)[0].source_key
    assert cards(one)[0].source_key.startswith("vcard:sha1:")
    assert [c.source_key for c in cards(HERE / "iphone.vcf")] == [
        c.source_key for c in cards(HERE / "iphone.vcf")
    ]


def test_duplicate_uids_in_one_file_get_distinct_keys(tmp_path: Path) -> None:
    f = tmp_path / "dup.vcf"
    f.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nUID:x\nFN:Ada\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nUID:x\nFN:Bob\nEND:VCARD\n"
    )
    assert [c.source_key for c in cards(f)] == ["vcard:uid:x", "vcard:uid:x#1"]


def test_reads_cards_with_old_mac_line_ends_and_in_utf16(tmp_path: Path) -> None:
    card = "BEGIN:VCARD{n}VERSION:3.0{n}N:Curie;Marie;;;{n}FN:Marie{n}  Curie{n}EMAIL:marie@radium.example{n}END:VCARD{n}"
    mac = tmp_path / "mac.vcf"
    mac.write_bytes(card.format(n="\r").encode())
    utf16 = tmp_path / "unicode.vcf"
    utf16.write_bytes(card.format(n="\r\n").encode("utf-16"))
    for f in (mac, utf16):
        assert vcard.sniff(f) >= 0.9
        (marie,) = cards(f)
        assert (marie.name, marie.given_name, marie.family_name) == ("Marie Curie", "Marie", "Curie")
        assert marie.handles == (Handle("email", "marie@radium.example"),)


def test_sniffs_vcards_by_content() -> None:
    assert vcard.sniff(HERE / "iphone.vcf") >= 0.9
    assert vcard.sniff(FIXTURES / "linkedin" / "Connections_2018.csv") == 0.0
    assert vcard.sniff(FIXTURES / "linkedin" / "export_2025") == 0.0
    assert vcard.sniff(HERE / "no-such-file.vcf") == 0.0


# --- bad input ------------------------------------------------------------------------------------


def test_an_empty_file_is_a_source_error(tmp_path: Path) -> None:
    f = tmp_path / "empty.vcf"
    f.write_bytes(b"")
    with pytest.raises(SourceError, match="empty file"):
        read(f)


def test_a_file_of_the_wrong_type_is_a_source_error(tmp_path: Path) -> None:
    f = tmp_path / "cards.vcf"
    f.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    with pytest.raises(SourceError, match="not a vCard"):
        read(f)


def test_invalid_utf8_without_a_charset_is_read_as_windows_1252(tmp_path: Path) -> None:
    f = tmp_path / "latin.vcf"
    f.write_bytes(b"BEGIN:VCARD\nVERSION:3.0\nFN:Ren\xe9e Caf\xe9\nEND:VCARD\n")
    assert [c.name for c in cards(f)] == ["Renée Café"]


def test_a_broken_file_in_a_vdir_is_skipped_and_the_rest_read(tmp_path: Path) -> None:
    folder = tmp_path / "vdir"
    shutil.copytree(HERE / "vdir", folder)
    (folder / "zz.vcf").write_bytes(b"")
    records = read(folder)
    assert len([r for r in records if isinstance(r, ContactRecord)]) == 3
    (bad,) = [r for r in records if isinstance(r, Skipped)]
    assert bad.file == str(folder / "zz.vcf") and bad.reason == "empty file"


# --- every sample of the shared corpus (skipped when ../shared is absent) --------------------------

# file → (names of the people read, number of cards skipped)
CORPUS = {
    "Kozea__Radicale/radicale/tests/static/broken-vcard.vcf": ([None], 0),
    "Kozea__Radicale/radicale/tests/static/broken-vcards.vcf": ([None, None], 0),
    "Kozea__Radicale/radicale/tests/static/broken-vcards2-no_uid.vcf": (["Test Example", None], 0),
    "Kozea__Radicale/radicale/tests/static/broken-vcards2.vcf": (["Test Example", None], 0),
    "Kozea__Radicale/radicale/tests/static/contact1.vcf": (["Contact"], 0),
    "Kozea__Radicale/radicale/tests/static/contact1_v4.vcf": (["Contact"], 0),
    "Kozea__Radicale/radicale/tests/static/contact2-with-bday.vcf": (["Test-FN"], 0),
    "Kozea__Radicale/radicale/tests/static/contact3-with-bday.vcf": (["Test-FN-C3"], 0),
    "Kozea__Radicale/radicale/tests/static/contact4-with-bday-no-year.vcf": (
        ["Test bday without year Thunderbird CardBook"],
        0,
    ),
    "Kozea__Radicale/radicale/tests/static/contact_multiple.vcf": (["Contact1", "Contact2"], 0),
    "Kozea__Radicale/radicale/tests/static/contact_multiple_v4.vcf": (["Contact1", "Contact2"], 0),
    "Kozea__Radicale/radicale/tests/static/contact_photo_with_data_uri.vcf": (["Contact"], 0),
    "Kozea__Radicale/radicale/tests/static/contact_photo_with_data_uri_v4.vcf": (["Contact"], 0),
    "lucc__khard/test/fixture/vcards/altid.vcf": (["altid"], 0),
    "lucc__khard/test/fixture/vcards/category.vcf": (["contact with category"], 0),
    "lucc__khard/test/fixture/vcards/contact1.vcf": (["second contact"], 0),
    "lucc__khard/test/fixture/vcards/contact2.vcf": (["third contact"], 0),
    "lucc__khard/test/fixture/vcards/individual.vcf": (["Wile E. Coyote"], 0),
    "lucc__khard/test/fixture/vcards/issue249.vcf": (["Foo Bar"], 0),
    "lucc__khard/test/fixture/vcards/joe.vcf": (["Joe Citizen"], 0),
    "lucc__khard/test/fixture/vcards/korean-c.vcf": (["최유림"], 0),
    "lucc__khard/test/fixture/vcards/korean-j.vcf": (["전도훈"], 0),
    "lucc__khard/test/fixture/vcards/labels.vcf": (["labeled guy"], 0),
    "lucc__khard/test/fixture/vcards/minimal.vcf": (["minimal contact"], 0),
    "lucc__khard/test/fixture/vcards/nickname.vcf": (["Michael Smith"], 0),
    "lucc__khard/test/fixture/vcards/no-nickname.vcf": (["Mike Jones"], 0),
    "lucc__khard/test/fixture/vcards/org.vcf": ([], 1),  # KIND:org
    "lucc__khard/test/fixture/vcards/photov3.vcf": (["with photo v3"], 0),
    "lucc__khard/test/fixture/vcards/photov4.vcf": (["with photo v4"], 0),
    "lucc__khard/test/fixture/vcards/post.vcf": (["With post address"], 0),
    "lucc__khard/test/fixture/vcards/tel-value-uri.vcf": (["bug 195"], 0),
    "lucc__khard/test/fixture/vcards/text-bday.vcf": (["text birthday"], 0),
    "lucc__khard/test/fixture/vcards/unparsable.vcf": ([], 1),
    "mangstadt__ez-vcard/src/test/resources/ezvcard/io/text/John_Doe_BLACK_BERRY.vcf": (["John Doe"], 0),
    "mangstadt__ez-vcard/src/test/resources/ezvcard/io/text/John_Doe_GMAIL.vcf": (
        ["Mr. John Richter, James Doe Sr."],
        0,
    ),
    "mangstadt__ez-vcard/src/test/resources/ezvcard/io/text/John_Doe_LOTUS_NOTES.vcf": (
        ["Mr. Doe John I Johny"],
        0,
    ),
    "mangstadt__ez-vcard/src/test/resources/ezvcard/io/text/gmail-single.vcf": (["Greg Dartmouth"], 0),
    "mangstadt__ez-vcard/src/test/resources/ezvcard/io/text/gmail-single2.vcf": (["VCard Test"], 0),
    "mangstadt__ez-vcard/src/test/resources/ezvcard/io/text/outlook-2003.vcf": (["John Doe III"], 0),
    "mangstadt__ez-vcard/src/test/resources/ezvcard/io/text/rfc2426-example.vcf": (
        ["Frank Dawson", "Tim Howes"],
        0,
    ),
    EZ + "thunderbird-MoreFunctionsForAddressBook-extension.vcf": (
        ["John Doe"],
        0,
    ),
    "mangstadt__ez-vcard/src/test/resources/ezvcard/issue/issue114.vcf": (["Dummy Dummy"], 0),
    "py-vobject__vobject/test_files/radicale-1587.vcf": (["Given Family"], 0),
    "sabre-io__vobject/tests/VObject/issue153.vcf": (["Test Benutzer"], 0),
    "sabre-io__vobject/tests/VObject/issue64.vcf": ([], 1),  # a card holding only an empty photo
}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_shared_vcard_sample_reads(name: str) -> None:
    path = corpus("vcard", *name.split("/"))
    names, n_skipped = CORPUS[name]
    assert vcard.sniff(path) >= 0.9
    records = read(path)
    assert [c.name for c in records if isinstance(c, ContactRecord)] == names
    assert len([s for s in records if isinstance(s, Skipped)]) == n_skipped


def test_no_shared_vcard_sample_is_left_out() -> None:
    root = corpus("vcard")
    assert {str(p.relative_to(root)) for p in root.rglob("*.vcf")} <= set(CORPUS)


def test_real_outlook_2003_card_with_quoted_printable_split_across_lines() -> None:
    (john,) = cards(
        corpus("vcard", "mangstadt__ez-vcard/src/test/resources/ezvcard/io/text/outlook-2003.vcf")
    )
    assert (john.given_name, john.family_name) == ("John", "Doe")
    assert john.positions == (Position("Company, The", "The Job Title"),)
    assert john.notes == ("This is the note field!!\nSecond line\n\nThird line is empty",)
    assert john.birthday == date(1980, 3, 21)
    assert Handle("email", "jdoe@hotmail.com") in john.handles


def test_real_gmail_and_iphone_style_groups() -> None:
    (card,) = cards(
        corpus("vcard", "mangstadt__ez-vcard/src/test/resources/ezvcard/io/text/gmail-single2.vcf")
    )
    assert Handle("email", "customcategory@example.com", "customemailcategory") in card.handles
    assert Handle("url", "http://www.example6.com", "customwebsitecategory") in card.handles
    assert Handle("chat", "skype:IM5") in card.handles
    assert card.positions == (Position("TheCompany", "TheJobTitle"),)
    assert card.birthday == date(1912, 6, 23)


def test_real_lotus_notes_and_blackberry_photos_are_references() -> None:
    base = "mangstadt__ez-vcard/src/test/resources/ezvcard/io/text/"
    (lotus,) = cards(corpus("vcard", *(base + "John_Doe_LOTUS_NOTES.vcf").split("/")))
    assert lotus.source_key == "vcard:uid:0e7602cc-443e-4b82-b4b1-90f62f99a199"
    assert lotus.photo_ref is not None and lotus.photo_ref.startswith("sha1:")
    assert lotus.birthday == date(1980, 5, 21)
    assert Handle("url", "http://www.sun.com", "homepage") in lotus.handles
    (berry,) = cards(corpus("vcard", *(base + "John_Doe_BLACK_BERRY.vcf").split("/")))
    assert berry.photo_ref is not None and berry.photo_ref.startswith("sha1:")
    assert berry.handles == (Handle("phone", "+96123456789", "cell"),)


def test_real_thunderbird_birthday_without_year_and_categories() -> None:
    (tb,) = cards(shared("Kozea__Radicale/radicale/tests/static/contact4-with-bday-no-year.vcf"))
    assert tb.birthday == date(1604, 1, 1)
    base = "mangstadt__ez-vcard/src/test/resources/ezvcard/io/text/"
    (card,) = cards(
        corpus("vcard", *(base + "thunderbird-MoreFunctionsForAddressBook-extension.vcf").split("/"))
    )
    assert card.tags == ("category1", "category2", "category3")
    assert card.birthday == date(1970, 9, 21)


def test_a_vdir_with_collections_in_subfolders_reads_them_all(tmp_path: Path) -> None:
    top = tmp_path / "contacts"
    shutil.copytree(HERE / "vdir", top / "work")
    shutil.copy(HERE / "iphone.vcf", top / "iphone.vcf")
    assert vcard.sniff(top) >= 0.6
    assert len(cards(top)) == 2 + 3
