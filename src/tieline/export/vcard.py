"""People as vCards: 4.0 by RFC 6350 (3.0 by RFC 2426 on request), read back by tieline with nothing lost.

What clients know goes into standard properties (FN, N, EMAIL, TEL, URL, IMPP, ORG, TITLE, BDAY, NOTE,
CATEGORIES); what only tieline knows goes into ``X-TIELINE-`` properties, which RFC 6350 tells every
client to keep or ignore: each job with its dates (``X-TIELINE-POSITION:org;title;start;end``), how you met,
and when you connected. Lines end in CRLF and are folded at 75 octets.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import date
from typing import Any

from tieline.sources.times import NO_YEAR

NAMESPACE = uuid.UUID("6f1d2c1e-4b8a-5f57-9e2f-7d0b6c3a9e41")
_SAFE_TYPE = re.compile(r"^[a-z][a-z0-9-]{0,30}$")
_PHONE_TYPES = {"mobile": "cell", "iphone": "cell", "main": "voice"}


def card(person: dict[str, Any], version: int = 4) -> str:
    """One person (as services.export.people gathers them) as one vCard."""
    v4 = version == 4
    lines = ["BEGIN:VCARD", "VERSION:4.0" if v4 else "VERSION:3.0", "PRODID:-//tieline//export//EN"]
    lines.append(f"UID:urn:uuid:{uuid.uuid5(NAMESPACE, str(person['uid']))}")
    lines.append("FN:" + text(person["name"]))
    family, given = person.get("family_name") or "", person.get("given_name") or ""
    lines.append(f"N:{text(family)};{text(given)};;;")
    for h in person["handles"]:
        lines.extend(_handle(h, v4))
    current = [p for p in person["positions"] if not p["end"]]
    if current:
        first = current[0]
        lines.append("ORG:" + text(first["organization"]))
        if first["title"]:
            lines.append("TITLE:" + text(first["title"]))
    for p in person["positions"]:
        parts = (p["organization"], p["title"] or "", _iso(p["start"], v4), _iso(p["end"], v4))
        lines.append("X-TIELINE-POSITION:" + ";".join(text(x) for x in parts))
    if person.get("birthday"):
        lines.append("BDAY:" + _iso(person["birthday"], v4))
    for note in person["notes"]:
        lines.append("NOTE:" + text(note))
    if person["tags"]:
        lines.append("CATEGORIES:" + ",".join(text(tag) for tag in person["tags"]))
    if person.get("how_met"):
        lines.append("X-TIELINE-HOW-MET:" + text(person["how_met"]))
    if person.get("connected_on"):
        lines.append("X-TIELINE-CONNECTED:" + _iso(person["connected_on"][:10], v4))
    lines.append("END:VCARD")
    return "".join(fold(line) for line in lines)


def cards(people: Iterable[dict[str, Any]], version: int = 4) -> Iterable[str]:
    return (card(p, version) for p in people)


def text(value: str) -> str:
    """A text value escaped as RFC 6350 3.4 says: backslash, comma, semicolon, newline."""
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """A content line folded at 75 octets (never inside a UTF-8 character), ending in CRLF."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line + "\r\n"
    out: list[str] = []
    limit = 75
    while data:
        cut = min(limit, len(data))
        while cut < len(data) and (data[cut] & 0xC0) == 0x80:  # do not split a character
            cut -= 1
        out.append(data[:cut].decode("utf-8"))
        data = data[cut:]
        limit = 74  # continuation lines start with a space
    return "\r\n ".join(out) + "\r\n"


def _handle(h: dict[str, Any], v4: bool) -> list[str]:
    kind, value, label = h["kind"], h["value"], (h.get("label") or "").casefold()
    if kind == "phone":
        label = _PHONE_TYPES.get(label, label)
    typed = f";TYPE={label if v4 else label.upper()}" if label and _SAFE_TYPE.match(label) else ""
    if kind == "email":
        return [f"EMAIL{typed}:{text(value)}"]
    if kind == "phone":
        if v4:
            return [
                f"TEL;VALUE=uri{typed}:tel:{value}" if value.startswith("+") else f"TEL{typed}:{text(value)}"
            ]
        return [f"TEL{typed}:{text(value)}"]
    if kind in ("url", "linkedin"):
        return [f"URL:{value}"]
    if kind == "chat" and ":" in value:
        return [f"IMPP:{value}"]
    return []


def _iso(value: str | date | None, v4: bool) -> str:
    """A date as vCard writes it: 4.0 ``19851210`` or ``--1210`` (no year); 3.0 ``1985-12-10``."""
    if not value:
        return ""
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    if day.year == NO_YEAR:
        return f"--{day.month:02d}{day.day:02d}" if v4 else f"--{day.month:02d}-{day.day:02d}"
    return day.strftime("%Y%m%d") if v4 else day.isoformat()
