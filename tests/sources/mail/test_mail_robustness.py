"""Whatever bytes arrive, the mail and calendar readers yield records or raise SourceError, nothing else."""

from __future__ import annotations

import contextlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tieline.errors import SourceError
from tieline.records import ReadOptions
from tieline.sources.calendar import ics
from tieline.sources.mail import eml, mailheaders, mbox

NOISE = st.binary(max_size=2000) | st.lists(
    st.sampled_from(
        [
            b"From a@b Mon Jan  1 00:00:00 2024\n",
            b"From: =?UTF-8?B?QWRh?= <ada@example.com>\n",
            b'To: Friends: a@b.c, "x, y" <y@z>;\n',
            b"Date: Mon, 1 Jan 2024 10:00:00 +0100\n",
            b"Date: 99 Foo 99999 99:99\n",
            b"\n",
            b"\r\n",
            b" folded\n",
            b"Subject: =?bogus?Q?=FF?=\n",
            b"\xff\xfe\x00",
            b"BEGIN:VEVENT\n",
            b"END:VEVENT\n",
            b"DTSTART;TZID=Nowhere/Land:20240101T100000\n",
            b"RRULE:FREQ=DAILY;COUNT=x\n",
            b'ATTENDEE;CN="a:b":mailto:a@b.c\n',
            b"EXDATE:2024\n",
        ]
    ),
    max_size=40,
).map(b"".join)

SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(data=NOISE)
def test_header_parsing_never_raises(data: bytes) -> None:
    headers = mailheaders.parse_headers(data)
    mailheaders.to_interaction(headers, data, ReadOptions(), "f", "1")


@SETTINGS
@given(data=NOISE)
def test_readers_raise_only_source_errors(tmp_path: Path, data: bytes) -> None:
    for reader, prefix in (
        (mbox, b"From a@b Mon Jan  1 00:00:00 2024\n"),
        (eml, b""),
        (ics, b"BEGIN:VCALENDAR\n"),
    ):
        path = tmp_path / f"sample.{reader.NAME}"
        path.write_bytes(prefix + data)
        reader.sniff(path)
        with contextlib.suppress(SourceError):
            list(reader.read(path, ReadOptions(extra={"as_of": "2026-01-01T00:00:00+00:00"})))
