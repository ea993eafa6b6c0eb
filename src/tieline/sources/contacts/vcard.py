"""vCard 2.1, 3.0 and 4.0 as real clients write them, one file, a multi-card file or a folder of them (vdir).

A tolerant byte-level parser, not vobject: it takes any line end (CRLF, LF, an old Mac's bare CR) and
UTF-16 files, unfolds lines (space or tab), joins 2.1 quoted-printable
soft breaks (`=` at the end of a line) and 2.1 base64 blocks (unindented, ended by a blank line), honours
CHARSET and ENCODING parameters, maps Apple's `itemN.` groups to their `X-ABLabel`, and decodes only the
properties it keeps. A card without END (or cut by the next BEGIN) is reported by file and line; the other
cards are still read. Photos are kept as a reference (`sha1:<hex>` of the bytes, or the URL), never the
bytes. A birthday without a year (`--0415`) uses the year 1604, Apple's convention. Cards that are not a
person are skipped: KIND group/org/location, and a company's card (Apple's `X-ABShowAs:COMPANY`, or FN
copied from ORG) that has no given or family name.
"""

from __future__ import annotations

import binascii
import io
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO

from tieline.errors import SourceError
from tieline.records import ContactRecord, Handle, Position, ReadOptions, Record, Skipped
from tieline.sources import keys
from tieline.sources.base import files_under, head, open_binary, physical_lines
from tieline.sources.times import NO_YEAR

NAME = "vcard"

MAX_LINE = 64 << 20  # a physical line (a photo on one line can be a few MB)
MAX_CARD = 64 << 20
SUFFIXES = (".vcf", ".vcard")

_WANTED = frozenset(
    b"FN N ADR EMAIL TEL ORG TITLE NOTE CATEGORIES URL BDAY X-SOCIALPROFILE IMPP PHOTO UID X-ABLABEL KIND X-ABSHOWAS NICKNAME".split()
    + [b"X-TIELINE-POSITION", b"X-TIELINE-HOW-MET", b"X-TIELINE-CONNECTED"]  # what `tieline export` adds
)
_IM_PROPS = {
    b"X-SKYPE": "skype",
    b"X-SKYPE-USERNAME": "skype",
    b"X-AIM": "aim",
    b"X-JABBER": "xmpp",
    b"X-GTALK": "gtalk",
    b"X-MSN": "msn",
    b"X-YAHOO": "yahoo",
    b"X-ICQ": "icq",
    b"X-QQ": "qq",
    b"X-TWITTER": "twitter",
}
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_VOLATILE = (b"REV", b"PRODID", b"X-RADICALE-NAME")
_NOT_LABELS = frozenset(
    ("internet", "pref", "voice", "x400", "msg", "quoted-printable", "base64", "b", "8bit")
)
_ESCAPE = re.compile(r"\\(.)", re.S)
_ABLABEL = re.compile(r"^_\$!<(.*)>!\$_$")


# --- sniffing --------------------------------------------------------------------------------------


def _is_vcard_bytes(data: bytes) -> float:
    if data.startswith(_UTF16_BOMS):
        data = data.decode("utf-16", "replace").encode()
    data = data.removeprefix(b"\xef\xbb\xbf").lstrip().upper()
    if data.startswith(b"BEGIN:VCARD"):
        return 0.95
    if b"\nBEGIN:VCARD" in data:
        return 0.7
    return 0.0


def sniff(path: Path) -> float:
    try:
        if path.is_dir():
            files = files_under(path, recursive=False)
            cards = [p for p in files if p.suffix.casefold() in SUFFIXES]
            if not cards or len(cards) * 2 < len(files):
                return 0.0
            return 0.85 if _is_vcard_bytes(head(cards[0], 4096)) else 0.6
        return _is_vcard_bytes(head(path, 4096))
    except OSError:
        return 0.0


# --- reading ---------------------------------------------------------------------------------------


def read(path: Path, options: ReadOptions) -> Iterator[Record]:
    if path.is_dir():
        for p in files_under(path, hidden=True):  # a vdir, and the collections inside it
            if p.suffix.casefold() in SUFFIXES and not p.name.startswith("."):
                try:
                    yield from _read_file(p, str(p))
                except SourceError as exc:  # one bad file in a vdir does not stop the others
                    yield Skipped(exc.file, exc.record or "", exc.reason)
        return
    yield from _read_file(path, str(path))


def _read_file(path: Path, shown: str) -> Iterator[Record]:
    try:
        with open_binary(path) as fh:
            found = False
            for item in _cards(_utf8(fh, shown), shown):
                found = True
                yield item
    except OSError as exc:
        raise SourceError(shown, None, f"cannot read the file ({exc.strerror or exc})") from None
    if not found:
        if path.stat().st_size == 0:
            raise SourceError(shown, None, "empty file")
        raise SourceError(shown, None, "no BEGIN:VCARD found: not a vCard file")


def _utf8(fh: IO[bytes], shown: str) -> IO[bytes]:
    """The stream itself, or for a UTF-16 file (Windows "Unicode" exports) its text re-encoded as UTF-8."""
    if fh.read(2) not in _UTF16_BOMS:
        fh.seek(0)
        return fh
    fh.seek(0)
    data = fh.read(MAX_CARD + 1)
    if len(data) > MAX_CARD:
        raise SourceError(shown, None, "UTF-16 file larger than 64 MB")
    return io.BytesIO(data.decode("utf-16", "replace").encode())


class _Line:
    """A content line being unfolded: its pieces joined once at the end, so unfolding stays linear."""

    def __init__(self, first: bytes, start: int) -> None:
        self.parts, self.start, self.size = [first], start, len(first)

    def add(self, piece: bytes) -> None:
        self.parts.append(piece)
        self.size += len(piece)

    def ends_soft(self) -> bool:
        """A quoted-printable soft line break (``=`` at the end) to remove before the next piece."""
        last = self.parts[-1]
        if not last.endswith(b"="):
            return False
        self.parts[-1] = last[:-1]
        self.size -= 1
        return True

    def bytes(self) -> bytes:
        return b"".join(self.parts)


def _logical(fh: IO[bytes], shown: str) -> Iterator[tuple[int, bytes]]:
    """(first physical line number, unfolded content line); a line unfolded past ``MAX_CARD`` is cut there."""
    cur: _Line | None = None
    qp = b64 = False
    n = 0
    for raw in physical_lines(fh, MAX_LINE):
        n += 1
        if len(raw) > MAX_LINE:
            raise SourceError(shown, f"line {n}", "line is longer than 64 MB: not a vCard file")
        line = raw.rstrip(b"\r\n")
        if n == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        first = line[:1]
        if cur is not None:
            folded = first == b" " or first == b"\t"
            if cur.size > MAX_CARD:
                if folded:
                    continue  # past any real card: dropped, and the card is refused as too large
            elif folded:
                if qp and cur.ends_soft():  # a soft break some writers also indent
                    cur.add(line.lstrip(b" \t"))
                else:
                    cur.add(line[1:].lstrip() if b64 else line[1:])
                continue
            elif qp and cur.ends_soft():  # 2.1 quoted-printable soft line break
                cur.add(line)
                continue
            elif b64 and line and b":" not in line:  # 2.1 base64 block: unindented, ends with a blank line
                cur.add(line.strip())
                continue
            elif (
                line and b":" not in line and not line.isspace()
            ):  # a stray broken line: keep it with the last
                cur.add(line)
                continue
            yield cur.start, cur.bytes()
            cur = None
        if not line or line.isspace():
            continue
        cur = _Line(line, n)
        colon = line.find(b":")
        semi = line.find(b";", 0, colon)
        if semi >= 0:
            params = line[semi:colon].upper()
            qp = b"QUOTED-PRINTABLE" in params
            b64 = b"ENCODING=B" in params or b";BASE64" in params
        else:
            qp = b64 = False
    if cur is not None:
        yield cur.start, cur.bytes()


def _cards(fh: IO[bytes], shown: str) -> Iterator[Record]:
    lines: list[bytes] = []
    begin = 0
    size = 0
    depth = 0  # nested cards (2.1 AGENT) are stepped over
    in_card = False
    agent = False
    seen_uids: dict[str, int] = {}
    for n, line in _logical(fh, shown):
        upper = line[:12].upper() if line[:1] in b"BbEeAa" else b""
        if upper.startswith(b"BEGIN:VCARD"):
            if in_card and agent:
                depth += 1
                continue
            if in_card:
                yield Skipped(shown, f"line {begin}", "card has no END:VCARD (the next card begins)")
            in_card, begin, lines, size, depth = True, n, [], 0, 0
            continue
        if upper.startswith(b"END:VCARD"):
            if depth:
                depth -= 1
                continue
            if in_card:
                in_card = False
                if size > MAX_CARD:
                    yield Skipped(shown, f"line {begin}", "card is larger than 64 MB")
                else:
                    yield _card(lines, shown, begin, seen_uids)
            continue
        if not in_card or depth:
            continue
        agent = upper.startswith(b"AGENT") and line.rstrip().endswith(b":")
        size += len(line)
        if size <= MAX_CARD:
            lines.append(line)
    if in_card:
        yield Skipped(shown, f"line {begin}", "card has no END:VCARD (file ends inside it)")


# --- one card --------------------------------------------------------------------------------------


def _split_line(line: bytes) -> tuple[bytes, bytes, list[bytes], bytes]:
    """(group, NAME, params, raw value)."""
    colon = line.find(b":")
    if colon < 0:
        return b"", b"", [], b""
    if b'"' in line[:colon]:  # a quoted parameter value may hold a colon
        quoted = False
        for i, ch in enumerate(line):
            if ch == 34:
                quoted = not quoted
            elif ch == 58 and not quoted:
                colon = i
                break
    head_part, value = line[:colon], line[colon + 1 :]
    parts = head_part.split(b";")
    name = parts[0]
    group = b""
    dot = name.find(b".")
    if dot >= 0:
        group, name = name[:dot], name[dot + 1 :]
    return group, name.strip().upper(), parts[1:], value


_PARAM_CACHE: dict[tuple[bytes, ...], dict[str, list[str]]] = {}


def _params(raw: list[bytes]) -> dict[str, list[str]]:
    """Parsed parameters; cached, because a file repeats the same few (`type=INTERNET;type=pref`)."""
    key = tuple(raw)
    found = _PARAM_CACHE.get(key)
    if found is None:
        if len(_PARAM_CACHE) > 4096:
            _PARAM_CACHE.clear()
        found = _PARAM_CACHE[key] = _parse_params(raw)
    return found


def _parse_params(raw: list[bytes]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in raw:
        text = p.decode("ascii", "replace").strip()
        key, eq, val = text.partition("=")
        if not eq:  # vCard 2.1 bare parameter: `TEL;WORK;VOICE`, `PHOTO;BASE64`
            key, val = (
                ("ENCODING", key)
                if key.upper() in ("QUOTED-PRINTABLE", "BASE64", "B", "8BIT")
                else ("TYPE", key)
            )
        key = key.strip().upper()
        for v in val.strip('"').split(","):
            out.setdefault(key, []).append(v.strip().strip('"'))
    return out


def _text(value: bytes, params: dict[str, list[str]]) -> str:
    if not params:
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value.decode("cp1252", "replace")
    enc = params.get("ENCODING", [""])[0].upper()
    if enc == "QUOTED-PRINTABLE":
        value = binascii.a2b_qp(value)
    elif enc in ("B", "BASE64"):
        value = _b64(value) or b""
    charset = params.get("CHARSET", ["utf-8"])[0] or "utf-8"
    try:
        return value.decode(charset)
    except (LookupError, UnicodeDecodeError):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value.decode("cp1252", "replace")


def _b64(data: bytes) -> bytes | None:
    data = b"".join(data.split())
    if not data:
        return None
    data += b"=" * (-len(data) % 4)
    try:
        return binascii.a2b_base64(data)
    except binascii.Error:
        return None


def _unescape(s: str) -> str:
    if "\\" not in s:
        return s
    return _ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), s)


def _split(s: str, sep: str) -> list[str]:
    """Split on separators that are not backslash-escaped, then unescape each part."""
    if "\\" not in s:
        return s.split(sep)
    return [_unescape(p) for p in re.split(r"(?<!\\)(?:\\\\)*" + re.escape(sep), s)]


def _label(params: dict[str, list[str]], group: bytes, ablabels: dict[bytes, str]) -> str | None:
    if group and group in ablabels:
        return ablabels[group]
    for t in params.get("TYPE", ()):
        t = t.casefold()
        if t and t not in _NOT_LABELS:
            return t
    return None


def _photo(value: bytes, params: dict[str, list[str]]) -> str | None:
    text = value.strip()
    if text[:5].lower() == b"data:":
        meta, _, payload = text.replace(b"\\,", b",").partition(b",")
        data = _b64(payload) if b";base64" in meta.lower() else payload
    elif params.get("ENCODING", [""])[0].upper() in ("B", "BASE64"):
        data = _b64(text)
        if data is None:
            data = b"".join(text.split())  # broken padding: still a stable reference
    elif b"://" in text:
        return _unescape(text.decode("utf-8", "replace"))
    else:
        return None
    return "sha1:" + keys.digest(data) if data else None


def _birthday(text: str) -> date | None:
    text = text.strip()
    try:
        if text.startswith("--"):
            digits = text[2:].replace("-", "")[:4]
            return date(NO_YEAR, int(digits[:2]), int(digits[2:4]))
        day = text.split("T")[0].replace("-", "")
        if len(day) == 8 and day.isdigit():
            return date(int(day[:4]), int(day[4:6]), int(day[6:8]))
    except ValueError:
        return None
    return None


def _card(lines: list[bytes], shown: str, begin: int, seen_uids: dict[str, int]) -> Record:
    ablabels: dict[bytes, str] = {}
    props: list[tuple[bytes, bytes, dict[str, list[str]], bytes]] = []
    for line in lines:
        group, name, raw_params, value = _split_line(line)
        if name in _WANTED or name in _IM_PROPS:
            params = _params(raw_params) if raw_params else {}
            if name == b"X-ABLABEL":
                label = _unescape(_text(value, params)).strip()
                m = _ABLABEL.match(label)
                ablabels[group] = (m.group(1) if m else label).casefold()
            else:
                props.append((group, name, params, value))

    fn = uid = nickname = country = ""
    n_parts: list[str] = []
    handles: list[Handle] = []
    orgs: list[str] = []
    titles: list[str] = []
    notes: list[str] = []
    tags: list[str] = []
    birthday: date | None = None
    photo: str | None = None
    shown_as_company = False
    jobs: list[Position] = []  # X-TIELINE-POSITION: every job with its dates (tieline's own export)
    how_met: str | None = None
    connected: date | None = None
    for group, name, params, value in props:
        if name == b"PHOTO":
            photo = photo or _photo(value, params)
            continue
        text = _text(value, params).strip()
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        if not text:
            continue
        if name == b"FN":
            fn = fn or _unescape(text)
        elif name == b"N":
            n_parts = n_parts or [p.strip() for p in _split(text, ";")]
        elif name == b"EMAIL":
            handles.append(Handle("email", _unescape(text), _label(params, group, ablabels)))
        elif name == b"ADR":
            parts = _split(text, ";")
            country = country or (_unescape(parts[6]).strip() if len(parts) > 6 else "")
        elif name == b"TEL":
            tel = _unescape(text)
            handles.append(
                Handle(
                    "phone", tel[4:] if tel[:4].lower() == "tel:" else tel, _label(params, group, ablabels)
                )
            )
        elif name == b"URL":
            url = _unescape(text)
            url_label = _label(params, group, ablabels)
            if "linkedin.com/" in url.casefold():
                handles.append(Handle("linkedin", url, url_label))
            else:
                handles.append(Handle("url", url, url_label))
        elif name == b"X-SOCIALPROFILE":
            handles.append(_social(_unescape(text), params))
        elif name == b"IMPP":
            handles.append(_impp(_unescape(text), params))
        elif name in _IM_PROPS:
            handles.append(Handle("chat", f"{_IM_PROPS[name]}:{_unescape(text)}"))
        elif name == b"ORG":
            orgs.append(_split(text, ";")[0].strip())
        elif name == b"TITLE":
            titles.append(_unescape(text))
        elif name == b"NOTE":
            notes.append(_unescape(text))
        elif name == b"CATEGORIES":
            # `a\, b` is one category by the RFC, but clients (Thunderbird) mean two
            tags.extend(t.strip() for t in _unescape(text).split(",") if t.strip())
        elif name == b"BDAY":
            birthday = birthday or _birthday(text)
        elif name == b"UID":
            uid = uid or _unescape(text)
        elif name == b"NICKNAME":
            nickname = nickname or _split(text, ",")[0].strip()
        elif name == b"KIND" and text.casefold() == "group":
            return Skipped(shown, f"line {begin}", "a contact group (KIND:group), not a person")
        elif name == b"KIND" and text.casefold() in ("org", "organization", "location"):
            return Skipped(shown, f"line {begin}", f"an organisation's card (KIND:{text}), not a person")
        elif name == b"X-ABSHOWAS":
            shown_as_company = text.upper() == "COMPANY"
        elif name == b"X-TIELINE-POSITION":
            org_, title_, start_, end_ = ([*_split(text, ";"), "", "", ""])[:4]
            if org_.strip():
                jobs.append(Position(org_.strip(), title_ or None, _birthday(start_), _birthday(end_)))
        elif name == b"X-TIELINE-HOW-MET":
            how_met = how_met or _unescape(text)
        elif name == b"X-TIELINE-CONNECTED":
            connected = connected or _birthday(text)

    family = n_parts[0] if n_parts else ""
    given = n_parts[1] if len(n_parts) > 1 else ""
    org = orgs[0] if orgs else ""
    if org and not (family or given) and (shown_as_company or fn.casefold() == org.casefold()):
        # Apple's X-ABShowAs:COMPANY, or Outlook's FN copied from ORG: a business, not a person
        return Skipped(shown, f"line {begin}", f"a company's card ({org}), not a person")
    if not fn and n_parts:
        fn = " ".join(p for p in (n_parts[3:4] + [given] + n_parts[2:3] + [family] + n_parts[4:5]) if p)
    elif (
        given and family and "".join(fn.casefold().split()) == f"{family},{given}".casefold().replace(" ", "")
    ):
        fn = " ".join(p for p in [given] + n_parts[2:3] + [family] if p)  # Outlook's "File As": `Doe, John`
    fn = fn or nickname
    if not fn and not handles:
        return Skipped(shown, f"line {begin}", "card has no name, e-mail, phone or profile")
    if uid:
        key = f"vcard:uid:{uid}"
        count = seen_uids.get(uid, 0)
        seen_uids[uid] = count + 1
        if count:
            key += f"#{count}"
    else:
        norm = b"\n".join(ln.strip() for ln in lines if not ln.upper().startswith(_VOLATILE))
        key = keys.key("vcard:sha1:", norm)
    if country:  # the country of the card's address is where its national numbers are
        handles = [replace(h, country=country) if h.kind == "phone" else h for h in handles]
    positions: tuple[Position, ...] = (
        tuple(jobs)
        if jobs
        else (Position(orgs[0], titles[0] if titles else None),)
        if orgs and orgs[0]
        else ()
    )
    return ContactRecord(
        source_key=key,
        name=fn or None,
        given_name=given or None,
        family_name=family or None,
        handles=tuple(handles),
        positions=positions,
        notes=tuple(notes),
        tags=tuple(dict.fromkeys(tags)),
        birthday=birthday,
        photo_ref=photo,
        how_met=how_met,
        connected_on=datetime(connected.year, connected.month, connected.day, tzinfo=UTC)
        if connected
        else None,
    )


def _social(value: str, params: dict[str, list[str]]) -> Handle:
    service = (params.get("TYPE") or params.get("X-SERVICE-TYPE") or [""])[0].casefold()
    if "linkedin" in service or "linkedin.com/" in value.casefold():
        return Handle("linkedin", value, "linkedin")
    if value.startswith(("http://", "https://")):
        return Handle("url", value, service or None)
    user = (params.get("X-USER") or [value.rpartition(":")[2]])[0]
    return Handle("chat", f"{service or 'social'}:{user}")


def _impp(value: str, params: dict[str, list[str]]) -> Handle:
    scheme, sep, ident = value.partition(":")
    service = (params.get("X-SERVICE-TYPE") or [""])[0].casefold()
    if not sep:
        return Handle("chat", f"{service or 'im'}:{value}")
    return Handle("chat", f"{service or scheme.casefold()}:{ident.lstrip('/')}")
