from __future__ import annotations

import shutil
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.corpora import FIXTURES, corpus
from tieline.errors import SourceError
from tieline.records import ContactRecord, Handle, InteractionRecord, Position, ReadOptions, Record, Skipped
from tieline.sources.contacts import linkedin

HERE = FIXTURES / "linkedin"
EXPORT = HERE / "export_2025"


@pytest.fixture(autouse=True)
def no_messages_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """messages.csv belongs to another reader; these tests count only what this one reads."""
    monkeypatch.setattr(linkedin, "_messages_reader", lambda: None)


def read(path: Path, **options: object) -> list[Record]:
    return list(linkedin.read(path, ReadOptions(**options)))  # type: ignore[arg-type]


def contacts(records: list[Record]) -> list[ContactRecord]:
    return [r for r in records if isinstance(r, ContactRecord)]


def by_name(records: list[Record]) -> dict[str, ContactRecord]:
    return {
        r.name: r for r in contacts(records) if r.name and r.source_key.startswith("linkedin:connection:")
    }


# --- Connections.csv variants ----------------------------------------------------------------------


def test_reads_every_connection_of_the_current_export_after_the_notes_preamble() -> None:
    records = read(EXPORT / "Connections.csv")
    people = by_name(records)
    assert sorted(people) == [
        "Ada Lovelace",
        "Edsger Dijkstra",
        "Grace Hopper",
        "Марія Коваль",
        "🚀 Alan Turing 💭",
    ]
    ada = people["Ada Lovelace"]
    assert ada.given_name == "Ada" and ada.family_name == "Lovelace"
    assert ada.handles == (
        Handle("email", "ada@analytical.example"),
        Handle("linkedin", "https://www.linkedin.com/in/ada-lovelace"),
    )
    assert ada.positions == (Position("Analytical Engines Ltd", "Programmer"),)
    assert ada.connected_on == datetime(2023, 7, 4, tzinfo=UTC)


def test_keeps_quoted_commas_emoji_and_encoded_urls() -> None:
    people = by_name(read(EXPORT / "Connections.csv"))
    assert people["Grace Hopper"].positions == (Position("Compilers, Inc.", "Rear Admiral"),)
    alan = people["🚀 Alan Turing 💭"]
    assert alan.positions == (Position("Bletchley Park", "Codebreaker: Hut 8, Enigma"),)
    assert alan.handles == (Handle("linkedin", "https://www.linkedin.com/in/%7Ealan"),)
    assert people["Edsger Dijkstra"].positions == ()


def test_skips_a_blank_restricted_row_with_its_line() -> None:
    skipped = [r for r in read(EXPORT / "Connections.csv") if isinstance(r, Skipped)]
    assert len(skipped) == 1
    assert skipped[0].record == "line 9" and "restricted" in skipped[0].reason


def test_reads_the_2018_layout_without_url_and_with_12_hour_dates() -> None:
    people = by_name(read(HERE / "Connections_2018.csv"))
    assert len(people) == 3
    assert people["Barbara Liskov"].connected_on == datetime(2018, 1, 8, 18, 14, tzinfo=UTC)
    assert people["Barbara Liskov"].handles == (Handle("email", "barbara@clu.example"),)
    assert people["Donald Knuth"].handles == ()  # an urn:li:member id is not an e-mail
    assert people["Frances Allen"].connected_on == datetime(2017, 12, 27, 0, 43, tzinfo=UTC)


def test_reads_an_excel_resave_in_windows_1252_with_na_cells() -> None:
    people = by_name(read(HERE / "Connections_excel.csv"))
    assert sorted(people) == ["José Müller", "Zoë O'Brien"]
    assert people["José Müller"].positions == (Position("Café Société", "Barista"),)
    assert people["José Müller"].connected_on == datetime(2024, 6, 18, tzinfo=UTC)
    zoe = people["Zoë O'Brien"]
    assert zoe.positions == () and zoe.handles == (
        Handle("linkedin", "https://www.linkedin.com/in/zoe-obrien"),
    )


def test_reads_a_header_without_an_email_column() -> None:
    (margaret,) = contacts(read(HERE / "Connections_noemail.csv"))
    assert margaret.name == "Margaret Hamilton"
    assert margaret.connected_on == datetime(1969, 7, 20, tzinfo=UTC)


def test_rereading_gives_the_same_source_keys() -> None:
    first = [r.source_key for r in contacts(read(EXPORT / "Connections.csv"))]
    again = [r.source_key for r in contacts(read(EXPORT / "Connections.csv"))]
    assert first == again and len(set(first)) == len(first)


def test_people_sharing_a_name_keep_their_own_keys(tmp_path: Path) -> None:
    f = tmp_path / "Connections.csv"
    rows = "".join(
        f"John,Smith,https://www.linkedin.com/in/john-smith-{i},,Acme,Engineer,01 Jan 2020\n"
        for i in range(50)
    )
    f.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n" + rows)
    keys = {r.source_key for r in contacts(read(f))}
    assert len(keys) == 50


# --- the other files -------------------------------------------------------------------------------


def test_invitations_say_how_we_met_and_when() -> None:
    records = contacts(read(EXPORT / "Invitations.csv"))
    assert [r.name for r in records] == ["Grace Hopper", "Ada Lovelace"]
    grace = records[0]
    assert grace.how_met == "We met at the COBOL meetup, remember?"
    assert grace.connected_on == datetime(2024, 6, 14, 5, 57, tzinfo=UTC)
    assert grace.handles == (Handle("linkedin", "https://www.linkedin.com/in/grace-hopper-1906"),)
    assert records[1].handles == (Handle("linkedin", "https://www.linkedin.com/in/ada-lovelace"),)


def test_invitations_with_member_urns_have_no_url_and_unnamed_ones_are_skipped() -> None:
    records = read(HERE / "Invitations_2023.csv")
    people = contacts(records)
    assert [(p.name, p.handles, p.how_met) for p in people] == [
        ("Mary Jackson", (), None),
        ("Dorothy Vaughan", (), "Let's stay in touch"),
    ]
    assert [s.record for s in records if isinstance(s, Skipped)] == ["line 4"]


def test_endorsements_are_social_interactions_in_both_directions() -> None:
    given = read(EXPORT / "Endorsement_Given_Info.csv")
    received = read(EXPORT / "Endorsement_Received_Info.csv")
    assert all(isinstance(r, InteractionRecord) for r in given + received)
    first = given[0]
    assert isinstance(first, InteractionRecord)
    assert (first.kind, first.channel, first.direction) == ("endorsement", "social", "out")
    assert first.when == datetime(2021, 12, 16, 12, 56, 17, tzinfo=UTC)
    assert first.participants[0].name == "Grace Hopper"
    assert first.participants[0].handles == (
        Handle("linkedin", "https://www.linkedin.com/in/grace-hopper-1906"),
    )
    assert first.subject == "Endorsed for COBOL"
    (ada,) = received
    assert isinstance(ada, InteractionRecord)
    assert ada.direction == "in" and ada.sender is not None and ada.sender.name == "Ada Lovelace"


def test_recommendations_given_and_received_and_no_content_drops_the_text() -> None:
    (given,) = read(EXPORT / "Recommendations_Given.csv")
    (received,) = read(EXPORT / "Recommendations_Received.csv", content=False)
    assert isinstance(given, InteractionRecord) and isinstance(received, InteractionRecord)
    assert (given.kind, given.direction, given.participants[0].name) == (
        "recommendation",
        "out",
        "Edsger Dijkstra",
    )
    assert given.when == datetime(2023, 12, 24, 5, 28, tzinfo=UTC)
    assert given.subject == "Edsger writes programs that are correct, by construction."
    assert (received.direction, received.subject) == ("in", None)


def test_the_owner_is_gathered_from_profile_positions_emails_and_phones() -> None:
    records = read(EXPORT)
    (me,) = [r for r in contacts(records) if r.is_me]
    assert me.name == "Katherine Johnson" and me.birthday == date(1604, 8, 26)
    assert Handle("email", "katherine@nasa.example", "primary") in me.handles
    assert Handle("phone", "+1 757 555 0100", "mobile", country="Hampton, Virginia") in me.handles
    assert Handle("chat", "skype:katherine.j") in me.handles
    assert Handle("url", "https://blog.katherine.example", "blog") in me.handles
    assert me.positions == (
        Position("NASA", "Mathematician", date(1958, 6, 1), date(1986, 8, 1)),
        Position("NACA", "Computer", date(1953, 6, 1), date(1958, 6, 1)),
    )


def test_reads_the_whole_export_folder_and_leaves_messages_alone() -> None:
    records = read(EXPORT)
    assert linkedin.sniff(EXPORT) >= 0.6
    assert len([r for r in contacts(records) if r.is_me]) == 1
    assert len(by_name(records)) == 5
    assert len([r for r in records if isinstance(r, InteractionRecord)]) == 5
    assert len(contacts(records)) == 1 + 5 + 2
    assert not any("messages" in r.source_key for r in contacts(records))


def test_hands_messages_over_to_the_messages_reader_when_it_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    def fake_read(path: Path, options: ReadOptions) -> list[Record]:
        seen.append(path.name)
        return []

    monkeypatch.setattr(linkedin, "_messages_reader", lambda: SimpleNamespace(read=fake_read))
    read(EXPORT)
    assert seen == ["messages.csv"]


def test_reads_the_export_zip_without_unpacking_it(tmp_path: Path) -> None:
    archive = tmp_path / "Basic_LinkedInDataExport_07-11-2025.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in EXPORT.iterdir():
            zf.write(f, f.name)
    assert linkedin.sniff(archive) >= 0.6
    from_zip = read(archive)
    from_folder = read(EXPORT)
    assert [r for r in from_zip if not isinstance(r, Skipped)] == [
        r for r in from_folder if not isinstance(r, Skipped)
    ]
    (skipped,) = [r for r in from_zip if isinstance(r, Skipped)]
    assert skipped.file == f"{archive}:Connections.csv" and skipped.record == "line 9"


def test_recognises_files_renamed_with_the_zip_prefix(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(
        EXPORT / "Connections.csv", folder / "Basic_LinkedInDataExport_07-11-2023.zip__Connections.csv"
    )
    assert linkedin.sniff(folder) >= 0.6
    assert len(by_name(read(folder))) == 5


def test_sniffs_by_content_not_by_name(tmp_path: Path) -> None:
    renamed = tmp_path / "whatever.txt"
    shutil.copy(EXPORT / "Connections.csv", renamed)
    assert linkedin.sniff(renamed) >= 0.8
    assert linkedin.sniff(EXPORT / "messages.csv") == 0.0
    assert linkedin.sniff(FIXTURES / "vcard" / "iphone.vcf") == 0.0
    assert linkedin.sniff(tmp_path / "missing.csv") == 0.0


# --- bad input ------------------------------------------------------------------------------------


def test_an_empty_file_is_a_source_error(tmp_path: Path) -> None:
    f = tmp_path / "Connections.csv"
    f.write_bytes(b"")
    with pytest.raises(SourceError, match="empty file"):
        read(f)


def test_a_file_of_the_wrong_type_is_a_source_error(tmp_path: Path) -> None:
    f = tmp_path / "photo.csv"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(SourceError) as err:
        read(f)
    assert err.value.file == str(f)


def test_invalid_utf8_in_one_row_is_read_as_windows_1252(tmp_path: Path) -> None:
    f = tmp_path / "Connections.csv"
    f.write_bytes(
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        b"Ren\xe9e,Caf\xe9,https://www.linkedin.com/in/renee,,,,01 Jan 2020\n"
        b"Ada,Lovelace,https://www.linkedin.com/in/ada,,,,01 Jan 2020\n"
    )
    assert [r.name for r in contacts(read(f))] == ["Renée Café", "Ada Lovelace"]


def test_a_ten_megabyte_field_is_a_source_error_naming_the_line(tmp_path: Path) -> None:
    f = tmp_path / "Connections.csv"
    f.write_bytes(
        b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        b"Ada,Lovelace,https://www.linkedin.com/in/ada,,,,01 Jan 2020\n"
        b'Grace,"' + b"x" * (10 << 20) + b'",,,,,01 Jan 2020\n'
    )
    with pytest.raises(SourceError) as err:
        read(f)
    assert err.value.record == "line 3"


def test_a_truncated_zip_is_a_source_error(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(EXPORT / "Connections.csv", "Connections.csv")
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    assert linkedin.sniff(archive) == 0.0
    with pytest.raises(SourceError, match="truncated or corrupt zip") as err:
        read(archive)
    assert err.value.file == str(archive)


def test_a_zip_member_escaping_the_archive_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("Connections.csv", (EXPORT / "Connections.csv").read_bytes())
        zf.writestr("../evil.csv", b"First Name,Last Name,Connected On\nA,B,01 Jan 2020\n")
    with pytest.raises(SourceError, match="escapes") as err:
        read(archive)
    assert err.value.file == f"{archive}:../evil.csv"


def test_a_zip_bomb_member_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Connections.csv", b"First Name,Last Name,Connected On\n" + b" " * (50 << 20))
    with pytest.raises(SourceError, match="zip bomb"):
        read(archive)


# --- the shared real exports (skipped when ../shared is absent) ------------------------------------


def test_real_2018_complete_export() -> None:
    folder = corpus("linkedin", "abhishekwebcode__Abhishek-Mathur-Complete_LinkedInDataExport_11-04-2018")
    records = read(folder)
    people = by_name(records)
    assert len(people) == 11
    assert people["Claus Bergh"].connected_on == datetime(2018, 1, 8, 18, 14, tzinfo=UTC)
    assert people["Claus Bergh"].positions == (Position("ApproveIT", "Owner"),)
    assert people["Vaibhav Blaggan"].positions[0].organization == (
        "The Startup Edge-Entrepreneurship Cell, Ramjas College."
    )
    invitations = [r for r in contacts(records) if r.source_key.startswith("linkedin:invitation:")]
    assert len(invitations) == 11
    assert "Nguyễn Xuân Chính" in {r.name for r in invitations}
    assert [r.how_met for r in invitations if r.name == "Shikha Saxena"] == [
        "hi i am abhishek mathur from 3rd year"
    ]
    (me,) = [r for r in contacts(records) if r.is_me]
    assert me.name == "Abhishek Mathur" and me.birthday == date(1998, 2, 17)
    assert len(me.positions) == 2 and me.positions[0].start == date(2018, 6, 1)
    assert Handle("email", "mathur17021play@gmail.com", "primary") in me.handles
    assert not [r for r in records if isinstance(r, Skipped)]


def test_real_2023_basic_export_with_prefixed_names() -> None:
    folder = corpus("linkedin", "mohamedeways__LinkedIn-Profile")
    records = read(folder)
    people = by_name(records)
    assert len(people) == 10
    assert people["Mohamed Hamdi"].connected_on == datetime(2023, 7, 4, tzinfo=UTC)
    assert people["MOHAB MATTAR"].positions == (Position("Hmto - همتو", "Key Account Manager"),)
    assert people["Doaa Gharib"].positions == ()
    assert len([r for r in contacts(records) if r.source_key.startswith("linkedin:invitation:")]) == 13
    interactions = [r for r in records if isinstance(r, InteractionRecord)]
    kinds = sorted((r.kind, r.direction) for r in interactions)
    assert kinds.count(("endorsement", "out")) == 9 and kinds.count(("endorsement", "in")) == 9
    assert kinds.count(("recommendation", "in")) == 1  # the Excel-mangled copy, cp1252 and `Creation Date.1`
    (me,) = [r for r in contacts(records) if r.is_me]
    assert me.name == "Muhammed Ewies" and me.birthday == date(1604, 4, 22)
    assert len(me.positions) == 4 and me.positions[0] == Position(
        "Hmto - همتو", "Business Application Support", date(2022, 11, 1)
    )
    assert len([h for h in me.handles if h.kind == "email"]) == 3


def test_real_2025_connections_with_emoji_and_tilde_urls() -> None:
    f = corpus("linkedin", "chriskirilov__warm-ranker", "Connections.csv")
    people = by_name(read(f))
    assert len(people) == 9
    assert people["Benjamin Schriel"].positions == (
        Position("Lifted, an Upwork Company™", "Sr. Director Platform"),
    )
    assert people["Kenson Chung"].handles == (Handle("linkedin", "https://www.linkedin.com/in/%7Ekenson"),)
    assert people["🚀 Brendan Kereiakes 💭"].connected_on == datetime(2025, 10, 21, tzinfo=UTC)
    assert people["Mission Dolores Manor"].positions == ()


def test_real_messages_only_folder_is_not_claimed() -> None:
    assert linkedin.sniff(corpus("linkedin", "JRL319__LinkedIn-Analytics")) == 0.0


def test_a_folder_that_only_holds_exports_deeper_down_is_not_claimed(tmp_path: Path) -> None:
    shutil.copytree(EXPORT, tmp_path / "downloads" / "export")
    assert linkedin.sniff(tmp_path) == 0.0
    assert linkedin.sniff(tmp_path / "downloads" / "export") >= 0.6


def test_reads_an_excel_resave_from_a_european_locale_with_semicolons(tmp_path: Path) -> None:
    f = tmp_path / "Connections.csv"
    text = (
        "First Name;Last Name;URL;Email Address;Company;Position;Connected On\r\n"
        "Jürgen;Müller;https://www.linkedin.com/in/jurgen;NA;Bäckerei, Müller & Söhne;Meister;03-Mar-22\r\n"
    )
    f.write_bytes(text.encode("cp1252"))
    assert linkedin.sniff(f) >= 0.8
    (jurgen,) = contacts(read(f))
    assert jurgen.name == "Jürgen Müller"
    assert jurgen.positions == (Position("Bäckerei, Müller & Söhne", "Meister"),)
    assert jurgen.connected_on == datetime(2022, 3, 3, tzinfo=UTC)


def test_reads_connected_on_written_in_the_members_language() -> None:
    people = by_name(read(HERE / "Connections_fr.csv"))
    assert {name: p.connected_on for name, p in people.items()} == {
        "Marie Curie": datetime(2019, 7, 4, tzinfo=UTC),
        "Pierre Curie": datetime(2018, 12, 12, tzinfo=UTC),
        "Irène Joliot-Curie": datetime(2020, 6, 3, tzinfo=UTC),
    }


def test_day_first_dates_of_a_european_excel_resave(tmp_path: Path) -> None:
    f = tmp_path / "Connections.csv"
    f.write_text(
        "First Name;Last Name;URL;Email Address;Company;Position;Connected On\n"
        "Jan;de Vries;https://www.linkedin.com/in/jan-de-vries;;;;25/06/2024\n"
        "Anna;Jansen;https://www.linkedin.com/in/anna-jansen;;;;05/03/2024\n"
    )
    jan, anna = contacts(read(f))
    assert jan.connected_on == datetime(2024, 6, 25, tzinfo=UTC)  # 25 cannot be a month
    assert anna.connected_on == datetime(2024, 5, 3, tzinfo=UTC)  # month first, as LinkedIn writes it
    assert contacts(read(f, day_first=True))[1].connected_on == datetime(2024, 3, 5, tzinfo=UTC)


def test_a_notes_preamble_whose_paragraph_spans_lines_is_stepped_over(tmp_path: Path) -> None:
    f = tmp_path / "Connections.csv"
    f.write_text(
        "Notes:\n"
        '"When exporting your connection data, you may notice that some\n'
        'of the email addresses are missing, see the settings page."\n'
        "\n"
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Ada,Lovelace,https://www.linkedin.com/in/ada,,,,04 Jul 2023\n"
    )
    assert linkedin.sniff(f) >= 0.8
    records = read(f)
    assert [r.name for r in contacts(records)] == ["Ada Lovelace"]
    assert not [r for r in records if isinstance(r, Skipped)]


def test_reads_the_uploaded_address_book_of_2018_with_sites_and_profiles() -> None:
    records = read(HERE / "Imported Contacts.csv")
    alan, mam = contacts(records)
    assert (alan.name, alan.positions) == ("Alan Kay", (Position("Xerox PARC", "Researcher"),))
    assert alan.handles == (
        Handle("email", "alan@parc.example"),
        Handle("phone", "+1 650 555 0101"),
        Handle("phone", "+1 650 555 0102"),
        Handle("url", "https://www.smalltalk.example"),
        Handle("linkedin", "https://www.linkedin.com/in/alan-kay"),
    )
    assert mam.name == "mam" and mam.handles == (Handle("phone", "9873400000"),)
    assert [s.record for s in records if isinstance(s, Skipped)] == ["line 4"]


def test_reads_the_uploaded_address_book_of_2023_with_null_cells() -> None:
    records = read(HERE / "Contacts.csv")
    unnamed, adele = contacts(records)
    assert unnamed.name is None and unnamed.handles == (Handle("email", "adele@goldberg.example"),)
    assert adele.name == "Adele Goldberg" and adele.positions == (Position("ParcPlace", None),)
    assert [h.value for h in adele.handles] == ["adele@parcplace.example", "adele@goldberg.example"]
    assert adele.birthday == date(1945, 7, 7)
    assert [s.record for s in records if isinstance(s, Skipped)] == ["line 4"]  # every cell `null`


def test_an_endorsement_or_recommendation_from_nobody_is_skipped_not_a_nameless_person(
    tmp_path: Path,
) -> None:
    endorsements = tmp_path / "Endorsement_Received_Info.csv"
    endorsements.write_text(
        "Endorsement Date,Skill Name,Endorser First Name,Endorser Last Name,Endorser Public Url,"
        "Endorsement Status\n2021/08/11 11:00:31 UTC,Python,,,,ACCEPTED\n"
    )
    recommendations = tmp_path / "Recommendations_Received.csv"
    recommendations.write_text(
        "First Name,Last Name,Company,Job Title,Text,Creation Date,Status\n"
        ',,,,Great colleague.,"01/15/24, 09:00 PM",VISIBLE\n'
    )
    for f in (endorsements, recommendations):
        (skip,) = read(f)
        assert isinstance(skip, Skipped) and skip.record == "line 2"


def test_reads_recommendations_mangled_by_excel(tmp_path: Path) -> None:
    f = tmp_path / "Recommendations_Received.csv"
    f.write_bytes(
        "Last Name,Company,Job Title,Text,Creation Date.1,Status\r\n"
        '"Hamilton, PMP",Apollo Guidance,Lead,"She\u2019s careful.","12/24/23, 05:28 AM",VISIBLE\r\n'.encode(
            "cp1252"
        )
    )
    (rec,) = read(f)
    assert isinstance(rec, InteractionRecord) and rec.kind == "recommendation" and rec.direction == "in"
    assert rec.participants[0].name == "Hamilton, PMP"
    assert rec.when == datetime(2023, 12, 24, 5, 28, tzinfo=UTC) and rec.subject == "She\u2019s careful."
