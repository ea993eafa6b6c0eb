"""Reading the CSV files people actually have: BOMs, Excel's Windows-1252, `;` and tab delimiters, big fields.

Lines are decoded one by one: UTF-8 first, Windows-1252 when a line is not valid UTF-8 (an Excel re-save),
so one stray byte never makes a whole export unreadable. UTF-16 files (Outlook's "Unicode" export) are
recognised by their BOM. Lines end in LF, CRLF or a bare CR (Excel for Mac). Lines and fields have a
size limit, so a hostile file fails fast instead of hanging.

Dates in CSV cells are read by :mod:`tieline.sources.times`; a row's source key by :mod:`tieline.sources.keys`.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from tieline.errors import SourceError
from tieline.sources import keys
from tieline.sources.base import head, open_binary, physical_lines
from tieline.sources.text import SAMPLE, decode_line, guess_encoding, line_decoder

MAX_LINE = 1 << 20  # 1 MiB: no contact CSV has a longer physical line
MAX_FIELD = 1 << 20
MAX_RECORD_LINES = 200  # lines one record may span: a long multi-line note has a few dozen
DELIMITERS = (",", ";", "\t")

_QUOTED = re.compile(r'"(?:[^"]|"")*"')


def text_lines(
    fh: IO[bytes], shown: str, max_bytes: int | None = None, encoding: str | None = None
) -> Iterator[str]:
    """The decoded lines of a binary stream (line ends kept, BOM removed), checked against the limits.

    A file without a BOM is read in ``encoding`` when one is given (``--encoding``), else in the one
    :func:`text.guess_encoding` finds, else line by line as UTF-8 with Windows-1252 for the odd line.
    """
    first = fh.read(SAMPLE)
    stream = io.BufferedReader(_Prefixed(first, fh), 1 << 16)
    if first.startswith((b"\xff\xfe", b"\xfe\xff")):
        wrapper = io.TextIOWrapper(stream, encoding="utf-16", newline="")
        try:
            n = 0
            while line := wrapper.readline(MAX_LINE + 1):
                n += 1
                if len(line) > MAX_LINE:
                    raise SourceError(shown, f"line {n}", "line is longer than 1 MB: not a contact CSV")
                yield line
        except UnicodeError as exc:
            raise SourceError(shown, None, f"invalid UTF-16 text ({exc.__class__.__name__})") from None
        return
    if first.startswith(b"\xef\xbb\xbf"):
        stream.read(3)
        decode = line_decoder(encoding)
    else:
        try:
            decode = line_decoder(encoding or guess_encoding(first, shown))
        except LookupError:
            raise SourceError(shown, None, f"unknown text encoding {encoding!r}") from None
    total = 0
    for n, raw in enumerate(physical_lines(stream, MAX_LINE), start=1):
        total += len(raw)
        if len(raw) > MAX_LINE:
            raise SourceError(shown, f"line {n}", "line is longer than 1 MB: not a contact CSV")
        if max_bytes is not None and total > max_bytes:
            raise SourceError(shown, f"line {n}", "file is larger than it claims")
        if b"\x00" in raw:
            raise SourceError(shown, f"line {n}", "binary data (NUL bytes): not a CSV file")
        yield decode(raw)


class _Prefixed(io.RawIOBase):
    """A stream that first replays a few bytes already read (to sniff the BOM)."""

    def __init__(self, prefix: bytes, rest: IO[bytes]) -> None:
        self._prefix = prefix
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._prefix:
            n = min(len(buffer), len(self._prefix))
            buffer[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def sniff_delimiter(sample: str) -> str:
    """The delimiter used most often outside quotes in the header-ish first lines."""
    best, best_count = ",", 0
    lines = [ln for ln in _QUOTED.sub("", sample).splitlines()[:20] if ln.strip()]
    for delim in DELIMITERS:
        count = max((ln.count(delim) for ln in lines), default=0)
        if count > best_count:
            best, best_count = delim, count
    return best


def rows(lines: Iterable[str], shown: str, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each CSV record; csv errors become a SourceError naming the line.

    A record that runs over more than ``MAX_RECORD_LINES`` lines is a stray quote opening a field that
    never closes: it would swallow every row after it, so the file is refused naming the row it starts at.
    """
    reader = csv.reader(lines, delimiter=delimiter)
    last = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            reason = str(exc)
            where = reader.line_num
            if "field larger than field limit" in reason:
                reason = "a field is larger than the limit (128 KB): a stray quote, or not a contact CSV"
                where = last + 1
            raise SourceError(shown, f"line {where}", f"malformed CSV: {reason}") from None
        if reader.line_num - last > MAX_RECORD_LINES:
            raise SourceError(
                shown,
                f"line {last + 1}",
                f"a quoted field runs over {reader.line_num - last} lines (a stray quote?): "
                "the rows after it would be lost",
            )
        last = reader.line_num
        yield reader.line_num, row


def header_key(cell: str) -> str:
    """A header cell compared loosely: case, spaces, BOM, Excel's `.1` suffix for duplicate names."""
    key = cell.replace("\ufeff", "").strip().strip('"').casefold()
    key = re.sub(r"\.\d+$", "", key)
    return unicodedata.normalize("NFC", " ".join(key.split()))


def head_lines(path: Path, size: int = 16384) -> list[str]:
    """The first lines of a file decoded like :func:`text_lines` (for sniffing); never raises."""
    data = head(path, size)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        if b"\x00" in data:
            return []
        text = "\n".join(decode_line(raw) for raw in data.removeprefix(b"\xef\xbb\xbf").splitlines())
    return text.splitlines()


def parse_header(lines: list[str]) -> tuple[int, list[str], str] | None:
    """The first line that looks like a header: (index, keys, delimiter), or None."""
    delimiter = sniff_delimiter("\n".join(lines))
    for i, line in enumerate(lines[:10]):
        if line.count(delimiter) >= 1:
            try:
                cells = next(csv.reader([line], delimiter=delimiter))
            except (csv.Error, StopIteration):
                continue
            return i, [header_key(c) for c in cells], delimiter
    return None


def cell(row: list[str], index: int | None) -> str:
    """The trimmed value of a column that may be missing from a short row."""
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


def open_table(
    path: Path, metered: bool = True, encoding: str | None = None
) -> tuple[list[str], Iterator[tuple[int, list[str]]], IO[bytes]]:
    """Header keys and the remaining rows of a plain CSV file (first record = header).

    The caller closes the returned file. Raises SourceError for an empty or unreadable file.
    ``metered=False`` keeps a reader's first pass over a file out of the import's progress.
    """
    shown = str(path)
    try:
        fh: IO[bytes] = open_binary(path, metered)
    except OSError as exc:
        raise SourceError(shown, None, f"cannot read the file ({exc.strerror or exc})") from None
    try:
        lines = text_lines(fh, shown, encoding=encoding)
        first: list[str] = []
        for line in lines:
            first.append(line)
            if len(first) >= 5:
                break
        if not first:
            raise SourceError(shown, None, "empty file")
        delimiter = sniff_delimiter("".join(first))
        records = rows(chain_lines(first, lines), shown, delimiter)
        for _n, row in records:
            if any(c.strip() for c in row):
                return [header_key(c) for c in row], records, fh
        raise SourceError(shown, None, "no header row")
    except BaseException:
        fh.close()
        raise


def chain_lines(first: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from first
    yield from rest


def row_key(prefix: str, row: list[str]) -> str:
    """A stable key for a row: its trimmed cells, hashed (never the file's path)."""
    return keys.key(prefix, "\x1f".join(c.strip() for c in row).rstrip("\x1f"))


def sniff_header(path: Path) -> list[str]:
    """The header keys of a CSV file's first line (empty when it is not one); never raises."""
    lines = head_lines(path, 8192)
    found = parse_header(lines[:1]) if lines else None
    return found[1] if found else []
