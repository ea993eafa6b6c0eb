from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.corpora import FIXTURES, shared_dir
from tieline.errors import SourceError
from tieline.records import InteractionRecord, ReadOptions, Record, Skipped
from tieline.sources import registry
from tieline.sources.phone import phonelog_csv
from tieline.sources.phone.phonelog_values import parse_duration, parse_time

HERE = FIXTURES / "phonelog_csv"


def _read(name: str, options: ReadOptions | None = None) -> tuple[list[InteractionRecord], list[str]]:
    records: list[Record] = list(phonelog_csv.read(HERE / name, options or ReadOptions()))
    found = [r for r in records if isinstance(r, InteractionRecord)]
    return found, [r.reason for r in records if isinstance(r, Skipped)]


def _who(rec: InteractionRecord) -> list[tuple[str, str | None]]:
    return [(p.handles[0].value, p.name) for p in rec.participants]


def test_an_android_call_log_with_epoch_milliseconds_and_numeric_types_reads_like_the_xml_backup():
    calls, skipped = _read("calllog-android.csv")
    assert [(c.direction, c.duration_s) for c in calls] == [
        ("in", 125),
        ("out", 30),
        ("in", 0),
        ("in", 45),
        ("in", 0),
    ]
    assert calls[0].when == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert _who(calls[0]) == [("+44 7700 900123", "Grace Hopper")]
    assert calls[0].sender == calls[0].participants[0] and calls[1].sender is None
    assert {c.channel for c in calls} == {"call"}
    assert skipped == ["blocked call", "number withheld", "no readable date", "unknown call type '9'"]


def test_a_german_log_with_semicolons_dotted_dates_a_time_column_and_windows_1252_names():
    calls, skipped = _read("anrufliste-de.csv")
    assert [(c.when, c.direction, c.duration_s) for c in calls] == [
        (datetime(2018, 9, 17, 21, 58, 22, tzinfo=UTC), "in", 65),
        (datetime(2018, 9, 18, 8, 2, tzinfo=UTC), "out", 42),
        (datetime(2018, 9, 18, 12, 30, 15, tzinfo=UTC), "in", 0),
        (datetime(2018, 9, 19, 19, 0, tzinfo=UTC), "in", 0),
    ]
    assert _who(calls[0]) == [("+49 30 901820", "Anna Müller")]
    assert skipped == ["blocked call", "number withheld"]


def test_an_sms_log_gives_texts_with_their_bodies_and_skips_drafts():
    texts, skipped = _read("sms-log.csv")
    assert [(t.direction, t.subject) for t in texts] == [
        ("in", "Tea later, at five?"),
        ("out", "Yes. See you there"),
        ("in", "Group hello"),
    ]
    assert {t.channel for t in texts} == {"sms"}
    assert texts[0].when == datetime(2012, 11, 20, 11, 56, 3, tzinfo=UTC)
    assert texts[1].when == datetime(2012, 11, 20, 12, 1, 40, tzinfo=UTC)
    group = texts[2]
    assert group.group_size == 3 and group.sender is None and all(p.name is None for p in group.participants)
    assert skipped == ["draft", "no phone number"]


def test_content_is_dropped_on_request():
    texts, _ = _read("sms-log.csv", ReadOptions(content=False))
    assert texts and all(t.subject is None for t in texts)


def test_an_ios_style_log_with_am_pm_dates_and_clock_durations():
    calls, skipped = _read("ios-calls.csv")
    assert [(c.when, c.direction, c.duration_s) for c in calls] == [
        (datetime(2012, 11, 20, 11, 56, tzinfo=UTC), "out", 125),
        (datetime(2012, 11, 20, 15, 4, tzinfo=UTC), "in", 3600),
        (datetime(2012, 11, 21, 9, 15, tzinfo=UTC), "in", 0),
    ]
    assert skipped == ["unreadable duration 'soon'"]


def test_a_mixed_log_with_from_and_to_columns_and_a_kind_column():
    found, skipped = _read("mixed-log.csv")
    assert skipped == []
    assert [(r.channel, r.direction, r.duration_s) for r in found] == [
        ("call", "in", 80),
        ("sms", "out", None),
        ("call", None, 120),
        ("sms", "in", None),
    ]
    assert found[0].when == datetime(2024, 3, 1, 8, 15, tzinfo=UTC)  # +01:00 converted
    assert found[3].when == datetime(2024, 3, 2, 17, 20, tzinfo=UTC)  # Unix seconds
    # Both sides and no direction: the owner is one of them, which ingest recognises.
    both = found[2]
    assert [h for h, _ in _who(both)] == ["+33 6 12 34 56 78", "+33 6 98 76 54 32"]
    assert both.group_size == 2 and both.sender == both.participants[0]


def test_keys_come_from_the_row_content_not_the_file(tmp_path: Path):
    copy = tmp_path / "elsewhere.csv"
    copy.write_bytes((HERE / "calllog-android.csv").read_bytes())
    first, _ = _read("calllog-android.csv")
    again = [r for r in phonelog_csv.read(copy, ReadOptions()) if isinstance(r, InteractionRecord)]
    assert [r.source_key for r in first] == [r.source_key for r in again]
    assert len({r.source_key for r in first}) == len(first)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1353412563000", datetime(2012, 11, 20, 11, 56, 3, tzinfo=UTC)),
        ("1353412563", datetime(2012, 11, 20, 11, 56, 3, tzinfo=UTC)),
        ("2012-11-20T11:56:03", datetime(2012, 11, 20, 11, 56, 3, tzinfo=UTC)),
        ("2012-11-20 12:56:03+01:00", datetime(2012, 11, 20, 11, 56, 3, tzinfo=UTC)),
        ("20/11/2012 11:56", datetime(2012, 11, 20, 11, 56, tzinfo=UTC)),
        ("05/03/2024 11:56:03", datetime(2024, 3, 5, 11, 56, 3, tzinfo=UTC)),
        ("05/03/2024 11:56 AM", datetime(2024, 5, 3, 11, 56, tzinfo=UTC)),
        ("11/20/2012 12:05 AM", datetime(2012, 11, 20, 0, 5, tzinfo=UTC)),
        ("17.09.2018 21:58:22", datetime(2018, 9, 17, 21, 58, 22, tzinfo=UTC)),
        ("Nov 20, 2012 11:56:03 PM", datetime(2012, 11, 20, 23, 56, 3, tzinfo=UTC)),
        ("20 Nov 2012 11:56", datetime(2012, 11, 20, 11, 56, tzinfo=UTC)),
    ],
)
def test_times_in_the_usual_shapes(text: str, expected: datetime):
    found = parse_time(text)
    assert found is not None and found[0] == expected


def test_the_user_can_say_an_ambiguous_date_is_month_first():
    found = parse_time("05/03/2024 11:56", day_first=False)
    assert found is not None and found[0] == datetime(2024, 5, 3, 11, 56, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("125", 125),
        ("125.0", 125),
        ("0:02:05", 125),
        ("02:05", 125),
        ("1m 20s", 80),
        ("1 h 2 min", 3720),
        ("", 0),
    ],
)
def test_durations_in_the_usual_shapes(text: str, seconds: int):
    assert parse_duration(text) == seconds


def test_unreadable_durations_are_none():
    assert parse_duration("soon") is None
    assert parse_duration("5 parsecs") is None
    assert parse_duration("-3") is None


def test_a_csv_without_a_number_or_time_column_is_a_source_error(tmp_path: Path):
    path = tmp_path / "other.csv"
    path.write_text("Name,Duration\nAda,3\n", encoding="utf-8")
    assert phonelog_csv.sniff(path) == 0.0
    with pytest.raises(SourceError):
        list(phonelog_csv.read(path, ReadOptions()))


# --- sniffing: confident on phone logs, silent on every other CSV ---------------------------------


def test_every_phonelog_fixture_is_picked_by_the_registry():
    for path in sorted(HERE.iterdir()):
        best, conf = registry.best(path, registry.readers())
        assert best is phonelog_csv and conf >= registry.FOLDER_CLAIM, path.name


def _other_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and HERE not in p.parents)


def test_no_other_fixture_is_claimed():
    claimed = [p.name for p in _other_files(FIXTURES) if phonelog_csv.sniff(p) > 0]
    assert claimed == []


def test_no_file_of_the_shared_corpora_is_claimed():
    root = shared_dir() / "data" / "corpora"
    if not root.is_dir():
        pytest.skip("shared corpora not available")
    claimed = [str(p.relative_to(root)) for p in _other_files(root) if phonelog_csv.sniff(p) > 0]
    assert claimed == []


@pytest.mark.parametrize(
    "header",
    [
        "ego,alter,timestamp,channel,initiator,duration_s",
        "Name,Given Name,Family Name,Phone 1 - Type,Phone 1 - Value,Birthday",
        "First Name,Last Name,Mobile Phone,Business Phone,Birthday",
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,DATE,SUBJECT,CONTENT,FOLDER",
        "Number,Name,Date",  # a number and a time but neither a duration nor a type
    ],
)
def test_contact_and_generic_csv_headers_are_not_claimed(header: str, tmp_path: Path):
    path = tmp_path / "x.csv"
    path.write_text(header + "\n", encoding="utf-8")
    assert phonelog_csv.sniff(path) == 0.0


# --- date order: decided for the whole file ------------------------------------------------------------


def _log(tmp_path: Path, *dates: str) -> Path:
    path = tmp_path / "log.csv"
    rows = "".join(f"{d},+44 7700 900123,1,60\n" for d in dates)
    path.write_text("Date,Number,Type,Duration\n" + rows, encoding="utf-8")
    return path


def _whens(path: Path, options: ReadOptions | None = None) -> list[datetime]:
    return [
        r.when for r in phonelog_csv.read(path, options or ReadOptions()) if isinstance(r, InteractionRecord)
    ]


def test_a_later_date_with_a_day_over_twelve_decides_the_order_of_the_whole_file(tmp_path: Path):
    path = _log(tmp_path, "05/03/2024 10:00", "20/03/2024 10:00")
    assert phonelog_csv.date_order(path) == "day-first"
    assert _whens(path, ReadOptions(day_first=False))[0] == datetime(2024, 3, 5, 10, tzinfo=UTC)
    path = _log(tmp_path, "05/03/2024 10:00", "03/20/2024 10:00")
    assert phonelog_csv.date_order(path) == "month-first"
    assert _whens(path)[0] == datetime(2024, 5, 3, 10, tzinfo=UTC)


def test_a_file_that_reads_both_ways_is_ambiguous_and_follows_the_users_answer(tmp_path: Path):
    path = _log(tmp_path, "05/03/2024 10:00", "06/03/2024 10:00")
    assert phonelog_csv.date_order(path) == "ambiguous"
    assert _whens(path, ReadOptions(day_first=False))[0] == datetime(2024, 5, 3, 10, tzinfo=UTC)
    assert _whens(path, ReadOptions(day_first=True))[0] == datetime(2024, 3, 5, 10, tzinfo=UTC)
    assert _whens(path)[0] == datetime(2024, 3, 5, 10, tzinfo=UTC)  # unanswered: day first


def test_am_pm_times_read_month_first_and_nothing_is_asked(tmp_path: Path):
    path = _log(tmp_path, "05/03/2024 10:00 AM")
    assert phonelog_csv.date_order(path) == "month-first"
    assert _whens(path)[0] == datetime(2024, 5, 3, 10, tzinfo=UTC)
