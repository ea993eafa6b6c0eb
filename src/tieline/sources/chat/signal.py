"""Signal chat text exports as the community tools write them (``[2019-12-24, 12:23] Name: text``).

Signal has no official plain export; this reads the one-line-per-message shape (ISO date, 24 h
time in brackets, author, colon) with continuation lines joined to the message before. As with
WhatsApp, the owner is not named in the file: each message has its author as ``sender`` and the
other authors as ``participants``. Times carry no zone; they are taken as UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from tieline.errors import SourceError
from tieline.records import InteractionRecord, ReadOptions, Record, Skipped
from tieline.sources import keys
from tieline.sources.base import head_text, open_text
from tieline.sources.chat.whatsapp import participant

NAME = "signal"

SNIPPET = 140

_HEADER = re.compile(
    r"\[(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2}),? (?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?\] "
)


def sniff(path: Path) -> float:
    try:
        if not path.is_file():
            return 0.0
        text = head_text(path, 4096)
        # iOS WhatsApp in ISO-date locales (sv_SE, lt_LT...) writes the same brackets; its marks and
        # file names give it away.
        if "\u200e" in text or path.name == "_chat.txt" or path.name.lower().startswith("whatsapp"):
            return 0.0
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if lines and _HEADER.match(lines[0].lstrip("\ufeff")):
            return 0.85
        return 0.0
    except Exception:  # noqa: BLE001 - sniff must never raise
        return 0.0


def _lines(path: Path) -> Iterator[str]:
    try:
        with open_text(path) as fh:
            for raw in fh:
                yield raw.rstrip("\r\n")
    except OSError as exc:
        raise SourceError(str(path), None, f"cannot open the file ({exc.strerror or exc})") from None


def _authors(path: Path) -> tuple[int, tuple[str, ...]]:
    headers = 0
    seen: dict[str, None] = {}
    for line in _lines(path):
        m = _HEADER.match(line)
        if m is None:
            continue
        headers += 1
        author, sep, _ = line[m.end() :].partition(": ")
        if sep and author.strip():
            seen.setdefault(author.strip(), None)
    return headers, tuple(seen)


def read(path: Path, options: ReadOptions) -> Iterator[Record]:
    """One InteractionRecord per message; lines with no author are Skipped as system lines."""
    return keys.repeats_apart(_read(path, options))


def _read(path: Path, options: ReadOptions) -> Iterator[Record]:
    file = path.name  # part of the source keys: the same chat gives the same keys wherever it lies
    shown = str(path)
    lineno = 0
    try:
        headers, authors = _authors(path)
        if headers == 0:
            raise SourceError(
                str(path), 1, 'no Signal message lines ("[YYYY-MM-DD, HH:MM] name: text") found'
            )
        people = {a: participant("signal", a) for a in authors}
        group_size = max(2, len(authors))
        current: tuple[datetime, str, list[str]] | None = None

        def emit(msg: tuple[datetime, str, list[str]]) -> InteractionRecord:
            when, author, parts = msg
            text = "\n".join(parts).rstrip()
            basis = f"{file}\x1f{when.isoformat()}\x1f{author}\x1f{text}"
            return InteractionRecord(
                source_key=keys.key("signal:", basis),
                when=when,
                channel="chat",
                participants=tuple(p for a, p in people.items() if a != author),
                sender=people[author],
                group_size=group_size,
                thread=f"signal:{file}",
                subject=(" ".join(text.split())[:SNIPPET] or None) if options.content else None,
            )

        for line in _lines(path):
            lineno += 1
            m = _HEADER.match(line)
            if m is None:
                if current is not None:
                    current[2].append(line)
                elif line.strip():
                    yield Skipped(shown, f"line {lineno}", "text before the first message")
                continue
            if current is not None:
                yield emit(current)
                current = None
            author, sep, text = line[m.end() :].partition(": ")
            if not sep or not author.strip():
                yield Skipped(shown, f"line {lineno}", "system message")
                continue
            try:
                when = datetime(
                    int(m["y"]),
                    int(m["mo"]),
                    int(m["d"]),
                    int(m["h"]),
                    int(m["mi"]),
                    int(m["s"] or 0),
                    tzinfo=UTC,
                )
            except ValueError:
                yield Skipped(shown, f"line {lineno}", "impossible date or time in the message header")
                continue
            current = (when, author.strip(), [text])
        if current is not None:
            yield emit(current)
    except SourceError:
        raise
    except Exception as exc:  # noqa: BLE001 - never let a raw exception escape
        raise SourceError(str(path), f"line {lineno}", f"cannot read the file ({exc})") from None
