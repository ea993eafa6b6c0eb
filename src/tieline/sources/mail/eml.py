"""Single ``.eml`` messages and folders of them: one interaction per message.

Only the header block is read (bodies, MIME trees and attachments are never parsed), so a
message whose body is broken still gives its sender, recipients and date; a message without
a usable date or any address is yielded as Skipped with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from tieline.errors import SourceError
from tieline.records import ReadOptions, Record, Skipped
from tieline.sources.base import files_under, head, open_binary
from tieline.sources.mail import mailheaders

NAME = "eml"

FIRST_READ = 16 * 1024
MAX_HEADER = 1 << 20
_BLANK = re.compile(rb"\n\r?\n")
_FOLDER_SAMPLE = 500


def sniff(path: Path) -> float:
    """A message file by content (``.eml`` or not); a folder when at least half its files are ``.eml``."""
    try:
        if path.is_dir():
            return _sniff_folder(path)
        if not path.is_file():
            return 0.0
    except OSError:
        return 0.0
    data = head(path, 4096).lstrip(b"\xef\xbb\xbf\r\n")
    if data.startswith(b"From ") and not data.startswith(b"From :"):
        return 0.0  # an mbox postmark line: the mbox reader's
    headers_like = mailheaders.looks_like_headers(data)
    known = mailheaders.mail_header_count(data)
    if path.suffix.lower() == ".eml":
        return 0.9 if headers_like else 0.5
    if headers_like and known >= 2:
        return 0.5
    return 0.0


def _sniff_folder(path: Path) -> float:
    total = emls = 0
    for child in path.iterdir():
        if child.name.startswith(".") or not child.is_file():
            continue
        total += 1
        emls += child.suffix.lower() == ".eml"
        if total >= _FOLDER_SAMPLE:
            break
    if not emls or emls * 2 < total:
        return 0.0
    return 0.8 if emls * 10 >= total * 9 else 0.6


def read(path: Path, options: ReadOptions) -> Iterator[Record]:
    """One InteractionRecord (or Skipped) per message; a folder is read recursively in name order."""
    try:
        if path.is_dir():
            files = [p for p in files_under(path, hidden=True) if p.suffix.lower() == ".eml"]
            for file in files:
                yield _read_message(file, options, file.relative_to(path).as_posix())
            return
    except OSError as exc:
        raise SourceError(str(path), None, f"cannot list the folder ({exc.strerror})") from exc
    try:
        block = header_block(path)
    except OSError as exc:
        raise SourceError(str(path), None, f"cannot read the file ({exc.strerror})") from exc
    yield _from_block(block, path, options, path.name)


def _read_message(file: Path, options: ReadOptions, record: str) -> Record:
    try:
        block = header_block(file)
    except OSError as exc:
        return Skipped(str(file), record, f"cannot read the file ({exc.strerror})")
    return _from_block(block, file, options, record)


def _from_block(block: bytes, file: Path, options: ReadOptions, record: str) -> Record:
    try:
        headers = mailheaders.parse_headers(block)
        return mailheaders.to_interaction(headers, block, options, str(file), record)
    except (ValueError, LookupError, UnicodeError, RecursionError, OverflowError) as exc:
        return Skipped(str(file), record, f"unreadable headers ({exc})")


def header_block(path: Path) -> bytes:
    """The raw header block of a message file (up to the first blank line), without an mbox postmark."""
    with open_binary(path) as fh:
        data = fh.read(FIRST_READ)
        blank = _BLANK.search(data)
        while blank is None and len(data) < MAX_HEADER:
            more = fh.read(FIRST_READ * 4)
            if not more:
                break
            data += more
            blank = _BLANK.search(data, max(len(data) - len(more) - 2, 0))
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if blank is not None:
        data = data[: blank.start() + 1]
    if data.startswith(b"From ") and not data.startswith(b"From :"):
        data = data.partition(b"\n")[2]  # a postmark line some clients keep in saved messages
    return data
