"""vCard 4.0 in its JSON and XML forms: jCard (RFC 7095) and xCard (RFC 6351).

Both carry the same properties as a text vCard; each card is turned into (name, parameters, values)
triples and mapped to a ContactRecord the same way: FN/N, EMAIL, TEL, URL, IMPP, ORG, TITLE, NOTE,
CATEGORIES, BDAY, UID.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tieline.errors import SourceError
from tieline.records import ContactRecord, Handle, Position, ReadOptions, Record, Skipped
from tieline.sources import jsonstream, keys
from tieline.sources.base import head_text, open_binary
from tieline.sources.contacts.vcard import _birthday as birthday

NAME = "jcard"
XCARD_NS = "{urn:ietf:params:xml:ns:vcard-4.0}"
MAX_XML_BYTES = 200 * 1024 * 1024

Prop = tuple[str, dict[str, list[str]], list[Any]]


def sniff(path: Path) -> float:
    try:
        if not path.is_file():
            return 0.0
        text = head_text(path, 4096).lstrip()
        if text.startswith("[") and '"vcard"' in text[:200]:
            return 0.9
        if text.startswith("<") and "urn:ietf:params:xml:ns:vcard-4.0" in text:
            return 0.9
        return 0.0
    except Exception:  # noqa: BLE001 - sniff must never raise
        return 0.0


def read(path: Path, options: ReadOptions) -> Iterator[Record]:
    text = head_text(path, 512).lstrip()
    cards = _xcards(path) if text.startswith("<") else _jcards(path)
    for index, props in enumerate(cards, start=1):
        yield _record(path, index, props)


def _jcards(path: Path) -> Iterator[list[Prop]]:
    data = jsonstream.load(path)
    # One card is ["vcard", [...]]; a file of several is a list of those.
    cards = [data] if isinstance(data, list) and data[:1] == ["vcard"] else data
    if not isinstance(cards, list):
        raise SourceError(str(path), None, "not a jCard file (expected a JSON array)")
    for index, card in enumerate(cards, start=1):
        if not (
            isinstance(card, list) and len(card) >= 2 and card[0] == "vcard" and isinstance(card[1], list)
        ):
            raise SourceError(str(path), f"card {index}", 'not a jCard (expected ["vcard", [...]])')
        props: list[Prop] = []
        for item in card[1]:
            if isinstance(item, list) and len(item) >= 4 and isinstance(item[0], str):
                params = (
                    {str(k).upper(): _strings(v) for k, v in (item[1] or {}).items()}
                    if isinstance(item[1], dict)
                    else {}
                )
                props.append((item[0].upper(), params, list(item[3:])))
        yield props


def _xcards(path: Path) -> Iterator[list[Prop]]:
    try:
        if path.stat().st_size > MAX_XML_BYTES:
            raise SourceError(str(path), None, "file too large to read at once")
        with open_binary(path) as fh:
            root = ET.parse(fh).getroot()
    except ET.ParseError as exc:
        raise SourceError(str(path), f"line {exc.position[0]}", f"broken XML ({exc})") from None
    except OSError as exc:
        raise SourceError(str(path), None, f"cannot open the file ({exc})") from None
    cards = [root] if _tag(root) == "vcard" else [c for c in root if _tag(c) == "vcard"]
    for card in cards:
        props: list[Prop] = []
        for prop in card:
            children = list(prop) if _tag(prop) == "group" else [prop]
            for p in children:
                params: dict[str, list[str]] = {}
                values: list[Any] = []
                for child in p:
                    if _tag(child) == "parameters":
                        for param in child:
                            params[_tag(param).upper()] = [(v.text or "").strip() for v in param]
                    elif len(child):  # structured (n, adr): keep the parts in order
                        values.append([(part.text or "").strip() for part in child])
                    else:
                        values.append((child.text or "").strip())
                if _tag(p) == "n":
                    values = [[(c.text or "").strip() for c in p if _tag(c) != "parameters"]]
                props.append((_tag(p).upper(), params, values))
        yield props


def _tag(el: ET.Element) -> str:
    return el.tag.split("}", 1)[-1].lower()


def _strings(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def _first(values: list[Any]) -> str:
    for v in values:
        if isinstance(v, list):
            v = next((x for x in v if isinstance(x, str) and x), "")
        if isinstance(v, str) and v.strip():
            return v.strip()
    return ""


def _record(path: Path, index: int, props: list[Prop]) -> Record:
    name = given = family = uid = bday = None
    handles: list[Handle] = []
    orgs: list[str] = []
    title: str | None = None
    notes: list[str] = []
    tags: list[str] = []
    for prop, params, values in props:
        types = params.get("TYPE") or []
        label = types[0] if types else None
        value = _first(values)
        if prop == "FN":
            name = value or name
        elif prop == "N" and values and isinstance(values[0], list):
            parts = [p if isinstance(p, str) else " ".join(p) for p in values[0]]
            family = parts[0] if parts and parts[0] else None
            given = parts[1] if len(parts) > 1 and parts[1] else None
        elif prop == "EMAIL" and value:
            handles.append(Handle("email", value, label))
        elif prop == "TEL" and value:
            handles.append(Handle("phone", value.split(";", 1)[0], label))
        elif prop == "URL" and value:
            if "linkedin.com/" in value.casefold():
                handles.append(Handle("linkedin", value, label))
            else:
                handles.append(Handle("url", value, label))
        elif prop == "IMPP" and value:
            scheme, _, ident = value.partition(":")
            handles.append(
                Handle("chat", f"{scheme.casefold()}:{ident.lstrip('/')}" if ident else f"im:{value}")
            )
        elif prop == "ORG" and value:
            orgs.append(value)
        elif prop == "TITLE" and value:
            title = value
        elif prop == "NOTE" and value:
            notes.append(value)
        elif prop == "CATEGORIES":
            tags.extend(v for v in (x if isinstance(x, str) else "" for x in values) if v)
        elif prop == "BDAY" and value:
            bday = birthday(value)
        elif prop == "UID" and value:
            uid = value
        elif prop == "KIND" and value.casefold() in ("group", "org", "organization", "location"):
            return Skipped(str(path), f"card {index}", f"a card of KIND:{value}, not a person")
    if orgs and not (given or family) and (name or "").casefold() == orgs[0].casefold():
        return Skipped(str(path), f"card {index}", f"a company's card ({orgs[0]}), not a person")
    if not name:
        name = " ".join(p for p in (given, family) if p) or None
    if not name and not handles:
        return Skipped(str(path), f"card {index}", "a card with no name and no handle")
    key = uid or keys.digest(json.dumps([name, [h.value for h in handles]]))
    return ContactRecord(
        source_key=f"jcard:{key}",
        name=name,
        given_name=given,
        family_name=family,
        handles=tuple(handles),
        positions=tuple(Position(org, title) for org in orgs[:1]),
        notes=tuple(notes),
        tags=tuple(tags),
        birthday=bday,
    )
