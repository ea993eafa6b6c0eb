"""The helpers every reader shares: times, source keys, text repair."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from tieline.sources import keys, text, times


def test_fix_mojibake_repairs_meta_escaping_and_leaves_correct_strings_alone() -> None:
    assert text.fix_mojibake("Zoë") == "Zoë"
    assert text.fix_mojibake("Zo\u00c3\u00ab") == "Zoë"
    assert text.fix_mojibake("plain") == "plain"
    assert text.fix_mojibake("caf\u00e9 \u00c3") == "caf\u00e9 \u00c3"  # not UTF-8 underneath: unchanged


def test_decode_line_falls_back_to_windows_1252_then_latin_1() -> None:
    assert text.decode_line("Zoë".encode()) == "Zoë"
    assert text.decode_line(b"Zo\xeb") == "Zoë"
    assert text.decode_line(b"\x81") == "\x81"  # undefined in Windows-1252


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (1719824400, "auto", datetime(2024, 7, 1, 9, 0, tzinfo=UTC)),
        (1719824400000, "auto", datetime(2024, 7, 1, 9, 0, tzinfo=UTC)),
        ("1719824400000", "ms", datetime(2024, 7, 1, 9, 0, tzinfo=UTC)),
        ("1719824400", "s", datetime(2024, 7, 1, 9, 0, tzinfo=UTC)),
        (10**20, "s", None),
        (-(10**20), "auto", None),
        (float("nan"), "s", None),
        (float("inf"), "s", None),
        ("x" * 5000, "s", None),
        ("9" * 5000, "auto", None),
        (True, "s", None),
        (None, "s", None),
    ],
)
def test_from_unix_reads_seconds_and_millis_and_never_raises(
    value: object, unit: str, expected: object
) -> None:
    assert times.from_unix(value, unit) == expected  # type: ignore[arg-type]


def test_from_iso_and_shifted_stay_inside_the_datetime_range() -> None:
    assert times.from_iso("2024-07-01T11:00:00+02:00") == datetime(2024, 7, 1, 9, 0, tzinfo=UTC)
    assert times.from_iso("2024-07-01 09:00") == datetime(2024, 7, 1, 9, 0, tzinfo=UTC)
    assert times.from_iso("0001-01-01T00:00:00+01:00") is None
    assert times.from_iso("not a date") is None
    assert times.shifted(datetime(1, 1, 1, tzinfo=UTC), 60) is None
    assert times.shifted(datetime(9999, 12, 31, 23, tzinfo=UTC), -14 * 60) is None


def test_source_keys_keep_the_shape_stored_in_existing_databases() -> None:
    # sha1("a\x1fb"): a change here would import every record a second time.

    assert keys.digest("a", "b") == hashlib.sha1(b"a\x1fb").hexdigest()
    assert keys.key("tg:", "x") == "tg:" + hashlib.sha1(b"x").hexdigest()
    assert keys.digest(b"\x00raw") == hashlib.sha1(b"\x00raw").hexdigest()
    assert keys.digest("\udcff") == hashlib.sha1("\udcff".encode("utf-8", "surrogatepass")).hexdigest()
