"""LinkedIn ``messages.csv`` from the "Get a copy of your data" export (2018 to 2026 layouts).

- 2018 ``Messages.csv``: ``From,To,Date,Subject,Content,Direction,Folder``; names only, dates
  ``10/16/18, 8:36 AM`` (taken as UTC), Direction says in or out.
- 2023+ ``messages.csv``: ``CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,
  RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT,FOLDER`` (2026 adds ATTACHMENTS, drafts and archive
  flags); dates in UTC; people known by profile URL; direction is left to ingest ("me").

Sponsored InMail (title "Sponsored Conversation", or "LinkedIn Member" with no profile URL on
either side) is Skipped: it is advertising, not a tie. Columns are found by name, never position.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from tieline.errors import SourceError
from tieline.records import Direction, Handle, InteractionRecord, Participant, ReadOptions, Record, Skipped
from tieline.sources import csvutil, keys
from tieline.sources.base import head, open_text
from tieline.sources.csvutil import sniff_delimiter
from tieline.sources.times import from_iso, parse_when

NAME = "linkedin_messages"

SNIPPET = 140
_V2_NEEDS = {"CONVERSATION ID", "FROM", "TO", "DATE", "CONTENT"}
_V1_NEEDS = {"FROM", "TO", "DATE", "CONTENT", "DIRECTION"}
_SPONSORED = "sponsored conversation"
_MEMBER = "linkedin member"
_TAG = re.compile(r"<[^>]*>")
_DIRECTION: dict[str, Direction] = {"INCOMING": "in", "OUTGOING": "out"}


def _encoding(path: Path) -> str:
    raw = head(path, 1 << 16)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(raw) - 4:
            return "cp1252"  # an Excel re-save
    return "utf-8-sig"


def _first_line(path: Path) -> str:
    text = head(path, 8192)
    if text.startswith(b"\xef\xbb\xbf"):
        text = text[3:]
    lines = text.decode("utf-8", errors="replace").splitlines()[:1]
    return lines[0] if lines else ""


def _delimiter(path: Path) -> str:
    # An Excel re-save in a European locale writes ";" (or tab) instead of ",".
    return sniff_delimiter(_first_line(path))


def _header(path: Path) -> list[str]:
    first = _first_line(path)
    if not first:
        return []
    return [c.strip().upper() for c in next(csv.reader([first], delimiter=sniff_delimiter(first)), [])]


def sniff(path: Path) -> float:
    try:
        if not path.is_file():
            return 0.0
        cols = set(_header(path))
        if cols >= _V2_NEEDS or cols >= _V1_NEEDS:
            return 0.9
        return 0.0
    except Exception:  # noqa: BLE001 - sniff must never raise
        return 0.0


def _when(value: str) -> datetime | None:
    value = value.strip()
    return parse_when(value) or from_iso(value.removesuffix(" UTC"))


def _text(value: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", value)).split())


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _recipients(names: str, urls: str) -> tuple[Participant, ...]:
    name_list, url_list = _split(names), _split(urls)
    if url_list and len(name_list) == len(url_list):
        pairs = list(zip(name_list, url_list, strict=True))
        return tuple(Participant(handles=(Handle("linkedin", u),), name=n) for n, u in pairs)
    if len(url_list) == 1:
        return (Participant(handles=(Handle("linkedin", url_list[0]),), name=names.strip() or None),)
    if url_list:
        return tuple(Participant(handles=(Handle("linkedin", u),)) for u in url_list)
    return tuple(Participant(name=n) for n in name_list)


def read(path: Path, options: ReadOptions) -> Iterator[Record]:
    """One InteractionRecord per message row; sponsored InMail and unreadable rows Skipped."""
    return keys.repeats_apart(_read(path, options))


def _read(path: Path, options: ReadOptions) -> Iterator[Record]:
    file = str(path)
    row_no = 1
    try:
        with open_text(path, _encoding(path)) as fh:
            rows = (row for _n, row in csvutil.rows(fh, file, _delimiter(path)))
            header = next(rows, None)
            if header is None:
                raise SourceError(str(path), None, "empty file")
            cols = {c.strip().upper(): i for i, c in enumerate(header)}
            if not (cols.keys() >= _V2_NEEDS or cols.keys() >= _V1_NEEDS):
                raise SourceError(
                    str(path), 1, "not a LinkedIn messages file (no FROM/TO/DATE/CONTENT header)"
                )
            v2 = "CONVERSATION ID" in cols
            for row in rows:
                row_no += 1
                if not any(c.strip() for c in row):
                    continue

                def get(name: str, row: list[str] = row) -> str:
                    i = cols.get(name)
                    return row[i] if i is not None and i < len(row) else ""

                yield _row(file, row_no, get, v2, options)
    except SourceError:
        raise
    except csv.Error as exc:
        raise SourceError(str(path), f"row {row_no}", f"broken CSV ({exc})") from None
    except OSError as exc:
        raise SourceError(str(path), None, f"cannot open the file ({exc.strerror or exc})") from None
    except Exception as exc:  # noqa: BLE001 - never let a raw exception escape
        raise SourceError(str(path), f"row {row_no}", f"cannot read the file ({exc})") from None


def _row(file: str, row_no: int, get: Callable[[str], str], v2: bool, options: ReadOptions) -> Record:
    where = f"row {row_no}"
    sender_name, sender_url = get("FROM").strip(), get("SENDER PROFILE URL").strip()
    to_names, to_urls = get("TO").strip(), get("RECIPIENT PROFILE URLS").strip()
    if get("CONVERSATION TITLE").strip().lower() == _SPONSORED or (
        (sender_name.lower() == _MEMBER and not sender_url) or (to_names.lower() == _MEMBER and not to_urls)
    ):
        return Skipped(file, where, "sponsored InMail")
    if get("IS MESSAGE DRAFT").strip().lower() in ("true", "yes", "1"):
        return Skipped(file, where, "draft")
    when = _when(get("DATE"))
    if when is None:
        return Skipped(file, where, f"unreadable date {get('DATE')!r}")
    if not sender_name and not sender_url:
        return Skipped(file, where, "no sender")
    sender = Participant(
        handles=(Handle("linkedin", sender_url),) if sender_url else (), name=sender_name or None
    )
    participants = _recipients(to_names, to_urls)
    content = get("CONTENT")
    subject = get("SUBJECT").strip()
    direction = None if v2 else _DIRECTION.get(get("DIRECTION").strip().upper())
    thread = get("CONVERSATION ID").strip() or None
    basis = "\x1f".join(
        (thread or "", get("DATE").strip(), sender_url or sender_name, to_urls or to_names, subject, content)
    )
    return InteractionRecord(
        source_key=keys.key("li-msg:", basis),
        when=when,
        channel="chat",
        participants=participants,
        sender=sender,
        direction=direction,
        group_size=max(2, len(participants) + 1),
        thread=f"linkedin:{thread}" if thread else None,
        subject=((_text(subject) or _text(content))[:SNIPPET] or None) if options.content else None,
    )
