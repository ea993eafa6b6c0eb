"""Property tests (issue 12): vCard, CSV and iCalendar round-trip through writers written here; handle
normalisation is stable; and a bounded fuzz run per reader (longer runs: ``bench/fuzz_readers.py``)."""

from __future__ import annotations

import csv
import io
import random
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sources.contract import read_all, samples
from tieline.errors import SourceError
from tieline.ingest.normalise import email, guess, phone, url
from tieline.records import ContactRecord, InteractionRecord, ReadOptions
from tieline.sources import registry
from tieline.sources.calendar import ics
from tieline.sources.contacts import google_csv, vcard

QUICK = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Names as people have them: letters of any script, spaces, a few marks; no control characters.
NAME = (
    st.text(
        st.characters(categories=["L", "M", "Nd"], include_characters=" -'.", exclude_characters="\x85"),
        min_size=1,
        max_size=40,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
LOCAL = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789._-"), min_size=1, max_size=20).filter(
    lambda s: s[0].isalnum() and s[-1].isalnum() and ".." not in s
)
EMAIL = st.builds(lambda local, n: f"{local}@example{n}.org", LOCAL, st.integers(0, 99))
PEOPLE = st.lists(st.tuples(NAME, EMAIL), min_size=1, max_size=8, unique_by=lambda p: p[1])


def _vcard_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")


def _fold(line: str, width: int) -> bytes:
    """A content line folded between whole characters every ``width`` bytes, as RFC 6350 asks."""
    if not width:
        return line.encode() + b"\r\n"
    pieces, cur = [], ""
    for ch in line:
        if cur and len((cur + ch).encode()) > width:
            pieces.append(cur.encode())
            cur = ""
        cur += ch
    pieces.append(cur.encode())
    return b"\r\n ".join(pieces) + b"\r\n"


def _write_vcards(people: list[tuple[str, str]], fold: int) -> bytes:
    lines = []
    for name, mail in people:
        lines += [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"FN:{_vcard_escape(name)}",
            f"EMAIL;TYPE=INTERNET:{mail}",
            "END:VCARD",
        ]
    return b"".join(_fold(line, fold) for line in lines)


@QUICK
@given(PEOPLE, st.sampled_from([0, 20, 75]))
def test_vcards_round_trip(people: list[tuple[str, str]], fold: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cards.vcf"
        path.write_bytes(_write_vcards(people, fold))
        found = [r for r in vcard.read(path, ReadOptions()) if isinstance(r, ContactRecord)]
    assert [(r.name, [h.value for h in r.handles if h.kind == "email"]) for r in found] == [
        (name, [mail]) for name, mail in people
    ]


@QUICK
@given(PEOPLE, st.sampled_from([",", ";"]), st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_google_csv_round_trips(people: list[tuple[str, str]], delimiter: str, encoding: str) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["Name", "Given Name", "Family Name", "E-mail 1 - Type", "E-mail 1 - Value"])
    for name, mail in people:
        writer.writerow([name, "", "", "* Home", mail])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "contacts.csv"
        path.write_bytes(buf.getvalue().encode(encoding))
        found = [r for r in google_csv.read(path, ReadOptions()) if isinstance(r, ContactRecord)]
    assert [(r.name, r.handles[-1].value) for r in found] == people


START = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2025, 12, 31)).map(
    lambda d: d.replace(microsecond=0, tzinfo=UTC)
)


@QUICK
@given(
    st.lists(st.tuples(START, st.lists(EMAIL, min_size=1, max_size=4, unique=True)), min_size=1, max_size=6)
)
def test_ics_events_round_trip(events: list[tuple[datetime, list[str]]]) -> None:
    body = "".join(
        f"BEGIN:VEVENT\r\nUID:ev{n}@example.org\r\nDTSTART:{start:%Y%m%dT%H%M%SZ}\r\n"
        f"DTEND:{start + timedelta(hours=1):%Y%m%dT%H%M%SZ}\r\nORGANIZER:mailto:boss@example.org\r\n"
        + "".join(f"ATTENDEE;CN=Someone:mailto:{a}\r\n" for a in attendees)
        + "SUMMARY:Meeting\r\nEND:VEVENT\r\n"
        for n, (start, attendees) in enumerate(events)
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cal.ics"
        path.write_text(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{body}END:VCALENDAR\r\n", encoding="utf-8")
        found = [
            r
            for r in ics.read(path, ReadOptions(extra={"as_of": "2026-01-01"}))
            if isinstance(r, InteractionRecord)
        ]
    assert [r.when for r in found] == [start for start, _ in events]
    assert len({r.source_key for r in found}) == len(events)  # one key per event


@QUICK
@given(st.text(max_size=60))
def test_normalising_any_text_never_raises_and_is_stable(text: str) -> None:
    for norm in (email, url, phone):
        once = norm(text)
        if once is not None:
            assert norm(once) == once
    guessed = guess(text)
    if guessed is not None:
        assert guess(guessed[1]) == guessed


@QUICK
@given(EMAIL)
def test_an_email_is_found_however_it_is_dressed(mail: str) -> None:
    for dressed in (mail.upper(), f" <{mail}> ", f"mailto:{mail}"):
        assert email(dressed) == mail


SAMPLES = samples()
READERS = {r.NAME: r for r in registry.readers()}


def _mutate(data: bytes, seed: int) -> bytes:
    rng = random.Random(seed)
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        at = rng.randrange(len(out) + 1)
        what = rng.randrange(4)
        if what == 0 and out:
            out[min(at, len(out) - 1)] = rng.randrange(256)
        elif what == 1:
            out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
        elif what == 2:
            del out[at : at + rng.randint(1, 64)]
        else:
            out[at:at] = rng.choice(
                [b'"', b"\x00", b"\r", b"\n ", b"{[", b"BEGIN:VCARD\r\n", b"From x\n", b"\xff\xfe"]
            )
    return bytes(out)


@pytest.mark.parametrize("name", sorted(n for n, p in SAMPLES.items() if p.is_file()))
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(seed=st.integers(0, 2**32))
def test_fuzzed_samples_end_in_records_or_one_clean_error(name: str, seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / SAMPLES[name].name
        path.write_bytes(_mutate(SAMPLES[name].read_bytes(), seed))
        try:
            read_all(READERS[name], path)
        except SourceError as exc:
            assert exc.reason
