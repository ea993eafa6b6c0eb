"""Call logs and SMS logs exported as CSV by phone apps (Android and iOS call-log / SMS backup apps).

Columns are found by their header names, never by position, in English and a few other languages:
the number (``number``, ``phone``, ``address``, ``caller``, or a ``from``/``to`` pair), the contact's
name, the time (one column, or a date column and a time column), the duration (seconds, ``HH:MM:SS``,
``1m 20s``), and the type or direction (words such as ``incoming``/``sent``/``verpasst``, or Android's
numeric codes). A row with a message body, or whose type or kind says SMS, is a text; otherwise a call.

Times carry no zone in these logs (they are the phone's local time) and are taken as UTC; a time with a
zone is converted. Whether `05/03/2024` is 5 March or 3 May is decided for the whole file by
:func:`date_order`: a date with a part over 12 in any row, else AM/PM times (month first), else the
user's answer (``--day-first/--month-first``, asked before the import), else day first.

Records are what :mod:`tieline.sources.phone.sms_backup` makes of the same facts: the other party as a phone
handle with the contact's name, missed and rejected calls incoming with no talk time, blocked calls,
drafts, unsent texts and withheld numbers skipped with a reason.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Literal

from tieline.errors import SourceError
from tieline.records import Direction, Handle, InteractionRecord, Participant, ReadOptions, Record, Skipped
from tieline.sources import csvutil, keys
from tieline.sources.phone.phonelog_values import (
    Hint,
    Status,
    at_clock,
    channel_hint,
    date_order_of,
    parse_duration,
    parse_time,
    status,
)

NAME = "phonelog_csv"

SNIPPET = 140
_NULLS = {
    "",
    "null",
    "(unknown)",
    "unknown",
    "private",
    "private number",
    "withheld",
    "anonymous",
    "-1",
    "-2",
}
_NUMBER = {
    "number",
    "phone",
    "phone number",
    "phonenumber",
    "phone no",
    "address",
    "caller",
    "caller id",
    "callerid",
    "contact number",
    "telephone",
    "telephone number",
    "tel",
    "mobile",
    "mobile number",
    "msisdn",
    "remote number",
    "other party",
    "nummer",
    "rufnummer",
    "telefonnummer",
    "numero",
    "numero de telephone",
    "telefono",
}
_FROM = {"from", "sender", "from number", "caller number"}
_TO = {"to", "recipient", "to number", "callee", "called number"}
_NAME = {
    "name",
    "contact",
    "contact name",
    "cached name",
    "display name",
    "caller name",
    "person",
    "kontakt",
    "kontaktname",
    "nom",
    "nombre",
    "contacto",
}
# In order of preference: a column that holds the whole moment beats a bare `date` or `time`.
_WHEN = (
    "date time",
    "datetime",
    "date and time",
    "timestamp",
    "time stamp",
    "start time",
    "call date",
    "date",
    "datum",
    "fecha",
    "start",
    "date sent",
    "time",
    "zeit",
    "heure",
    "hora",
)
_CLOCK = ("time", "call time", "uhrzeit", "zeit", "heure", "hora")
_DURATION = {"duration", "dur", "call duration", "length", "talk time", "dauer", "duree", "duracion"}
_KIND = {
    "type",
    "call type",
    "message type",
    "sms type",
    "direction",
    "kind",
    "channel",
    "folder",
    "box",
    "status",
    "typ",
    "richtung",
    "sens",
    "tipo",
}
_BODY = {"body", "message", "text", "content", "message text", "msg", "sms", "nachricht", "texte", "mensaje"}
# Headers of mail, LinkedIn and address-book exports that a phone log never has.
_FOREIGN = {
    "subject",
    "conversation id",
    "sender profile url",
    "profile url",
    "url",
    "email",
    "email address",
}
_PHONE = re.compile(r"^\+?[0-9][0-9 ().~/+-]{3,}[0-9]$")
_UNITS = {"s", "sec", "secs", "seconds", "ms", "millis", "milliseconds", "hh mm ss", "mm ss", "min"}


@dataclass(frozen=True)
class Layout:
    """Where the columns of one phone log are."""

    when: int
    number: int | None = None
    sender: int | None = None  # a `from` column
    recipient: int | None = None  # a `to` column
    name: int | None = None
    clock: int | None = None
    duration: int | None = None
    millis: bool = False
    kinds: tuple[int, ...] = ()
    loose: tuple[int, ...] = ()  # kind columns that may hold other things (`status`: read, unread)
    body: int | None = None


def _norm(key: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", key) if not unicodedata.combining(c))
    return " ".join(re.findall(r"[a-z0-9]+", plain.casefold()))


def _duration_column(key: str) -> tuple[bool, bool]:
    """(is a duration column, counts milliseconds): `duration`, `duration (s)`, `duration_ms`."""
    for base in _DURATION:
        if key == base or (key.startswith(base + " ") and key[len(base) + 1 :] in _UNITS):
            rest = key[len(base) + 1 :]
            return True, rest in ("ms", "millis", "milliseconds")
    return False, False


def layout(keys: list[str]) -> Layout | None:
    """The columns of a phone log in a header, or None when it lacks a number or a time column."""
    norm = [_norm(k) for k in keys]
    if {"ego", "alter"} <= set(norm):
        return None  # the generic interactions CSV

    def first(names: set[str] | tuple[str, ...]) -> int | None:
        for name in names if isinstance(names, tuple) else sorted(names):
            if name in norm:
                return norm.index(name)
        return None

    number, sender, recipient = first(_NUMBER), first(_FROM), first(_TO)
    when = first(_WHEN)
    if when is None or (number is None and sender is None and recipient is None):
        return None
    clock = next((norm.index(c) for c in _CLOCK if c in norm and norm.index(c) != when), None)
    duration, millis = None, False
    for i, key in enumerate(norm):
        found, ms = _duration_column(key)
        if found:
            duration, millis = i, ms
            break
    return Layout(
        when=when,
        number=number,
        sender=None if number is not None else sender,
        recipient=None if number is not None else recipient,
        name=first(_NAME),
        clock=clock,
        duration=duration,
        millis=millis,
        kinds=tuple(i for i, key in enumerate(norm) if key in _KIND),
        loose=tuple(i for i, key in enumerate(norm) if key == "status"),
        body=first(_BODY),
    )


def sniff(path: Path) -> float:
    """Confident when the header names a phone number, a time, and a duration or a call/SMS type,
    and the first rows hold phone numbers where the header says they are."""
    try:
        if not path.is_file():
            return 0.0
        lines = csvutil.head_lines(path, 8192)
        parsed = csvutil.parse_header(lines[:1]) if lines else None
        if parsed is None:
            return 0.0
        _, keys, delimiter = parsed
        found = layout(keys)
        if found is None or (found.duration is None and not found.kinds):
            return 0.0
        if any(_norm(k) in _FOREIGN for k in keys):
            return 0.0
        data = [r for r in csv.reader(lines[1:12], delimiter=delimiter) if any(c.strip() for c in r)]
        columns = [i for i in (found.number, found.sender, found.recipient) if i is not None]
        phones = [csvutil.cell(r, i) for r in data for i in columns]
        if any(_PHONE.match(p) for p in phones):
            return 0.85
        # No data yet (or none readable): a header with a plain number column still says enough.
        return 0.6 if found.number is not None and not any(phones) else 0.0
    except Exception:  # noqa: BLE001 - sniff must never raise
        return 0.0


def read(path: Path, options: ReadOptions) -> Iterator[Record]:
    """One InteractionRecord per call and per delivered text; rows that say nothing usable are Skipped."""
    shown = str(path)
    order, proven = _scan_order(path)
    if proven or (order != "ambiguous" and options.day_first is None):
        options = replace(options, day_first=order == "day-first")
    keys, rows, fh = csvutil.open_table(path, encoding=options.extra.get("encoding"))
    with fh:
        found = layout(keys)
        if found is None:
            raise SourceError(shown, "line 1", "not a phone log (no number and time columns)")
        for n, row in rows:
            if any(c.strip() for c in row):
                yield _record(shown, f"line {n}", row, found, options)


def date_order(path: Path) -> Literal["day-first", "month-first", "ambiguous"]:
    """Whether the file's dates put the day or the month first; "ambiguous" when nothing in it tells.

    A part over 12 in any row decides; otherwise a file whose times carry AM/PM (the US shape) is
    month first. Dates that cannot be misread (ISO, dotted, Unix times) say "month-first": nothing to ask.
    """
    return _scan_order(path)[0]


def _scan_order(path: Path) -> tuple[Literal["day-first", "month-first", "ambiguous"], bool]:
    """The file's date order and whether a date in it proves it (rather than AM/PM hinting at it)."""
    seen: set[str | None] = set()
    try:
        keys, rows, fh = csvutil.open_table(path, metered=False)
        with fh:
            lay = layout(keys)
            if lay is None:
                return "month-first", False
            for _n, row in rows:
                seen.add(date_order_of(csvutil.cell(row, lay.when) or csvutil.cell(row, lay.clock)))
                if "day-first" in seen or "month-first" in seen:
                    break
    except SourceError:
        return "month-first", False  # the import itself reports it
    if "day-first" in seen:
        return "day-first", True
    if "month-first" in seen:
        return "month-first", True
    if "us" in seen or "ambiguous" not in seen:
        return "month-first", False
    return "ambiguous", False


def _name(value: str) -> str | None:
    return None if value.strip().casefold() in _NULLS else value.strip()


def _withheld(number: str) -> bool:
    return number.casefold() in _NULLS or not any(ch.isdigit() for ch in number) or number.startswith("-")


def _when(row: list[str], lay: Layout, options: ReadOptions) -> datetime | None:
    text = csvutil.cell(row, lay.when)
    clock = csvutil.cell(row, lay.clock)
    found = parse_time(text, options.day_first) if text else None
    if found is None:
        found = parse_time(clock, options.day_first) if clock else None  # a `time` column with the date in it
        return found[0] if found and found[1] else None
    when, timed = found
    if not timed and clock:
        return at_clock(when, clock) or when
    return when


def _record(shown: str, where: str, row: list[str], lay: Layout, options: ReadOptions) -> Record:
    kinds = [csvutil.cell(row, i) for i in lay.kinds]
    body = csvutil.cell(row, lay.body)
    hints = [h for h in (channel_hint(k) for k in kinds if not k.isdigit()) if h]
    channel: Hint = hints[0] if hints else ("sms" if lay.body is not None else "call")
    said: Status | None = next((s for s in (status(k, channel) for k in kinds) if s), None)
    if said is None:
        # A type we cannot read is not guessed at; a bare channel word (`SMS`) or a `status` like `read` says nothing.
        strange = [
            k
            for i, k in zip(lay.kinds, kinds, strict=True)
            if k and i not in lay.loose and not channel_hint(k)
        ]
        if strange:
            return Skipped(shown, where, f"unknown {channel} type {strange[0]!r}")
    if said == "blocked":
        return Skipped(shown, where, f"blocked {'call' if channel == 'call' else 'message'}")
    if said == "draft":
        return Skipped(shown, where, "draft")
    if said == "unsent":
        return Skipped(shown, where, "not sent")
    when = _when(row, lay, options)
    if when is None:
        return Skipped(shown, where, "no readable date")
    numbers, direction, sender_first = _parties(row, lay, said)
    numbers = [n for part in numbers for n in (part.split("~") if channel == "sms" else [part])]
    numbers = [n.strip() for n in numbers if not _withheld(n.strip())]
    if not numbers:
        return Skipped(shown, where, "number withheld" if channel == "call" else "no phone number")
    name = _name(csvutil.cell(row, lay.name)) if len(numbers) == 1 else None
    people = tuple(Participant(handles=(Handle("phone", n),), name=name) for n in numbers)
    sender = people[0] if direction == "in" or sender_first else None
    facts = [*numbers, csvutil.cell(row, lay.when), csvutil.cell(row, lay.clock), *kinds]
    if channel == "sms":
        return InteractionRecord(
            source_key=f"{NAME}:sms:" + _key(*facts, body),
            when=when,
            channel="sms",
            participants=people,
            sender=sender if len(people) == 1 or direction != "in" else None,
            direction=direction,
            group_size=2 if sender_first else len(people) + 1,
            subject=(" ".join(body.split())[:SNIPPET] or None) if options.content else None,
        )
    duration = None
    if lay.duration is not None:
        duration = parse_duration(csvutil.cell(row, lay.duration), lay.millis)
        if duration is None:
            return Skipped(shown, where, f"unreadable duration {csvutil.cell(row, lay.duration)!r}")
    if said in ("missed", "rejected"):
        duration = 0
    return InteractionRecord(
        source_key=f"{NAME}:call:" + _key(*facts),
        when=when,
        channel="call",
        participants=people,
        sender=sender,
        direction=direction,
        group_size=2 if sender_first else len(people) + 1,
        duration_s=duration,
    )


def _parties(row: list[str], lay: Layout, said: Status | None) -> tuple[list[str], Direction | None, bool]:
    """(the other party's numbers, the direction, whether the first number is the sender of a pair)."""
    direction: Direction | None = None
    if said in ("in", "missed", "rejected", "voicemail"):
        direction = "in"
    elif said == "out":
        direction = "out"
    if lay.number is not None:
        return [csvutil.cell(row, lay.number)], direction, False
    frm, to = csvutil.cell(row, lay.sender), csvutil.cell(row, lay.recipient)
    if direction == "in" or (direction is None and frm and not to):
        return [frm], "in", False
    if direction == "out" or (direction is None and to and not frm):
        return [to], "out", False
    # Both sides and no type: one of them is the owner, whom ingest recognises and leaves out.
    return [frm, to], None, True


def _key(*parts: str) -> str:
    return keys.digest(*parts)
