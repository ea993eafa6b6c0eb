"""WhatsApp "Export chat" text files (Android and iOS, 12 h and 24 h, any date order).

Every line that starts with a timestamp header opens a message; lines without one continue the
previous message. Day-first versus month-first is decided for the whole file (see
:func:`date_order`), which costs one extra pass over the file but keeps memory constant: only
the set of authors (small even for big groups) is kept between the two passes.

The export does not say who the owner is, so each message names its author as ``sender`` and
the other authors of the file as ``participants``; ingest decides the direction from "me".
Times carry no zone in the export; they are taken as UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from tieline.errors import SourceError
from tieline.records import Handle, InteractionRecord, Participant, ReadOptions, Record, Skipped
from tieline.sources import keys
from tieline.sources.base import head_text, open_text

NAME = "whatsapp"

DateOrder = Literal["day-first", "month-first", "ambiguous"]

SNIPPET = 140

# Invisible marks WhatsApp sprinkles into exports: LRM/RLM before system and attachment lines,
# NARROW NBSP / NBSP before AM/PM (iOS 17+), a BOM at the start.
_MARKS = "\u200e\u200f\ufeff\u202a\u202c"
_SPACES = str.maketrans({"\u202f": " ", "\u00a0": " ", "\u2009": " "})

# Korean exports write "2019. 1. 15. 오후 3:04", Chinese and Japanese put 下午/午後 before the time,
# Finnish "15.4.2016 klo 15.04", Arabic a trailing ص/م.
_HEADER = re.compile(
    r"(?P<open>\[)?"
    r"(?P<a>\d{1,4})(?P<sep>[./-]) ?(?P<b>\d{1,2})(?P=sep) ?(?P<c>\d{1,4})\.?"
    r"(?:,\s*|\s+)"
    r"(?:(?:klo|kl\.|um|om|à)\s+)?"
    r"(?:(?P<pre>午前|午後|오전|오후|上午|下午|中午|晚上|早上|凌晨)\s?)?"
    r"(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?"
    r"(?:\s*(?P<ampm>[aApP]\.?\s?[mM]\.?|ص|م))?"
    r"(?P<close>\]\s?|\s[-\u2013]\s)"
)
_AMPM_WORDS = {
    "午前": "am", "오전": "am", "上午": "am", "早上": "am", "凌晨": "am", "ص": "am",
    "午後": "pm", "오후": "pm", "下午": "pm", "中午": "pm", "晚上": "pm", "م": "pm",
}  # fmt: skip

_SYSTEM_IN_AUTHOR = (
    ' created group "',
    " changed the subject ",
    " changed the group ",
    " changed this group",
    " changed the group description",
)
# Group events iOS writes as "<group>: \u200e<event>" (only trusted behind that mark).
_SYSTEM_TEXT = re.compile(
    r"end-to-end encrypt|\bcreated (?:group|this group)\b|\b(?:added|removed)\b|\bleft$|\bjoined using\b|"
    r"\bchanged (?:the subject|this group|the group|their phone number|to )|security code|"
    r"\bnow an admin\b|disappearing messages|\bwere added\b|\bpinned a message\b",
    re.IGNORECASE,
)
_SYSTEM_WHOLE = re.compile(r"end-to-end encrypted|now secured with end-to-end encryption", re.IGNORECASE)
# The encryption notice in other languages; trusted only behind iOS's mark, where no one types.
_SYSTEM_MARKED = re.compile(
    r"end-to-end|ende-zu-ende|de extremo a extremo|de bout en bout|de ponta a ponta|ponta-a-ponta"
    r"|сквозн|uçtan uca|端到端|エンドツーエンド|종단간|암호화",
    re.IGNORECASE,
)
_PHONE = re.compile(r"^\+?[\d\s\-().]{6,}$")


@dataclass(frozen=True, slots=True)
class _Header:
    a: int
    b: int
    c: int
    year_first: bool
    hour: int
    minute: int
    second: int
    ampm: str | None
    rest: str


def _clean(line: str) -> str:
    return line.rstrip("\r\n").translate(_SPACES).lstrip(_MARKS)


def _header(line: str) -> _Header | None:
    m = _HEADER.match(line)
    if m is None:
        return None
    if (m["open"] is None) != (not m["close"].startswith("]")):
        return None
    a, b, c = m["a"], m["b"], m["c"]
    year_first = len(a) == 4
    if not year_first and (len(a) > 2 or len(c) not in (2, 4)):
        return None
    ampm = _AMPM_WORDS.get(m["pre"] or m["ampm"] or "") or m["ampm"]
    return _Header(
        int(a),
        int(b),
        int(c),
        year_first,
        int(m["hour"]),
        int(m["minute"]),
        int(m["second"] or 0),
        ampm.replace(".", "").replace(" ", "").lower() if ampm else None,
        line[m.end() :],
    )


def _when(h: _Header, day_first: bool, year_day_month: bool = False) -> datetime:
    """The header's time as UTC; raises ValueError for an impossible date or time."""
    if h.year_first:
        year, month, day = (h.a, h.c, h.b) if year_day_month else (h.a, h.b, h.c)
    else:
        year = h.c
        day, month = (h.a, h.b) if day_first else (h.b, h.a)
    if year < 100:
        year += 2000
    hour = h.hour
    if h.ampm is not None:
        if hour > 12:
            raise ValueError("hour over 12 with AM/PM")
        if h.ampm == "pm" and hour < 12:
            hour += 12
        elif h.ampm == "am" and hour == 12:
            hour = 0
    return datetime(year, month, day, hour, h.minute, h.second, tzinfo=UTC)


def _split(rest: str) -> tuple[str | None, str]:
    """(author, text) of a header line's remainder; author None for a system line."""
    author, sep, text = rest.partition(": ")
    if not sep:
        return None, rest.strip(_MARKS + " ")
    return author.strip(_MARKS + " "), text


def _is_system(author: str | None, text: str) -> bool:
    if author is None or not author:
        return True
    if any(p in author for p in _SYSTEM_IN_AUTHOR):
        return True
    if _SYSTEM_WHOLE.search(text):
        return True
    # iOS writes group events as "<group name>: \u200e<event>"; attachments also start with the mark.
    stripped = text.lstrip(_MARKS)
    return (
        text[:1] in _MARKS
        and not stripped.startswith("<")
        and bool(_SYSTEM_TEXT.search(stripped) or _SYSTEM_MARKED.search(stripped))
    )


def _author_name(author: str) -> str:
    # Newer exports prefix people who are not in the owner's address book with "~".
    return author.lstrip("~ ").strip() or author


def participant(service: str, author: str) -> Participant:
    """A chat author as a participant: a phone handle when the name is a number."""
    if _PHONE.match(author) and sum(ch.isdigit() for ch in author) >= 6:
        return Participant(handles=(Handle("phone", author),), name=None)
    return Participant(handles=(Handle("chat", f"{service}:{author}"),), name=author)


@dataclass
class _Scan:
    headers: int = 0
    max_a: int = 0
    max_b: int = 0
    ambiguous_lines: int = 0
    drops_day_first: int = 0
    drops_month_first: int = 0
    authors: dict[str, None] | None = None
    max_year_b: int = 0
    max_year_c: int = 0
    # Per author: wrote a plain line, wrote an attachment, wrote a system line (to find iOS group names).
    plain: set[str] = field(default_factory=set)
    attached: set[str] = field(default_factory=set)
    system: set[str] = field(default_factory=set)

    def pseudo_authors(self) -> set[str]:
        """Names that only ever carry marked system lines: the group itself in an iOS export, whose
        events ("\u200eAda hat Bob hinzugefügt") are written in the phone's language."""
        return self.system - self.plain - self.attached

    def year_day_month(self) -> bool:
        return self.max_year_b > 12 >= self.max_year_c


def _open(path: Path) -> Iterator[str]:
    try:
        with open_text(path) as fh:
            yield from fh
    except OSError as exc:
        raise SourceError(str(path), None, f"cannot open the file ({exc.strerror or exc})") from None


def _scan(path: Path) -> _Scan:
    scan = _Scan(authors={})
    prev: dict[bool, datetime | None] = {True: None, False: None}
    for raw in _open(path):
        h = _header(_clean(raw))
        if h is None:
            continue
        scan.headers += 1
        author, text = _split(h.rest)
        if author is not None:
            name = _author_name(author)
            if _is_system(author, text):
                scan.system.add(name)
            else:
                if scan.authors is not None:
                    scan.authors.setdefault(name, None)
                if text[:1] not in _MARKS:
                    scan.plain.add(name)
                elif text.lstrip(_MARKS).startswith("<"):
                    scan.attached.add(name)
        if h.year_first:
            scan.max_year_b = max(scan.max_year_b, h.b)
            scan.max_year_c = max(scan.max_year_c, h.c)
            continue
        scan.max_a = max(scan.max_a, h.a)
        scan.max_b = max(scan.max_b, h.b)
        # An export is in time order: the reading under which time runs backwards more often is wrong.
        for day_first in (True, False):
            try:
                when = _when(h, day_first)
            except ValueError:
                continue
            before = prev[day_first]
            if before is not None and when < before:
                if day_first:
                    scan.drops_day_first += 1
                else:
                    scan.drops_month_first += 1
            prev[day_first] = when
    return scan


def _order(scan: _Scan) -> DateOrder:
    if scan.max_a > 12 >= scan.max_b:
        return "day-first"
    if scan.max_b > 12 >= scan.max_a:
        return "month-first"
    return "ambiguous"


def date_order(path: Path) -> DateOrder:
    """Whether the file writes the day or the month first; "ambiguous" when nothing in it tells.

    Year-first files (``2019/01/31``) count as "month-first". Beyond a component over 12, a file
    whose times run backwards under one reading but not the other is decided by that.
    """
    scan = _scan(path)
    order = _order(scan)
    if order != "ambiguous" or scan.max_a == 0:
        return "month-first" if scan.max_a == 0 and scan.headers else order
    if scan.drops_day_first < scan.drops_month_first:
        return "day-first"
    if scan.drops_month_first < scan.drops_day_first:
        return "month-first"
    return "ambiguous"


def _resolve_day_first(scan: _Scan, options: ReadOptions) -> bool:
    # Hard evidence (a component over 12) wins even over the user's answer, which could only make
    # those dates impossible; then the user's answer; then time order; then day-first.
    order = _order(scan)
    if order != "ambiguous":
        return order == "day-first"
    if options.day_first is not None:
        return options.day_first
    return scan.drops_day_first <= scan.drops_month_first


def sniff(path: Path) -> float:
    try:
        if not path.is_file():
            return 0.0
        lines = [ln for ln in head_text(path, 4096).splitlines() if ln.strip()][:6]
        if not lines:
            return 0.0
        hits = 0
        for ln in lines:
            h = _header(_clean(ln))
            if h is not None:
                hits += 1
                # "[2019-12-24, 12:23] Name: text" is also the Signal tools' shape.
                if ln.startswith("[") and h.year_first and "-" in ln[:11]:
                    return 0.6
        if hits == 0:
            return 0.0
        first = _header(_clean(lines[0])) is not None
        return 0.9 if first else 0.6
    except Exception:  # noqa: BLE001 - sniff must never raise
        return 0.0


@dataclass
class _Message:
    line: int
    when: datetime
    author: str
    text: list[str]


def read(path: Path, options: ReadOptions) -> Iterator[Record]:
    """Yield one InteractionRecord per message, Skipped for system lines and unreadable headers."""
    try:
        scan = _scan(path)
    except SourceError:
        raise
    except Exception as exc:  # noqa: BLE001 - never let a raw exception escape
        raise SourceError(str(path), None, f"cannot read the file ({exc})") from None
    if scan.headers == 0:
        raise SourceError(str(path), 1, 'no WhatsApp message lines ("date, time - name: text") found')
    day_first = _resolve_day_first(scan, options)
    pseudo = scan.pseudo_authors()
    authors = tuple(a for a in scan.authors or () if a not in pseudo)
    yield from _messages(path, options, day_first, authors, pseudo, scan.year_day_month())


def _messages(
    path: Path,
    options: ReadOptions,
    day_first: bool,
    authors: tuple[str, ...],
    pseudo: set[str],
    year_day_month: bool,
) -> Iterator[Record]:
    file = path.name  # part of the source keys: the same chat gives the same keys wherever it lies
    shown = str(path)
    group_size = max(2, len(authors))
    people = {a: participant("whatsapp", a) for a in authors}
    current: _Message | None = None
    last_key = ""
    repeat = 0
    lineno = 0

    def emit(msg: _Message) -> InteractionRecord:
        nonlocal last_key, repeat
        text = "\n".join(msg.text).rstrip()
        basis = f"{file}\x1f{msg.when.isoformat()}\x1f{msg.author}\x1f{text}"
        repeat = repeat + 1 if basis == last_key else 0
        last_key = basis
        digest = keys.digest(basis, str(repeat))
        others = tuple(p for a, p in people.items() if a != msg.author)
        return InteractionRecord(
            source_key=f"wa:{digest}",
            when=msg.when,
            channel="chat",
            participants=others,
            sender=people.get(msg.author) or participant("whatsapp", msg.author),
            group_size=group_size,
            thread=f"whatsapp:{file}",
            subject=_snippet(text) if options.content else None,
        )

    try:
        for raw in _open(path):
            lineno += 1
            line = _clean(raw)
            h = _header(line)
            if h is None:
                if current is not None:
                    current.text.append(raw.rstrip("\r\n"))
                elif line.strip():
                    yield Skipped(shown, f"line {lineno}", "text before the first message")
                continue
            if current is not None:
                yield emit(current)
                current = None
            author, text = _split(h.rest)
            if author is None or _is_system(author, text) or _author_name(author) in pseudo:
                yield Skipped(shown, f"line {lineno}", "system message")
                continue
            try:
                when = _when(h, day_first, year_day_month)
            except ValueError:
                yield Skipped(shown, f"line {lineno}", "impossible date or time in the message header")
                continue
            current = _Message(lineno, when, _author_name(author), [text.lstrip(_MARKS)])
        if current is not None:
            yield emit(current)
    except SourceError:
        raise
    except Exception as exc:  # noqa: BLE001 - never let a raw exception escape
        raise SourceError(str(path), f"line {lineno}", f"cannot read the file ({exc})") from None


def _snippet(text: str) -> str | None:
    text = " ".join(text.split())
    return text[:SNIPPET] or None
