"""Times and dates as exports write them: Unix stamps, dates as text, month names, birthdays.

Every reader reads times through this module, so an edge-of-range value (year 1 or 9999 with a zone,
a stamp of 10^20) is ``None`` here, never an ``OverflowError`` in a reader. Most exports carry no zone;
their times are read as UTC. A birthday without a year uses the year 1604, the convention of Apple and
Thunderbird for "year unknown". Text dates: the half-dozen formats of one LinkedIn export (FORMATS.md §1),
the same dates in the member's language (`04 juil. 2023`) or re-saved by a European Excel (`25/06/2024`),
and address-book birthdays.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from typing import Literal

MILLIS_ABOVE = 1e11  # a stamp larger than this is in milliseconds (1e11 seconds is the year 5138)


def from_unix(value: object, unit: Literal["s", "ms", "auto"] = "auto") -> datetime | None:
    """A Unix time (seconds, milliseconds, or ``auto``: milliseconds above 1e11) as aware UTC; None if not one."""
    if isinstance(value, bool):
        return None
    try:
        seconds = float(value) if isinstance(value, int | float | str) else math.nan
    except (ValueError, OverflowError):
        return None
    if not math.isfinite(seconds):
        return None
    if unit == "ms" or (unit == "auto" and abs(seconds) > MILLIS_ABOVE):
        seconds /= 1000.0
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def shifted(when: datetime, minutes: int) -> datetime | None:
    """``when`` moved back by a zone offset of ``minutes`` east of UTC; None when that leaves years 1-9999."""
    try:
        return when - timedelta(minutes=minutes)
    except OverflowError:
        return None


def from_iso(text: str) -> datetime | None:
    """ISO 8601 as aware UTC (no zone: UTC); None when it is not ISO 8601 or is out of range."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC)
    try:
        return when.astimezone(UTC)
    except OverflowError:
        return None


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


_WORDY = (
    "%b %d, %Y %I:%M:%S %p",  # Nov 20, 2012 11:56:03 AM
    "%b %d, %Y %I:%M %p",
    "%b %d, %Y %H:%M:%S",
    "%b %d, %Y %H:%M",
    "%B %d, %Y %I:%M:%S %p",
    "%B %d, %Y %I:%M %p",
    "%B %d, %Y %H:%M:%S",
    "%d %b %Y %H:%M:%S",  # 20 Nov 2012 11:56:03
    "%d %b %Y %H:%M",
    "%d %B %Y %H:%M:%S",
    "%d %B %Y %H:%M",
    "%d-%b-%Y %H:%M:%S",
    "%a %b %d %H:%M:%S %Y",
    "%a, %b %d, %Y %I:%M:%S %p",
    "%a, %d %b %Y %H:%M:%S",
)
_WORDY_DATES = ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%d-%b-%y")


def parse_wordy(text: str) -> tuple[datetime, bool] | None:
    """`Nov 20, 2012 11:56:03 AM`, `20 Nov 2012`: a phone log's wordy time as (UTC, whether it has a time)."""
    text = re.sub(r"\b([ap])\.?m\.?$", lambda m: m.group(1).upper() + "M", text, flags=re.IGNORECASE)
    for fmts, timed in ((_WORDY, True), (_WORDY_DATES, False)):
        for fmt in fmts:
            try:
                return datetime.strptime(text, fmt).replace(tzinfo=UTC), timed
            except ValueError:
                continue
    return None


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
