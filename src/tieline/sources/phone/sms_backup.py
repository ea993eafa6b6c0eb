"""SMS Backup & Restore XML (``<smses>`` with ``<sms>``/``<mms>``, ``<calls>`` with ``<call>``),
and SuperBackup's call log (``<alllogs>`` with ``<log>``).

The backups are streamed with ``iterparse`` over a byte stream that repairs what strict XML
parsers reject and these apps write anyway: emoji as surrogate-pair character references
(``&#55357;&#56832;`` becomes ``&#128512;``), references to characters XML forbids (``&#1;``)
and raw control bytes (both dropped). Each element is cleared once read, so memory stays flat.
The ``count`` attribute is ignored: it often disagrees with the content.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from tieline.errors import SourceError
from tieline.records import Direction, Handle, InteractionRecord, Participant, ReadOptions, Record, Skipped
from tieline.sources import keys
from tieline.sources.base import head, open_binary
from tieline.sources.phone.phonelog_values import parse_time
from tieline.sources.times import from_unix

NAME = "sms_backup"

SNIPPET = 140
_CHUNK = 1 << 16
_MAX_CARRY = 1 << 20

_REF_RUN = re.compile(rb"(?:&#(?:[xX][0-9a-fA-F]{1,8}|[0-9]{1,10});)+")
_REF = re.compile(rb"&#([xX][0-9a-fA-F]{1,8}|[0-9]{1,10});")
# A run of references (complete or cut off) touching the end of a chunk is kept for the next one,
# so a surrogate pair is never split between chunks.
_TAIL = re.compile(
    rb"(?:&#(?:[xX][0-9a-fA-F]{0,8}|[0-9]{0,10});)*(?:&(?:#(?:[xX][0-9a-fA-F]{0,8}|[0-9]{0,10}))?)?\Z"
)
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NULLS = {"", "null", "(unknown)", "unknown", "-1", "-2", "-3"}

_SMS_DIRECTION: dict[str, Direction] = {"1": "in", "2": "out"}
_SMS_NOT_SENT = {"3": "draft", "4": "not sent (outbox)", "5": "not sent (failed)", "6": "not sent (queued)"}
# Call types: 1 incoming, 2 outgoing, 3 missed, 4 voicemail, 5 rejected, 6 blocked, 7 answered externally.
_CALL_DIRECTION: dict[str, Direction] = {"1": "in", "2": "out", "3": "in", "4": "in", "5": "in", "7": "in"}
_NO_TALK = {"3", "5"}


def _xml_ok(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def _fix_run(match: re.Match[bytes]) -> bytes:
    codes = []
    for ref in _REF.finditer(match.group(0)):
        token = ref.group(1)
        codes.append(int(token[1:], 16) if token[:1] in (b"x", b"X") else int(token))
    out: list[bytes] = []
    i = 0
    while i < len(codes):
        code = codes[i]
        if 0xD800 <= code <= 0xDBFF and i + 1 < len(codes) and 0xDC00 <= codes[i + 1] <= 0xDFFF:
            code = 0x10000 + ((code - 0xD800) << 10) + (codes[i + 1] - 0xDC00)
            i += 1
        if _xml_ok(code):
            out.append(b"&#%d;" % code)
        i += 1
    return b"".join(out)


class _Repaired(io.RawIOBase):
    """A readable byte stream that repairs invalid character references on the fly."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._carry = b""
        self._out = b""
        self._eof = False

    def readable(self) -> bool:
        return True

    def _fill(self) -> None:
        while not self._out and not self._eof:
            chunk = self._raw.read(_CHUNK)
            data = self._carry + chunk
            self._carry = b""
            if not chunk:
                self._eof = True
            else:
                tail = _TAIL.search(data)
                if tail is not None and tail.start() < len(data):
                    if tail.start() == 0 and len(data) < _MAX_CARRY:
                        self._carry = data  # nothing but references so far: wait for the rest
                        continue
                    if tail.start() > 0:
                        self._carry = data[tail.start() :]
                        data = data[: tail.start()]
            self._out = _CONTROL.sub(b"", _REF_RUN.sub(_fix_run, data))

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        self._fill()
        n = min(len(buffer), len(self._out))
        buffer[:n] = self._out[:n]
        self._out = self._out[n:]
        return n


def sniff(path: Path) -> float:
    try:
        if not path.is_file():
            return 0.0
        text = head(path, 4096)
        if b"<smses" in text or b"<alllogs" in text:
            return 0.95
        if b"<calls" in text and (b"<call " in text or b"<call\n" in text or b"count=" in text):
            return 0.95
        return 0.0
    except Exception:  # noqa: BLE001 - sniff must never raise
        return 0.0


def _ms(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return from_unix(int(value), "ms")
    except ValueError:
        return None


def _local(value: str | None) -> datetime | None:
    """SuperBackup's readable ``time`` (device local time, taken as UTC), for a log without ``date``."""
    found = parse_time(value or "")
    return found[0] if found is not None else None


def _name(value: str | None) -> str | None:
    if value is None or value.strip().lower() in _NULLS:
        return None
    return value.strip()


def _person(number: str, name: str | None) -> Participant:
    return Participant(handles=(Handle("phone", number),), name=name)


def _numbers(value: str | None) -> list[str]:
    # Group conversations join the other parties' numbers with "~".
    if not value:
        return []
    return [n.strip() for n in value.split("~") if n.strip().lower() not in _NULLS]


def _key(*parts: str) -> str:
    return keys.digest(*parts)


def _snippet(text: str | None, options: ReadOptions) -> str | None:
    if not options.content or not text or text == "null":
        return None
    return " ".join(text.split())[:SNIPPET] or None


def read(path: Path, options: ReadOptions) -> Iterator[Record]:
    """One InteractionRecord per delivered SMS/MMS and per call; drafts and withheld numbers Skipped."""
    file = str(path)
    index = 0
    try:
        with open_binary(path) as fh:
            stream = io.BufferedReader(_Repaired(fh), buffer_size=_CHUNK)
            events = ET.iterparse(stream, events=("start", "end"))
            root: ET.Element | None = None
            depth = 0
            for event, elem in events:
                if event == "start":
                    if root is None:
                        root = elem
                        if elem.tag not in ("smses", "calls", "alllogs"):
                            raise SourceError(str(path), 1, f"not an SMS or call backup (root <{elem.tag}>)")
                    depth += 1
                    continue
                depth -= 1
                if depth != 1:
                    continue
                index += 1
                yield from _element(file, index, elem, options)
                if root is not None:
                    root.clear()
            if root is None:
                raise SourceError(str(path), None, "empty file")
    except SourceError:
        raise
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise SourceError(str(path), f"line {line}", f"broken XML ({exc})") from None
    except OSError as exc:
        raise SourceError(str(path), None, f"cannot open the file ({exc.strerror or exc})") from None
    except Exception as exc:  # noqa: BLE001 - never let a raw exception escape
        raise SourceError(str(path), f"element {index}", f"cannot read the file ({exc})") from None


def _element(file: str, index: int, elem: ET.Element, options: ReadOptions) -> Iterator[Record]:
    where = f"<{elem.tag}> {index}"
    if elem.tag == "sms":
        yield _sms(file, where, elem, options)
    elif elem.tag == "mms":
        yield _mms(file, where, elem, options)
    elif elem.tag in ("call", "log"):
        yield _call(file, where, elem)
    else:
        yield Skipped(file, where, f"unknown element <{elem.tag}>")


def _sms(file: str, where: str, e: ET.Element, options: ReadOptions) -> Record:
    kind = e.get("type", "")
    if kind in _SMS_NOT_SENT:
        return Skipped(file, where, _SMS_NOT_SENT[kind])
    direction = _SMS_DIRECTION.get(kind)
    if direction is None:
        return Skipped(file, where, f"unknown SMS type {kind!r}")
    when = _ms(e.get("date"))
    if when is None:
        return Skipped(file, where, "no readable date")
    numbers = _numbers(e.get("address"))
    if not numbers:
        return Skipped(file, where, "no phone number")
    name = _name(e.get("contact_name")) if len(numbers) == 1 else None
    people = tuple(_person(n, name) for n in numbers)
    body = e.get("body")
    return InteractionRecord(
        source_key="sms:" + _key(e.get("address", ""), e.get("date", ""), kind, body or ""),
        when=when,
        channel="sms",
        participants=people,
        sender=people[0] if direction == "in" and len(people) == 1 else None,
        direction=direction,
        group_size=len(people) + 1,
        subject=_snippet(body, options),
    )


def _mms(file: str, where: str, e: ET.Element, options: ReadOptions) -> Record:
    box = e.get("msg_box", "")
    direction = _SMS_DIRECTION.get(box)
    if direction is None:
        return Skipped(file, where, _SMS_NOT_SENT.get(box, f"unknown MMS box {box!r}"))
    when = _ms(e.get("date"))
    if when is None:
        return Skipped(file, where, "no readable date")
    numbers = _numbers(e.get("address"))
    sender_number = None
    for addr in e.iter("addr"):
        if addr.get("type") == "137":
            sender_number = addr.get("address")
    if not numbers:
        # Without an address attribute the parties come from <addr>; on a sent MMS the "from" (137) is the owner.
        numbers = [
            a.get("address", "")
            for a in e.iter("addr")
            if _name(a.get("address"))
            and a.get("address") != "insert-address-token"
            and not (direction == "out" and a.get("type") == "137")
        ]
    if not numbers:
        return Skipped(file, where, "no phone number")
    name = _name(e.get("contact_name")) if len(numbers) == 1 else None
    people = tuple(_person(n, name) for n in numbers)
    sender = None
    if direction == "in" and sender_number:
        sender = next(
            (p for p in people if p.handles[0].value == sender_number), _person(sender_number, None)
        )
    text = " ".join(
        p.get("text", "")
        for p in e.iter("part")
        if p.get("ct") == "text/plain" and p.get("text") not in (None, "null")
    )
    return InteractionRecord(
        source_key="mms:" + _key(e.get("address", ""), e.get("date", ""), box, e.get("m_id") or text),
        when=when,
        channel="sms",
        participants=people,
        sender=sender,
        direction=direction,
        group_size=len(people) + 1,
        subject=_snippet(text, options),
    )


def _call(file: str, where: str, e: ET.Element) -> Record:
    kind = e.get("type", "")
    if kind == "6":
        return Skipped(file, where, "blocked call")
    direction = _CALL_DIRECTION.get(kind)
    if direction is None:
        return Skipped(file, where, f"unknown call type {kind!r}")
    number = (e.get("number") or "").strip()
    if number.lower() in _NULLS or not any(ch.isdigit() for ch in number) or number.startswith("-"):
        return Skipped(file, where, "number withheld")
    when = _ms(e.get("date")) or _local(e.get("time"))
    if when is None:
        return Skipped(file, where, "no readable date")
    raw_duration = e.get("duration", e.get("dur", "0")) or "0"
    try:
        duration = 0 if kind in _NO_TALK else max(0, int(raw_duration))
    except ValueError:
        duration = 0
    person = _person(number, _name(e.get("contact_name", e.get("name"))))
    return InteractionRecord(
        source_key="call:" + _key(number, e.get("date", ""), kind),
        when=when,
        channel="call",
        participants=(person,),
        sender=person if direction == "in" else None,
        direction=direction,
        duration_s=duration,
    )
