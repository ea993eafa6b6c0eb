"""Reading the CSV files people actually have: BOMs, Excel's Windows-1252, `;` and tab delimiters, big fields.

Lines are decoded one by one: UTF-8 first, Windows-1252 when a line is not valid UTF-8 (an Excel re-save),
so one stray byte never makes a whole export unreadable. UTF-16 files (Outlook's "Unicode" export) are
recognised by their BOM. Lines end in LF, CRLF or a bare CR (Excel for Mac). Lines and fields have a
size limit, so a hostile file fails fast instead of hanging.

Dates: the half-dozen formats of one LinkedIn export (FORMATS.md §1), the same dates in the member's
language (`04 juil. 2023`) or re-saved by a European Excel (`25/06/2024`), and address-book birthdays. Most
carry no zone; we read them as UTC (the `... UTC` ones say so). A birthday without a year uses the year
1604, the convention of Apple and Thunderbird for "year unknown".
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO

from tieline.errors import SourceError
from tieline.sources.base import open_binary, physical_lines

MAX_LINE = 1 << 20  # 1 MiB: no contact CSV has a longer physical line
MAX_FIELD = 1 << 20
DELIMITERS = (",", ";", "\t")

_QUOTED = re.compile(r'"(?:[^"]|"")*"')


def decode_line(raw: bytes) -> str:
    """UTF-8 when it is, else Windows-1252 (with Latin-1 for the five bytes cp1252 leaves undefined)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


def text_lines(fh: IO[bytes], shown: str, max_bytes: int | None = None) -> Iterator[str]:
    """The decoded lines of a binary stream (line ends kept, BOM removed), checked against the limits."""
    first = fh.read(4)
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
    total = 0
    for n, raw in enumerate(physical_lines(stream, MAX_LINE), start=1):
        total += len(raw)
        if len(raw) > MAX_LINE:
            raise SourceError(shown, f"line {n}", "line is longer than 1 MB: not a contact CSV")
        if max_bytes is not None and total > max_bytes:
            raise SourceError(shown, f"line {n}", "file is larger than it claims")
        if b"\x00" in raw:
            raise SourceError(shown, f"line {n}", "binary data (NUL bytes): not a CSV file")
        yield decode_line(raw)


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
    """(line number, cells) for each CSV record; csv errors become a SourceError naming the line."""
    reader = csv.reader(lines, delimiter=delimiter)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            reason = str(exc)
            if "field larger than field limit" in reason:
                reason = "a field is larger than the limit (128 KB): not a contact CSV"
            raise SourceError(shown, f"line {reader.line_num}", f"malformed CSV: {reason}") from None
        yield reader.line_num, row


def header_key(cell: str) -> str:
    """A header cell compared loosely: case, spaces, BOM, Excel's `.1` suffix for duplicate names."""
    key = cell.replace("\ufeff", "").strip().strip('"').casefold()
    key = re.sub(r"\.\d+$", "", key)
    return unicodedata.normalize("NFC", " ".join(key.split()))


def head_lines(path: Path, size: int = 16384) -> list[str]:
    """The first lines of a file decoded like :func:`text_lines` (for sniffing); never raises."""
    try:
        with path.open("rb") as fh:
            data = fh.read(size)
    except OSError:
        return []
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


NO_YEAR = 1604

_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES, start=1)}

_FORMATS = (
    "%d %b %Y",  # 04 Jul 2023
    "%m/%d/%y, %I:%M %p",  # 1/8/18, 6:14 PM
    "%d-%b-%y",  # 18-Jun-24 (Excel re-save)
    "%Y/%m/%d %H:%M:%S UTC",  # 2021/08/11 11:00:31 UTC
    "%Y-%m-%d %H:%M:%S UTC",  # 2023-07-10 15:47:10 UTC
    "%m/%d/%Y, %I:%M %p",
    "%m/%d/%y, %H:%M",
    "%d-%b-%Y",
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%m/%d/%Y",
    "%m/%d/%y",
    "%d %B %Y",
    "%b %d, %Y",  # Feb 17, 1998
    "%a %b %d %H:%M:%S UTC %Y",  # Tue Jun 18 12:03:31 UTC 2024
    "%d.%m.%Y",
    "%d/%m/%Y",  # 18/06/2024: an Excel re-save in a European locale (when the month-first reading fails)
    "%d/%m/%y",
    "%d.%m.%y",
)
_DAY_FIRST = ("%d/%m/%Y", "%d/%m/%y", "%d/%m/%Y, %H:%M", "%d/%m/%y, %H:%M")

# Month names and abbreviations of the locales LinkedIn's old exports wrote `Connected On` in
# (French, German, Spanish, Portuguese, Italian, Dutch), accents removed. `jui` is left out on purpose:
# French juin and juillet share it.
_LOCAL_MONTHS = {
    name: month
    for month, names in enumerate(
        (
            "jan janv janvier januar january ene enero gen gennaio janeiro januari",
            "feb fev fevr fevrier februar february febrero febbraio fevereiro februari",
            "mar mars marz maerz mrz march marzo marco maart mrt",
            "apr avr avril april abr abril aprile",
            "may mai mayo mag maggio maio mei",
            "jun juin juni june junio junho giu giugno",
            "jul juil juillet juli july julio julho lug luglio",
            "aug aout august ago agosto augustus",
            "sep sept septembre september septiembre set settembre setembro",
            "oct octobre okt oktober october octubre out outubro ott ottobre",
            "nov novembre november noviembre novembro",
            "dec decembre dez dezember december dic diciembre dicembre dezembro",
        ),
        start=1,
    )
    for name in names.split()
}


def parse_when(text: str, day_first: bool = False) -> datetime | None:
    """A LinkedIn date or date-time cell as an aware UTC datetime, or None when it is not one.

    ``day_first`` reads `05/03/2024` as 5 March (a European Excel re-save); without it the month comes
    first, as LinkedIn writes it, and day-first is only the fallback when that cannot be a date.
    """
    text = " ".join(text.split())
    if not text or text.upper() in ("NA", "N/A"):
        return None
    if day_first and "/" in text:
        for fmt in _DAY_FIRST:
            try:
                return datetime.strptime(text, fmt).replace(tzinfo=UTC)
            except ValueError:
                continue
    parts = text.split(" ")
    if len(parts) == 3 and len(parts[1]) == 3:  # the common `04 Jul 2023`, without strptime's cost
        month = MONTHS.get(parts[1].lower())
        if month and parts[0].isdigit() and parts[2].isdigit() and len(parts[2]) == 4:
            try:
                return datetime(int(parts[2]), month, int(parts[0]), tzinfo=UTC)
            except ValueError:
                return None
    for fmt in _FORMATS:
        try:
            return datetime.strptime(text.upper() if "%p" in fmt else text, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return _local_date(text)


def _local_date(text: str) -> datetime | None:
    """`04 juil. 2023`, `4. Juli 2023`, `4 de julio de 2023`, `juil. 04, 2023`: a date in another language."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    words = [w for w in re.split(r"[\s.,]+", plain.casefold()) if w and w != "de"]
    if len(words) != 3:
        return None
    numbers = [w for w in words if w.isdigit()]
    names = [w for w in words if not w.isdigit()]
    if len(numbers) != 2 or len(names) != 1:
        return None
    name = names[0]
    month = _LOCAL_MONTHS.get(name) or _LOCAL_MONTHS.get(name[:4]) or _LOCAL_MONTHS.get(name[:3])
    day, year = (numbers[0], numbers[1]) if len(numbers[1]) == 4 else (numbers[1], numbers[0])
    if not month or len(year) != 4:
        return None
    try:
        return datetime(int(year), month, int(day), tzinfo=UTC)
    except ValueError:
        return None


def parse_month(text: str) -> date | None:
    """`Jun 2018` (a position's start or end) as the first of that month."""
    parts = text.split()
    if len(parts) == 2 and parts[1].isdigit():
        month = MONTHS.get(parts[0][:3].lower())
        if month:
            return date(int(parts[1]), month, 1)
    if len(parts) == 1 and parts[0].isdigit() and len(parts[0]) == 4:
        return date(int(parts[0]), 1, 1)
    when = parse_when(text)
    return when.date() if when else None


def parse_birthday(text: str) -> date | None:
    """`Feb 17, 1998` or `Apr 22` (no year: 1604)."""
    parts = text.replace(",", " ").split()
    if len(parts) == 2 and parts[1].isdigit():
        month = MONTHS.get(parts[0][:3].lower())
        if month:
            try:
                return date(NO_YEAR, month, int(parts[1]))
            except ValueError:
                return None
    when = parse_when(text)
    return when.date() if when else None


def open_table(
    path: Path, metered: bool = True
) -> tuple[list[str], Iterator[tuple[int, list[str]]], IO[bytes]]:
    """Header keys and the remaining rows of a plain CSV file (first record = header).

    The caller closes the returned file. Raises SourceError for an empty or unreadable file.
    ``metered=False`` keeps a reader's first pass over a file out of the import's progress.
    """
    shown = str(path)
    try:
        fh: IO[bytes] = open_binary(path) if metered else path.open("rb")
    except OSError as exc:
        raise SourceError(shown, None, f"cannot read the file ({exc.strerror or exc})") from None
    try:
        lines = text_lines(fh, shown)
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
    return prefix + hashlib.sha1("\x1f".join(c.strip() for c in row).rstrip("\x1f").encode()).hexdigest()


def sniff_header(path: Path) -> list[str]:
    """The header keys of a CSV file's first line (empty when it is not one); never raises."""
    lines = head_lines(path, 8192)
    found = parse_header(lines[:1]) if lines else None
    return found[1] if found else []


def parse_birthday_cell(text: str, day_first: bool = False) -> date | None:
    """An address-book birthday: `1985-03-15`, `--03-15`, `3/15/1985` (or `15.3.1985`, `15/03/1985`)."""
    text = text.strip()
    if not text or text in ("0/0/00", "0.0.00", "00.00.0000"):
        return None
    try:
        if text.startswith("--"):
            mm, _, dd = text[2:].partition("-")
            if not dd:
                mm, dd = text[2:4], text[4:6]
            return date(NO_YEAR, int(mm), int(dd))
        if len(text) >= 10 and text[4] == "-" and text[7] == "-":
            return date(int(text[:4]), int(text[5:7]), int(text[8:10]))
        for sep in ("/", ".", "-"):
            parts = text.split(sep)
            if len(parts) == 3 and all(p.strip().isdigit() for p in parts):
                a, b, y = (int(p) for p in parts)
                if y < 100:
                    y += 1900 if y > 30 else 2000
                day_first_here = day_first or sep == "." or a > 12
                return date(y, a, b) if not day_first_here else date(y, b, a)
    except ValueError:
        return None
    return None
