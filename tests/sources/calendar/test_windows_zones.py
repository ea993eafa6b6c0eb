"""Issue 12, case 7: Windows zone names map through the complete CLDR table; an unknown zone is said."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tieline.records import InteractionRecord, ReadOptions
from tieline.sources.calendar import ics


def _event(path: Path, tzid: str) -> Path:
    path.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:z@x\r\n"
        f'DTSTART;TZID="{tzid}":20240115T120000\r\nDTEND;TZID="{tzid}":20240115T130000\r\n'
        "ORGANIZER:mailto:boss@example.org\r\nATTENDEE:mailto:ada@example.org\r\nSUMMARY:Call\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("tzid", "utc_hour", "utc_minute"),
    [
        ("Nepal Standard Time", 6, 15),  # +05:45, not in the old 44-entry table
        ("Myanmar Standard Time", 5, 30),  # +06:30
        ("Iran Standard Time", 8, 30),  # +03:30
        ("Mountain Standard Time (Mexico)", 19, 0),  # -07:00
        ("W. Europe Standard Time", 11, 0),
        ("Coordinated Universal Time", 12, 0),
    ],
)
def test_windows_zone_names_are_all_known(tzid: str, utc_hour: int, utc_minute: int, tmp_path: Path) -> None:
    (found,) = [
        r
        for r in ics.read(_event(tmp_path / "z.ics", tzid), ReadOptions())
        if isinstance(r, InteractionRecord)
    ]
    assert found.when == datetime(2024, 1, 15, utc_hour, utc_minute, tzinfo=UTC)


def test_an_unknown_zone_is_read_as_utc_and_said_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="tieline.sources"):
        path = _event(tmp_path / "z.ics", "Nowhere Standard Time")
        records = list(ics.read(path, ReadOptions()))
    (found,) = [r for r in records if isinstance(r, InteractionRecord)]
    assert found.when == datetime(2024, 1, 15, 12, 0, tzinfo=UTC)
    said = [r.getMessage() for r in caplog.records if "time zone" in r.getMessage()]
    assert said == [f"{path}: unknown time zone 'Nowhere Standard Time': its times are read as UTC"]
