"""LinkedIn "Get a copy of your data": the export zip, its unpacked folder, or one of its CSV files.

Which file is which is decided by its header, not its name (files get renamed: `Phone Numbers.csv` →
`PhoneNumbers.csv`, `Basic_LinkedInDataExport_07-11-2023.zip__Connections.csv`). Connections and
invitations become contacts, endorsements and recommendations interactions, and Profile/Positions/
Email Addresses/PhoneNumbers one record for the owner ("me"). `messages.csv` belongs to the
`linkedin_messages` reader; when it exists, a folder or zip read here hands that file over to it.
Dates without a zone are read as UTC.
"""

from __future__ import annotations

import contextlib
import importlib
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path, PurePosixPath
from types import ModuleType
from typing import IO

from tieline.errors import SourceError
from tieline.records import (
    ContactRecord,
    Handle,
    InteractionRecord,
    Participant,
    Position,
    ReadOptions,
    Record,
    Skipped,
)
from tieline.sources import archive, csvutil, keys
from tieline.sources.base import files_under, head, open_binary
from tieline.sources.csvutil import cell
from tieline.sources.times import parse_birthday, parse_month, parse_when

NAME = "linkedin"
READS_ZIP = True  # reads the export zip member by member, without unpacking it

ME_KINDS = ("profile", "positions", "emails", "phones")
OTHER_KINDS = (
    "connections",
    "invitations",
    "endorsement_given",
    "endorsement_received",
    "rec_given",
    "rec_received",
    "contacts",
)

# File names (after any `...zip__` prefix) a folder or zip is recognised by.
KNOWN_NAMES = {
    "connections.csv": "connections",
    "invitations.csv": "invitations",
    "endorsement_given_info.csv": "endorsement_given",
    "endorsement_received_info.csv": "endorsement_received",
    "recommendations_given.csv": "rec_given",
    "recommendations_received.csv": "rec_received",
    "positions.csv": "positions",
    "profile.csv": "profile",
    "email addresses.csv": "emails",
    "phonenumbers.csv": "phones",
    "phone numbers.csv": "phones",
}
MESSAGES_NAMES = ("messages.csv",)
NA = frozenset(("NA", "N/A", "#N/A", "null"))


def base_name(name: str) -> str:
    """`Basic_LinkedInDataExport_07-11-2023.zip__Connections.csv` → `connections.csv`."""
    return PurePosixPath(name.replace("\\", "/")).name.split("__")[-1].casefold()


def kind_of(keys: list[str], filename: str = "") -> str | None:
    """Which LinkedIn file a header belongs to (None: not one this reader reads)."""
    k = set(keys)
    if "connected on" in k and ("first name" in k or "last name" in k):
        return "connections"
    if {"from", "to", "sent at"} <= k:
        return "invitations"
    if "endorsee first name" in k or "endorsee public url" in k:
        return "endorsement_given"
    if "endorser first name" in k or "endorser public url" in k:
        return "endorsement_received"
    if {"text", "job title", "status"} <= k and ("creation date" in k or "last name" in k):
        return "rec_given" if "given" in filename.casefold() else "rec_received"
    if {"company name", "title", "started on"} <= k:
        return "positions"
    if "first name" in k and ("headline" in k or "birth date" in k):
        return "profile"
    if {"email address", "confirmed", "primary"} <= k:
        return "emails"
    if {"extension", "number", "type"} <= k:
        return "phones"
    if "companies" in k and k & {"created at", "createdat"}:
        return "contacts"  # the address book the owner uploaded: `Imported Contacts.csv` / `Contacts.csv`
    return None


# --- sniffing --------------------------------------------------------------------------------------

_CONFIDENCE = {"connections": 0.9, "invitations": 0.85, "contacts": 0.9, "emails": 0.55, "phones": 0.5}


def _sniff_file(path: Path) -> float:
    lines = csvutil.head_lines(path)
    for i in range(min(len(lines), 8)):
        found = csvutil.parse_header(lines[i : i + 1])
        if found:
            kind = kind_of(found[1], path.name)
            if kind:
                return _CONFIDENCE.get(kind, 0.8)
    return 0.0


def sniff(path: Path) -> float:
    try:
        if path.is_dir():
            names = {base_name(p.name) for p in _folder_files(path)}
            return 0.85 if names & set(KNOWN_NAMES) else 0.0
        if archive.is_zip(path):
            with zipfile.ZipFile(path) as zf:
                names = {base_name(n) for n in zf.namelist()[: archive.MAX_MEMBERS]}
            return 0.85 if names & set(KNOWN_NAMES) else 0.0
        return _sniff_file(path)
    except (OSError, zipfile.BadZipFile, ValueError, RuntimeError):
        return 0.0


# --- one source file, wherever it lives ------------------------------------------------------------


@dataclass(frozen=True)
class _Member:
    shown: str  # how to name it in messages
    name: str  # its own file name, for the Given/Received distinction
    open: Callable[[], contextlib.AbstractContextManager[IO[bytes]]]
    max_bytes: int | None = None


def _folder_files(folder: Path) -> list[Path]:
    """The files of an export folder itself: the CSVs we read are never in its subfolders."""
    return files_under(folder, recursive=False)


def _header(
    member: _Member, fh: IO[bytes]
) -> tuple[str | None, Iterator[tuple[int, list[str]]], dict[str, int]]:
    lines = csvutil.text_lines(fh, member.shown, member.max_bytes)
    first: list[str] = []
    for line in lines:  # peek the first lines for the delimiter (Excel in EU locales writes `;`)
        first.append(line)
        if len(first) >= 8:
            break
    delimiter = csvutil.sniff_delimiter("".join(first))
    rows = csvutil.rows(csvutil.chain_lines(first, lines), member.shown, delimiter)
    for n, row in rows:
        keys = [csvutil.header_key(c) for c in row]
        kind = kind_of(keys, member.name)
        if kind:
            index: dict[str, int] = {}
            for i, key in enumerate(keys):
                index.setdefault(key, i)
            return kind, rows, index
        if n > 12:
            break
    return None, iter(()), {}


def read(path: Path, options: ReadOptions) -> Iterator[Record]:
    shown = str(path)
    if path.is_dir():
        yield from _read_many(_folder_members(path), options, path)
        return
    if archive.is_zip(path):
        yield from _read_zip(path, options)
        return
    if not path.is_file():
        raise SourceError(shown, None, "no such file")
    if path.stat().st_size == 0:
        raise SourceError(shown, None, "empty file")
    if head(path, 4) == b"PK\x03\x04":
        raise SourceError(shown, None, "truncated or corrupt zip archive (no central directory)")
    member = _Member(shown, path.name, lambda: open_binary(path))
    yield from _read_many([member], options, None)


def _folder_members(folder: Path) -> list[_Member]:
    members = []
    for p in _folder_files(folder):
        if p.suffix.casefold() == ".csv":
            members.append(_Member(str(p), p.name, _opener(p)))
    return members


def _opener(p: Path) -> Callable[[], contextlib.AbstractContextManager[IO[bytes]]]:
    return lambda: open_binary(p)


def _read_zip(path: Path, options: ReadOptions) -> Iterator[Record]:
    shown = str(path)
    with archive.open_zip(path, shown) as zf:
        infos = sorted(archive.checked_members(zf, shown), key=lambda i: i.filename)
        members: list[_Member] = []
        has_messages = False
        for info in infos:
            if info.is_dir() or not info.filename.casefold().endswith(".csv"):
                continue
            member = archive.member_name(shown, info.filename)
            if base_name(info.filename) in MESSAGES_NAMES:
                has_messages = True
            members.append(_Member(member, info.filename, _zip_opener(zf, info), archive.MAX_MEMBER_BYTES))
        yield from _read_many(members, options, None)
    if has_messages and (reader := _messages_reader()) is not None:
        tmp = archive.unpack(path, shown)
        for p in files_under(tmp, hidden=True):
            if base_name(p.name) in MESSAGES_NAMES:
                member = archive.member_name(shown, p.relative_to(tmp).as_posix())
                yield from _delegate(reader, p, options, member)


def _zip_opener(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo
) -> Callable[[], contextlib.AbstractContextManager[IO[bytes]]]:
    return lambda: zf.open(info)


def _messages_reader() -> ModuleType | None:
    try:
        return importlib.import_module("tieline.sources.chat.linkedin_messages")
    except ImportError:
        return None


def _delegate(
    reader: ModuleType, p: Path, options: ReadOptions, shown: str | None = None
) -> Iterator[Record]:
    """The records of ``messages.csv`` from its own reader; ``shown`` names it (a zip member) in messages."""

    def named(file: str) -> str:
        return shown if shown is not None and file == str(p) else file

    try:
        for rec in reader.read(p, options):
            yield Skipped(named(rec.file), rec.record, rec.reason) if isinstance(rec, Skipped) else rec
    except SourceError as exc:
        yield Skipped(named(exc.file), exc.record or "", exc.reason)


def _guarded(read: Callable[[_Member], Iterator[Record]], member: _Member, single: bool) -> Iterator[Record]:
    """``read(member)``; in an export of many files a member that fails is one Skipped, not the end."""
    try:
        yield from read(member)
    except SourceError as exc:
        if single:
            raise
        yield Skipped(exc.file, exc.record or "", exc.reason)
    except (OSError, zipfile.BadZipFile, EOFError, RuntimeError) as exc:
        if single:
            raise SourceError(member.shown, None, f"cannot read the file ({exc})") from None
        yield Skipped(member.shown, "", f"truncated or unreadable ({exc})")


def _read_many(members: list[_Member], options: ReadOptions, folder: Path | None) -> Iterator[Record]:
    """Read every member; the owner's files are gathered into one record first."""
    single = len(members) == 1 and folder is None
    me = _Me()
    later: list[_Member] = []

    def first_pass(member: _Member) -> Iterator[Record]:
        with member.open() as fh:
            kind, rows, index = _header(member, fh)
            if kind is None:
                if single:
                    raise SourceError(member.shown, None, "not a LinkedIn export file (no known header)")
            elif kind in ME_KINDS:
                yield from me.add(kind, rows, index, member)
            else:
                later.append(member)

    def second_pass(member: _Member) -> Iterator[Record]:
        with member.open() as fh:
            kind, rows, index = _header(member, fh)
            yield from _READERS[kind or ""](rows, index, member.shown, options)

    for member in members:
        yield from _guarded(first_pass, member, single)
    if me.seen:
        yield me.record()
    for member in later:
        yield from _guarded(second_pass, member, single)
    if folder is not None and (reader_mod := _messages_reader()) is not None:
        for p in _folder_files(folder):
            if base_name(p.name) in MESSAGES_NAMES:
                yield from _delegate(reader_mod, p, options)


# --- the files -------------------------------------------------------------------------------------

Rows = Iterator[tuple[int, list[str]]]


def _key(kind: str, *parts: str) -> str:
    return keys.key(f"linkedin:{kind}:", *parts)


def _profile_url(url: str) -> str:
    url = url.strip()
    if not url or url in NA or url.startswith("urn:"):
        return ""
    if not url.startswith(("http://", "https://")):
        url = "https://" + url.lstrip("/")
    return url


def _name(first: str, last: str) -> str:
    return " ".join(p for p in (first, last) if p)


def _connections(rows: Rows, ix: dict[str, int], shown: str, options: ReadOptions) -> Iterator[Record]:
    i_first, i_last = ix.get("first name"), ix.get("last name")
    i_url, i_email = ix.get("url"), ix.get("email address")
    i_company, i_position, i_on = ix.get("company"), ix.get("position"), ix.get("connected on")
    for n, row in rows:
        if not row or not any(row):
            continue
        first, last, url = cell(row, i_first), cell(row, i_last), cell(row, i_url)
        email, company, position = cell(row, i_email), cell(row, i_company), cell(row, i_position)
        connected = cell(row, i_on)
        if "NA" in (url, email, company, position, connected):  # an Excel re-save fills blanks with NA
            first, last, url, email, company, position, connected = (
                "" if v in NA else v for v in (first, last, url, email, company, position, connected)
            )
        url = _profile_url(url)
        if not (first or last or url or email):
            yield Skipped(shown, f"line {n}", "restricted profile: the row has no name, URL or e-mail")
            continue
        handles: list[Handle] = []
        if email and "@" in email:
            handles.append(Handle("email", email))
        if url:
            handles.append(Handle("linkedin", url))
        positions = (Position(company, position or None),) if company else ()
        name = _name(first, last)
        key = "linkedin:connection:" + (
            url.rstrip("/").casefold() if url else keys.digest(name, email, connected)
        )
        yield ContactRecord(
            source_key=key,
            name=name or None,
            given_name=first or None,
            family_name=last or None,
            handles=tuple(handles),
            positions=positions,
            connected_on=parse_when(connected, bool(options.day_first)) if connected else None,
        )


def _invitations(rows: Rows, ix: dict[str, int], shown: str, options: ReadOptions) -> Iterator[Record]:
    i_from, i_to, i_at, i_msg, i_dir = (ix.get(k) for k in ("from", "to", "sent at", "message", "direction"))
    i_inviter, i_invitee = ix.get("inviterprofileurl"), ix.get("inviteeprofileurl")
    for n, row in rows:
        if not row or not any(row):
            continue
        sender, to, sent, direction = (
            cell(row, i_from),
            cell(row, i_to),
            cell(row, i_at),
            cell(row, i_dir).upper(),
        )
        if direction.startswith("OUT"):
            other, url = to, cell(row, i_invitee)
        elif direction.startswith("IN"):
            other, url = sender, cell(row, i_inviter)
        else:
            yield Skipped(shown, f"line {n}", f"invitation without a direction ({direction or 'empty'})")
            continue
        url = _profile_url(url)
        if not other and not url:
            yield Skipped(shown, f"line {n}", "invitation without the other person's name")
            continue
        message = cell(row, i_msg)
        yield ContactRecord(
            source_key=_key("invitation", sender, to, sent, direction),
            name=other or None,
            handles=(Handle("linkedin", url),) if url else (),
            connected_on=parse_when(sent),
            how_met=message or None,
        )


def _endorsements(out: bool) -> Callable[[Rows, dict[str, int], str, ReadOptions], Iterator[Record]]:
    who = "endorsee" if out else "endorser"

    def endorsements(rows: Rows, ix: dict[str, int], shown: str, options: ReadOptions) -> Iterator[Record]:
        i_date, i_skill = ix.get("endorsement date"), ix.get("skill name")
        i_first, i_last, i_url = (
            ix.get(f"{who} first name"),
            ix.get(f"{who} last name"),
            ix.get(f"{who} public url"),
        )
        for n, row in rows:
            if not row or not any(row):
                continue
            when = parse_when(cell(row, i_date))
            if when is None:
                yield Skipped(
                    shown, f"line {n}", f"endorsement without a readable date ({cell(row, i_date)!r})"
                )
                continue
            first, last, url = cell(row, i_first), cell(row, i_last), _profile_url(cell(row, i_url))
            if not (first or last or url):
                yield Skipped(shown, f"line {n}", f"endorsement without the {who}'s name or profile")
                continue
            skill = cell(row, i_skill)
            person = Participant(
                handles=(Handle("linkedin", url),) if url else (), name=_name(first, last) or None
            )
            yield InteractionRecord(
                source_key=_key(
                    "endorsement", "out" if out else "in", cell(row, i_date), skill, first, last, url
                ),
                when=when,
                channel="social",
                participants=(person,),
                sender=None if out else person,
                direction="out" if out else "in",
                kind="endorsement",
                subject=(f"Endorsed for {skill}" if skill else None) if options.content else None,
            )

    return endorsements


def _recommendations(out: bool) -> Callable[[Rows, dict[str, int], str, ReadOptions], Iterator[Record]]:
    def recommendations(rows: Rows, ix: dict[str, int], shown: str, options: ReadOptions) -> Iterator[Record]:
        i_first, i_last, i_text = ix.get("first name"), ix.get("last name"), ix.get("text")
        i_date, i_status = ix.get("creation date"), ix.get("status")
        for n, row in rows:
            if not row or not any(row):
                continue
            first, last, created = cell(row, i_first), cell(row, i_last), cell(row, i_date)
            when = parse_when(created)
            if when is None:
                yield Skipped(shown, f"line {n}", f"recommendation without a readable date ({created!r})")
                continue
            if not (first or last):
                yield Skipped(shown, f"line {n}", "recommendation without the other person's name")
                continue
            text = cell(row, i_text)
            person = Participant(name=_name(first, last) or None)
            yield InteractionRecord(
                source_key=_key(
                    "recommendation", "out" if out else "in", first, last, created, cell(row, i_status)
                ),
                when=when,
                channel="social",
                participants=(person,),
                sender=None if out else person,
                direction="out" if out else "in",
                kind="recommendation",
                subject=(" ".join(text.split())[:200] or None) if options.content else None,
            )

    return recommendations


def _address_book(rows: Rows, ix: dict[str, int], shown: str, options: ReadOptions) -> Iterator[Record]:
    """Contacts the owner uploaded to LinkedIn (2018 `Imported Contacts.csv`, 2023 `Contacts.csv`)."""

    def col(*names: str) -> int | None:
        return next((ix[n] for n in names if n in ix), None)

    i_first, i_last = col("first name", "firstname"), col("last name", "lastname")
    i_full, i_company, i_title = col("full name", "fullname"), col("companies"), col("title")
    i_email, i_phone = col("email address", "emails"), col("phone numbers", "phonenumbers")
    i_sites, i_profiles, i_born = col("sites"), col("profiles"), col("birthday")
    for n, row in rows:
        if not row or not any(row):
            continue
        first, last, full, company, title, emails, phones, sites, born = (
            "" if (v := cell(row, i)) in NA else v
            for i in (i_first, i_last, i_full, i_company, i_title, i_email, i_phone, i_sites, i_born)
        )
        handles = [Handle("email", e) for e in re.split(r"[,;\s]+", emails) if "@" in e]
        handles += [Handle("phone", p.strip()) for p in re.split(r"[,;]", phones) if p.strip()]
        for url in re.split(r"[,;\s]+", f"{sites} {cell(row, i_profiles)}"):
            if url.startswith(("http://", "https://", "www.")):
                handles.append(Handle("linkedin" if "linkedin.com/" in url.casefold() else "url", url))
        name = _name(first, last) or full
        if not (name or handles):
            yield Skipped(shown, f"line {n}", "contact without a name, e-mail or phone")
            continue
        yield ContactRecord(
            source_key=_key("contact", name, emails.casefold(), phones),
            name=name or None,
            given_name=first or None,
            family_name=last or None,
            handles=tuple(handles),
            positions=(Position(company, title or None),) if company else (),
            birthday=parse_birthday(born) if born else None,
        )


_READERS: dict[str, Callable[[Rows, dict[str, int], str, ReadOptions], Iterator[Record]]] = {
    "contacts": _address_book,
    "connections": _connections,
    "invitations": _invitations,
    "endorsement_given": _endorsements(out=True),
    "endorsement_received": _endorsements(out=False),
    "rec_given": _recommendations(out=True),
    "rec_received": _recommendations(out=False),
}

_SITE = re.compile(r"(?:^|,\s*)(?:([A-Z_]+):)?(https?://[^,\s]+)")


class _Me:
    """The owner's profile, gathered from Profile, Positions, Email Addresses and PhoneNumbers."""

    def __init__(self) -> None:
        self.seen = False
        self.first = self.last = ""
        self.country: str | None = None
        self.birthday: date | None = None
        self.handles: list[Handle] = []
        self.positions: list[Position] = []

    def add(self, kind: str, rows: Rows, ix: dict[str, int], member: _Member) -> Iterator[Record]:
        self.seen = True
        for n, row in rows:
            if not row or not any(row):
                continue
            if kind == "profile":
                self.first, self.last = cell(row, ix.get("first name")), cell(row, ix.get("last name"))
                self.country = cell(row, ix.get("geo location")) or None  # "Bengaluru, Karnataka, India"
                born = cell(row, ix.get("birth date"))
                self.birthday = parse_birthday(born) if born else None
                for label, url in _SITE.findall(cell(row, ix.get("websites"))):
                    self.handles.append(Handle("url", url, label.casefold() or None))
                for twitter in cell(row, ix.get("twitter handles")).replace(",", " ").split():
                    self.handles.append(
                        Handle("url", f"https://twitter.com/{twitter.lstrip('@')}", "twitter")
                    )
                for im in cell(row, ix.get("instant messengers")).split(","):
                    service, _, ident = im.strip().partition(":")
                    if ident:
                        self.handles.append(Handle("chat", f"{service.casefold()}:{ident.strip()}"))
            elif kind == "positions":
                company = cell(row, ix.get("company name"))
                if not company:
                    yield Skipped(member.shown, f"line {n}", "position without a company")
                    continue
                start, end = cell(row, ix.get("started on")), cell(row, ix.get("finished on"))
                self.positions.append(
                    Position(
                        company,
                        cell(row, ix.get("title")) or None,
                        parse_month(start) if start else None,
                        parse_month(end) if end else None,
                    )
                )
            elif kind == "emails":
                email = cell(row, ix.get("email address"))
                if "@" in email:
                    primary = cell(row, ix.get("primary")).casefold() == "yes"
                    self.handles.append(Handle("email", email, "primary" if primary else None))
            elif kind == "phones":
                number = cell(row, ix.get("number"))
                if number:
                    ext = cell(row, ix.get("extension"))
                    label = cell(row, ix.get("type")).casefold() or None
                    self.handles.append(Handle("phone", f"{number} ext. {ext}" if ext else number, label))

    def record(self) -> ContactRecord:
        return ContactRecord(
            source_key="linkedin:me",
            name=_name(self.first, self.last) or None,
            given_name=self.first or None,
            family_name=self.last or None,
            # the profile's location is the country of the owner's numbers written without one
            handles=tuple(
                dict.fromkeys(
                    replace(h, country=self.country) if h.kind == "phone" else h for h in self.handles
                )
            ),
            positions=tuple(self.positions),
            birthday=self.birthday,
            is_me=True,
        )
