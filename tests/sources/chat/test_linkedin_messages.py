from datetime import UTC, datetime

import pytest

from tests.corpora import FIXTURES, corpus
from tieline.records import InteractionRecord, ReadOptions, Skipped
from tieline.sources.chat import linkedin_messages

HERE = FIXTURES / "linkedin_messages"


def read(path):
    records = list(linkedin_messages.read(path, ReadOptions()))
    return [r for r in records if isinstance(r, InteractionRecord)], [
        r for r in records if isinstance(r, Skipped)
    ]


def test_reads_the_2026_layout_with_multi_line_content_and_group_threads():
    found, skipped = read(HERE / "messages.csv")
    assert len(found) == 3
    assert [s.reason for s in skipped] == ["sponsored InMail", "unreadable date 'not a date'"]
    first = found[0]
    assert (
        first.sender is not None
        and first.sender.handles[0].value == "https://www.linkedin.com/in/gracehopper"
    )
    assert first.sender.handles[0].kind == "linkedin"
    assert first.subject == 'Hi Ada, would you review my "COBOL" paper? Grace'
    assert first.when == datetime(2025, 2, 3, 10, 0, tzinfo=UTC)
    assert found[1].subject == "Gladly & soon"
    assert [p.name for p in found[2].participants] == ["Charles Babbage", "Mary Somerville"]
    assert found[2].group_size == 3
    assert found[0].thread == found[1].thread


def test_reads_the_2018_layout_with_direction():
    found, _ = read(HERE / "Messages.csv")
    assert [(m.direction, m.when) for m in found] == [
        ("in", datetime(2018, 10, 16, 8, 36, tzinfo=UTC)),
        ("out", datetime(2018, 10, 17, 13, 5, tzinfo=UTC)),
    ]


def test_connections_are_not_claimed():
    assert linkedin_messages.sniff(HERE / "Connections.csv") == 0.0
    assert linkedin_messages.sniff(HERE / "messages.csv") >= 0.7


SAMPLES = [
    (
        ("JRL319__LinkedIn-Analytics", "messages.csv"),
        4,
        1,
        {"Jaclyn Leaver", "Rob Davidson"},
    ),
    (
        ("abhishekwebcode__Abhishek-Mathur-Complete_LinkedInDataExport_11-04-2018", "Messages.csv"),
        11,
        0,
        {
            "Angela from",
            "Abhishek Mathur",
            "Haseeb Ahmed",
            "Google Cloud",
            "Ravi Teja Palaparthi",
            "Anuj Prasad",
            "Yugam Parashar",
            "Rachna Jain",
        },
    ),
    (
        ("mohamedeways__LinkedIn-Profile", "Basic_LinkedInDataExport_07-11-2023.zip__messages.csv"),
        8,
        5,
        {"Salma ElSherif", "Muhammed Ewies", "Abdelaziz Hamed"},
    ),
]


@pytest.mark.parametrize(("parts", "count", "sponsored", "people"), SAMPLES)
def test_every_real_messages_export_reads_with_its_people(parts, count, sponsored, people):
    path = corpus("linkedin", *parts)
    assert linkedin_messages.sniff(path) >= 0.7
    found, skipped = read(path)
    assert len(found) == count
    assert sum(s.reason == "sponsored InMail" for s in skipped) == sponsored
    names = {m.sender.name for m in found if m.sender} | {p.name for m in found for p in m.participants}
    assert names == people


def test_no_other_linkedin_file_is_claimed():
    folder = corpus("linkedin")
    for path in folder.rglob("*.csv"):
        if path.name.lower().endswith("messages.csv"):
            continue
        assert linkedin_messages.sniff(path) == 0.0, path.name


def test_an_excel_resave_with_semicolons_and_windows_1252_is_read():
    path = HERE / "messages-excel-semicolons.csv"
    assert linkedin_messages.sniff(path) >= 0.7
    found, skipped = read(path)
    assert skipped == []
    assert [(m.when, m.sender.name if m.sender else None, m.subject) for m in found] == [
        (datetime(2023, 7, 10, 15, 47, 10, tzinfo=UTC), "René Descartes", "Café; demain?"),
        (datetime(2023, 7, 10, 16, 2, tzinfo=UTC), "Ada Lovelace", "Volontiers – à 10h"),
    ]
    assert found[0].participants[0].handles[0].value == "https://www.linkedin.com/in/adalovelace"


def test_drafts_in_the_thirteen_column_layout_are_skipped():
    found, skipped = read(HERE / "messages-drafts.csv")
    assert [m.subject for m in found] == ["Sent one"]
    assert [s.reason for s in skipped] == ["draft"]
