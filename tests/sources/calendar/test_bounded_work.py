"""Issue 12, case 6: calendar and vCard reading is linear in the input and caps what it expands.

A recurrence rule that never matches cost ~21 s per event (dateutil searches up to the year 9999);
folded vCard lines were unfolded quadratically (800,000 lines took 46 s).
"""

from __future__ import annotations

import time
from pathlib import Path

from tieline.records import ContactRecord, InteractionRecord, ReadOptions, Skipped
from tieline.sources.calendar import ics
from tieline.sources.contacts import vcard

NEVER = [
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=MONTHLY;BYMONTH=4;BYMONTHDAY=31",
    "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=DAILY;BYMONTH=11;BYMONTHDAY=31",
    "FREQ=YEARLY;BYYEARDAY=-367",
]


def _calendar(path: Path, rules: list[str]) -> Path:
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:e{n}@x\r\nDTSTART:20200101T090000Z\r\nDTEND:20200101T100000Z\r\n"
        f"RRULE:{rule}\r\nORGANIZER:mailto:boss@example.org\r\nATTENDEE:mailto:a{n}@example.org\r\n"
        f"SUMMARY:Meeting {n}\r\nEND:VEVENT\r\n"
        for n, rule in enumerate(rules)
    )
    path.write_text(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{events}END:VCALENDAR\r\n", encoding="utf-8")
    return path


def test_rules_that_never_match_cost_little_and_keep_the_first_occurrence(tmp_path: Path) -> None:
    path = _calendar(tmp_path / "never.ics", NEVER * 2)
    began = time.perf_counter()
    records = list(ics.read(path, ReadOptions(extra={"as_of": "2026-01-01"})))
    took = time.perf_counter() - began
    assert took < 10, took  # was ~21 s per event, 10 events
    found = [r for r in records if isinstance(r, InteractionRecord)]
    assert len(found) == len(NEVER) * 2  # the DTSTART of each still counts
    assert not [r for r in records if isinstance(r, Skipped)]


def test_a_rule_that_matches_rarely_is_still_expanded(tmp_path: Path) -> None:
    path = _calendar(tmp_path / "leap.ics", ["FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29"])
    records = list(ics.read(path, ReadOptions(extra={"as_of": "2033-01-01"})))
    whens = sorted(r.when.year for r in records if isinstance(r, InteractionRecord))
    assert whens == [2020, 2020, 2024, 2028, 2032]  # DTSTART, then each 29 February


def _folded_card(lines: int) -> bytes:
    return (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nNOTE:x\r\n"
        + b" "
        + b"y" * 70
        + b"\r\n" * 0
        + (b" " + b"y" * 70 + b"\r\n") * lines
        + b"EMAIL:ada@example.org\r\nEND:VCARD\r\n"
    )


def _time_read(path: Path) -> float:
    began = time.perf_counter()
    records = list(vcard.read(path, ReadOptions()))
    assert records
    return time.perf_counter() - began


def test_folded_vcard_lines_are_unfolded_in_linear_time(tmp_path: Path) -> None:
    small, big = tmp_path / "small.vcf", tmp_path / "big.vcf"
    small.write_bytes(_folded_card(50_000))
    big.write_bytes(_folded_card(200_000))
    ratio = _time_read(big) / max(_time_read(small), 1e-3)
    assert ratio < 9, ratio  # 4 times the input: about 4 times the time (quadratic gives 16)


def test_a_card_folded_past_the_card_limit_is_skipped_and_the_next_one_reads(tmp_path: Path) -> None:
    path = tmp_path / "huge.vcf"
    path.write_bytes(
        _folded_card(1_000_000) + b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Hopper\r\nEND:VCARD\r\n"
    )
    records = list(vcard.read(path, ReadOptions()))
    assert [r.name for r in records if isinstance(r, ContactRecord)] == ["Grace Hopper"]
    assert [r for r in records if isinstance(r, Skipped)]
