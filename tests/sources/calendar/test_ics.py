"""The iCalendar reader: Google, Outlook, vCal 1.0, recurrences, rooms, declines, and the real samples."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.corpora import FIXTURES, corpus
from tieline.errors import SourceError
from tieline.records import InteractionRecord, ReadOptions, Record, Skipped
from tieline.sources.calendar import ics, vcalrule

ICS = FIXTURES / "ics"
AS_OF = "2026-11-25T00:00:00+00:00"


def read(path: Path, as_of: str = AS_OF, content: bool = True) -> list[Record]:
    return list(ics.read(path, ReadOptions(content=content, extra={"as_of": as_of})))


def meetings(records: list[Record]) -> list[InteractionRecord]:
    return [r for r in records if isinstance(r, InteractionRecord)]


def by_uid(records: list[Record], uid: str) -> list[InteractionRecord]:
    return [r for r in meetings(records) if r.source_key.startswith(f"ics:{uid}/")]


def people(record: InteractionRecord) -> list[tuple[str, bool]]:
    return [(p.handles[0].value, p.declined) for p in record.participants]


def test_sniff_claims_calendars_only() -> None:
    assert ics.sniff(ICS / "google.ics") == 0.95
    assert ics.sniff(ICS / "outlook.ics") == 0.95  # with a BOM
    assert ics.sniff(ICS / "meeting.vcs") == 0.95
    assert ics.sniff(FIXTURES / "mbox" / "mutt.mbox") == 0.0
    assert ics.sniff(ICS) == 0.0


def test_a_folded_attendee_line_is_unfolded_before_reading_the_address() -> None:
    (meeting,) = by_uid(read(ICS / "google.ics"), "one-to-one@google.com")
    assert people(meeting) == [("ada@example.com", False), ("grace@example.org", False)]
    assert meeting.participants[1].name == "Grace Hopper"
    assert meeting.participants[0].name == "Ada Lovelace"
    assert meeting.channel == "meeting" and meeting.direction == "both"
    assert meeting.when == datetime(2024, 6, 10, 13, 0, tzinfo=UTC)  # 14:00 London summer time
    assert meeting.duration_s == 1800
    assert meeting.subject == "Coffee, engines and notes"
    assert meeting.group_size == 2 and not meeting.bulk


def test_rooms_resources_and_group_calendars_are_not_people_and_declines_are_marked() -> None:
    (meeting,) = by_uid(read(ICS / "google.ics"), "planning@google.com")
    assert people(meeting) == [
        ("grace@example.org", False),
        ("ada@example.com", False),
        ("alan@example.net", True),
    ]
    assert meeting.sender is not None and meeting.sender.handles[0].value == "grace@example.org"
    assert meeting.group_size == 2


def test_a_weekly_meeting_expands_with_its_exception_and_its_moved_occurrence() -> None:
    weekly = by_uid(read(ICS / "google.ics"), "weekly@google.com")
    assert len(weekly) == 26  # 27 Tuesdays to 2 July, less the excluded 9 January
    keys = [r.source_key for r in weekly]
    assert len(set(keys)) == 26
    assert "ics:weekly@google.com/20240109T100000Z" not in keys
    moved = [r for r in weekly if r.source_key == "ics:weekly@google.com/20240116T100000Z"]
    assert len(moved) == 1 and moved[0].when == datetime(2024, 1, 17, 15, 0, tzinfo=UTC)
    assert len(moved[0].participants) == 3
    assert max(r.when for r in weekly) == datetime(2024, 7, 2, 9, 0, tzinfo=UTC)  # 10:00 BST; UNTIL inclusive


def test_expansion_stops_at_the_as_of_date() -> None:
    weekly = by_uid(read(ICS / "google.ics", as_of="2024-02-01T00:00:00+00:00"), "weekly@google.com")
    assert sorted(r.when.day for r in weekly) == [2, 17, 23, 30]


def test_all_day_and_free_time_events_are_diluted_and_cancelled_or_lonely_ones_skipped() -> None:
    records = read(ICS / "google.ics")
    (allday,) = by_uid(records, "allday@google.com")
    assert allday.bulk and allday.duration_s is None and allday.source_key.endswith("/20240615")
    (free,) = by_uid(records, "free@google.com")
    assert free.bulk and free.duration_s == 5400
    assert [(s.record, s.reason) for s in records if isinstance(s, Skipped)] == [
        ("line 96", "cancelled event"),
        ("line 105", "no attendees"),
    ]
    assert len(meetings(records)) == 30


def test_thirty_people_make_a_town_hall_bulk_and_an_endless_rule_is_capped() -> None:
    records = read(ICS / "big.ics")
    (townhall,) = by_uid(records, "townhall@example.com")
    assert townhall.group_size == 31 and townhall.bulk
    assert len(by_uid(records, "daily-forever@example.com")) == ics.MAX_OCCURRENCES


def test_google_holiday_feeds_give_no_people() -> None:
    records = read(ICS / "holidays.ics")
    assert [r.reason for r in records if isinstance(r, Skipped)] == ["no attendees", "no attendees"]
    assert meetings(records) == []


def test_outlook_windows_time_zones_and_quoted_names() -> None:
    (meeting,) = meetings(read(ICS / "outlook.ics"))
    assert meeting.when == datetime(2024, 7, 15, 8, 0, tzinfo=UTC)  # W. Europe summer time
    assert meeting.duration_s == 5400
    assert [p.name for p in meeting.participants] == ["Lovelace, Ada", "Hopper, Grace", "Edsger Dijkstra"]


def test_vcal_1_0_with_quoted_printable_and_declined_status() -> None:
    first, *later = meetings(read(ICS / "meeting.vcs"))  # RRULE:W1 #3, three Fridays
    assert first.subject == "Café with Grace"
    assert people(first) == [("grace@example.org", False), ("alan@example.net", True)]
    assert first.source_key.startswith("ics:sha1-")
    assert [r.when.day for r in (first, *later)] == [5, 12, 19]
    assert len({r.source_key for r in (first, *later)}) == 3


VCS = ICS / "recurring.vcs"


def whens(uid: str, as_of: str = AS_OF) -> list[datetime]:
    return [r.when for r in by_uid(read(VCS, as_of=as_of), uid)]


def test_a_vcal_weekly_rule_with_days_counts_weeks_not_meetings() -> None:
    standups = whens("weekly-mo-th@example.com")  # W1 MO TH #10: ten weeks, Monday and Thursday
    assert len(standups) == 20
    assert {w.strftime("%a") for w in standups} == {"Mon", "Thu"}
    assert standups[0] == datetime(2024, 1, 1, 9, 0, tzinfo=UTC)
    assert standups[-1] == datetime(2024, 3, 7, 9, 0, tzinfo=UTC)


def test_a_vcal_daily_count_honours_its_semicolon_separated_exceptions() -> None:
    assert [w.day for w in whens("daily-five@example.com")] == [1, 3, 5]  # D1 #5 less 2 and 4 March


def test_a_vcal_end_date_ends_the_series() -> None:
    fortnightly = whens("fortnightly@example.com")  # W2 TU 20241231T000000Z
    assert [(w.month, w.day) for w in fortnightly] == [
        (10, 1), (10, 15), (10, 29), (11, 12), (11, 26), (12, 10), (12, 24),
    ]  # fmt: skip


def test_vcal_monthly_and_yearly_rules() -> None:
    paydays = whens("monthly-days@example.com")  # MD1 1 15 #12
    assert len(paydays) == 24 and {w.day for w in paydays} == {1, 15}
    assert paydays[-1] == datetime(2024, 12, 15, 12, 0, tzinfo=UTC)
    retros = whens("first-last-friday@example.com")  # MP1 1+ 1- FR #3
    assert [(w.month, w.day) for w in retros] == [(1, 5), (1, 26), (2, 2), (2, 23), (3, 1), (3, 29)]


def test_a_vcal_forever_rule_is_bounded_by_the_as_of_date_and_the_cap() -> None:
    lunches = whens("birthday-lunch@example.com")  # YM1 6 #0, from June 2000
    assert [w.year for w in lunches] == list(range(2000, 2027))
    assert [w.year for w in whens("birthday-lunch@example.com", as_of="2010-01-01T00:00:00+00:00")] == list(
        range(2000, 2010)
    )
    assert len(whens("daily-forever@example.com")) == ics.MAX_OCCURRENCES  # D1 #0 since 2020


def test_a_vcal_rule_without_count_or_end_repeats_twice_as_the_spec_says() -> None:
    assert [w.day for w in whens("no-count@example.com")] == [1, 8]  # D7


def test_an_unreadable_vcal_rule_still_gives_the_first_occurrence() -> None:
    records = read(VCS)
    assert whens("unreadable@example.com") == [datetime(2024, 9, 1, 15, 0, tzinfo=UTC)]  # RRULE:W1 FOO #5
    assert not [r for r in records if isinstance(r, Skipped)]


def test_vcal_occurrences_have_stable_distinct_keys() -> None:
    first = [r.source_key for r in meetings(read(VCS))]
    assert first == [r.source_key for r in meetings(read(VCS))]
    assert len(first) == len(set(first)) == 20 + 3 + 7 + 24 + 6 + 27 + ics.MAX_OCCURRENCES + 2 + 1
    assert "ics:weekly-mo-th@example.com/20240104T090000Z" in first


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("W1 MO TH #10", ["FREQ=WEEKLY;INTERVAL=1;UNTIL=20240309T235959;WKST=SU;BYDAY=MO,TH"]),
        ("D1 #5", ["FREQ=DAILY;INTERVAL=1;UNTIL=20240109T235959"]),
        ("W2 TU 20091231T000000Z", ["FREQ=WEEKLY;INTERVAL=2;UNTIL=20091231T000000;WKST=SU;BYDAY=TU"]),
        ("W1 #9 20240115", ["FREQ=WEEKLY;INTERVAL=1;UNTIL=20240115T235959;WKST=SU"]),
        ("MD1 1 15 #12", ["FREQ=MONTHLY;INTERVAL=1;UNTIL=20241231T235959;BYMONTHDAY=1,15"]),
        ("MD1 LD 10- #0", ["FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=-1,-10"]),
        ("MP1 1+ 2- TH #0", ["FREQ=MONTHLY;INTERVAL=1;BYDAY=1TH,-2TH"]),
        ("MP1 #0", ["FREQ=MONTHLY;INTERVAL=1;BYDAY=1FR"]),
        ("YM1 6 #0", ["FREQ=YEARLY;INTERVAL=1;BYMONTH=6"]),
        ("YD1 100 #0", ["FREQ=YEARLY;INTERVAL=1;BYYEARDAY=100"]),
        ("D1 0900 1400 #0", [
            "FREQ=DAILY;INTERVAL=1;BYHOUR=9;BYMINUTE=0;BYSECOND=0",
            "FREQ=DAILY;INTERVAL=1;BYHOUR=14;BYMINUTE=0;BYSECOND=0",
        ]),
    ],
)  # fmt: skip
def test_vcal_rules_translate_to_the_icalendar_rule_that_means_the_same(
    rule: str, expected: list[str]
) -> None:
    assert vcalrule.is_vcal(rule)
    assert vcalrule.to_icalendar(rule, datetime(2024, 1, 5, 10, 0), UTC) == expected


@pytest.mark.parametrize("rule", ["Q1 #5", "W1 XX #3", "MD1 32", "W0 #3", "D1 2500", "YM1 13", "MP1 FR"])
def test_rules_outside_the_vcal_grammar_are_refused(rule: str) -> None:
    with pytest.raises(ValueError):
        vcalrule.to_icalendar(rule, datetime(2024, 1, 5, 10, 0), UTC)


def test_a_broken_event_is_skipped_and_the_rest_still_read() -> None:
    records = read(ICS / "broken.ics")
    assert [type(r).__name__ for r in records] == [
        "InteractionRecord",
        "Skipped",
        "Skipped",
        "InteractionRecord",
    ]
    assert [r.reason for r in records if isinstance(r, Skipped)] == [
        "event without END:VEVENT",
        "unreadable start time '2024-03-03'",
    ]


def test_no_content_keeps_no_summary_and_keys_are_stable() -> None:
    first = read(ICS / "google.ics", content=False)
    assert all(r.subject is None for r in meetings(first))
    assert [getattr(r, "source_key", None) for r in first] == [
        getattr(r, "source_key", None) for r in read(ICS / "google.ics")
    ]


def test_a_bad_as_of_and_a_non_calendar_are_source_errors() -> None:
    with pytest.raises(SourceError, match="as_of"):
        read(ICS / "google.ics", as_of="soon")
    with pytest.raises(SourceError, match="not an iCalendar"):
        read(FIXTURES / "mbox" / "mutt.mbox")


RADICALE = ("ics", "Kozea__Radicale", "radicale", "tests", "static")
ICALENDAR = ("ics", "collective__icalendar", "src", "icalendar")

# (path, meetings, skipped, participants over all meetings), established by reading each file.
REAL = [
    ((*RADICALE, "broken-vevent.ics"), 0, 1, 0),
    ((*RADICALE, "event1.ics"), 1, 0, 3),
    ((*RADICALE, "event_issue2151.ics"), 27, 0, 27 * 4),
    (("ics", "collective__icalendar", "docs", "tutorials", "example.ics"), 1, 1, 3),
    ((*ICALENDAR, "fuzzing", "corpus", "event_with_rsvp.ics"), 0, 1, 0),
    ((*ICALENDAR, "fuzzing", "corpus", "event_with_unicode_organizer.ics"), 0, 1, 0),
    ((*ICALENDAR, "fuzzing", "corpus", "issue_101_icalendar_chokes_on_umlauts_in_organizer.ics"), 1, 0, 1),
    ((*ICALENDAR, "tests", "calendars", "alarm_google_acknowledged.ics"), 0, 1, 0),
    ((*ICALENDAR, "tests", "calendars", "alarm_google_future.ics"), 0, 1, 0),
    ((*ICALENDAR, "tests", "calendars", "alarm_thunderbird_future.ics"), 0, 1, 0),
    ((*ICALENDAR, "tests", "calendars", "big_bad_calendar.ics"), 0, 20, 0),
    ((*ICALENDAR, "tests", "calendars", "bom_calendar.ics"), 0, 0, 0),
    ((*ICALENDAR, "tests", "calendars", "broken_ical.ics"), 0, 1, 0),
    ((*ICALENDAR, "tests", "calendars", "calendar_with_unicode.ics"), 0, 0, 0),
    ((*ICALENDAR, "tests", "calendars", "issue_165_missing_event.ics"), 0, 1, 0),
    ((*ICALENDAR, "tests", "calendars", "issue_836_do_not_quote_tzid.ics"), 0, 1, 0),
    ((*ICALENDAR, "tests", "calendars", "parsing_error.ics"), 0, 2, 0),
    ((*ICALENDAR, "tests", "calendars", "property_params.ics"), 1, 0, 3),
    ((*ICALENDAR, "tests", "calendars", "rfc_7256_multi_value_parameters.ics"), 0, 2, 0),
    ((*ICALENDAR, "tests", "calendars", "timezone_same_start.ics"), 0, 1, 0),
    ((*ICALENDAR, "tests", "calendars", "x_location.ics"), 0, 1, 0),
]


@pytest.mark.parametrize(("parts", "n_meetings", "n_skipped", "n_people"), REAL, ids=lambda v: str(v))
def test_reads_every_real_sample_calendar(
    parts: tuple[str, ...], n_meetings: int, n_skipped: int, n_people: int
) -> None:
    records = read(corpus(*parts))
    found = meetings(records)
    assert (len(found), len(records) - len(found)) == (n_meetings, n_skipped)
    assert sum(len(r.participants) for r in found) == n_people


def test_the_real_exchange_series_honours_its_override_and_exdate() -> None:
    records = read(corpus(*RADICALE, "event_issue2151.ics"))
    keys = [r.source_key[-16:] for r in meetings(records)]
    assert "20260403T090000Z" not in keys and "20260403T100000Z" not in keys  # EXDATE (floating wall time)
    moved = [r for r in meetings(records) if r.source_key.endswith("/20260130T100000Z")]
    assert [r.when for r in moved] == [datetime(2026, 1, 30, 9, 30, tzinfo=UTC)]


def test_the_real_blackberry_all_day_meeting_is_diluted() -> None:
    (meeting,) = meetings(read(corpus(*ICALENDAR, "tests", "calendars", "property_params.ics")))
    assert meeting.bulk and meeting.group_size == 3
    assert meeting.sender is not None and meeting.sender.handles[0].value == "rembrand@daxlab.com"
