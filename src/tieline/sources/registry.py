"""Picks the most confident reader for each path; expands folders and zip archives.

Built-in readers are listed in ``BUILTIN`` (as ``group.module`` under this package; the
reader's ``NAME`` is what ``--source`` takes); third parties add readers through the
``tieline.sources`` entry-point group (the entry point names a module or object that
follows :mod:`tieline.sources.base`).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import cast

from tieline.errors import SourceError
from tieline.sources import archive, base
from tieline.sources.base import Reader, log

BUILTIN: tuple[str, ...] = (
    "contacts.linkedin",
    "contacts.vcard",
    "contacts.jcard",
    "contacts.google_csv",
    "contacts.outlook_csv",
    "contacts.facebook_friends",
    "mail.mbox",
    "mail.maildir",
    "mail.eml",
    "calendar.ics",
    "chat.linkedin_messages",
    "chat.whatsapp",
    "chat.telegram",
    "chat.facebook_messages",
    "chat.signal",
    "phone.sms_backup",
    "phone.phonelog_csv",
    "phone.interactions_csv",
)

# A folder claimed with at least this confidence is read whole (a Maildir, a vdir, an export);
# otherwise its files are planned one by one.
FOLDER_CLAIM = 0.5
MIN_CONFIDENCE = 0.2


@dataclass(frozen=True)
class Planned:
    reader: Reader
    path: Path
    shown_as: str  # what to call the file in messages (the zip member, not a temp path)
    unpacked: bool = False  # ``path`` is an unpacked archive: the files under it are its members

    def name_of(self, file: str) -> str:
        """What to call a file a reader named (a temporary path, perhaps) in a message."""
        root = str(self.path)
        if file == root:
            return self.shown_as
        if file.startswith(root + ":"):  # a member named by a reader that reads the archive itself
            return self.shown_as + file[len(root) :]
        if file.startswith(root + "/") or file.startswith(root + os.sep):
            rest = file[len(root) + 1 :].replace(os.sep, "/")
            return archive.member_name(self.shown_as, rest) if self.unpacked else f"{self.shown_as}/{rest}"
        if self.path.is_file() or not file:
            return self.shown_as
        return f"{self.shown_as}/{file}"


def readers() -> list[Reader]:
    """Every reader available: the built-in ones that exist, then plug-ins."""
    found: list[Reader] = []
    for name in BUILTIN:
        try:
            found.append(cast(Reader, importlib.import_module(f"tieline.sources.{name}")))
        except ModuleNotFoundError as exc:
            if exc.name != f"tieline.sources.{name}":
                raise
    for ep in entry_points(group="tieline.sources"):
        found.append(cast(Reader, ep.load()))
    return found


def by_name(name: str) -> Reader:
    for reader in readers():
        if name == reader.NAME:
            return reader
    known = ", ".join(sorted(r.NAME for r in readers()))
    raise SourceError(name, None, f"unknown source kind (known: {known})")


def best(path: Path, candidates: list[Reader]) -> tuple[Reader | None, float]:
    top: Reader | None = None
    score = 0.0
    for reader in candidates:
        conf = reader.sniff(path)
        if conf > score:
            top, score = reader, conf
    return top, score


def plan(paths: list[Path], forced: str | None = None) -> Iterator[Planned]:
    """Yield (reader, file) pairs for every path; zips are unpacked by the import's :func:`archive.unpacking`."""
    candidates = [by_name(forced)] if forced else readers()
    for path in paths:
        yield from _plan_one(path, candidates, str(path), forced is not None, root=path)


def _plan_one(
    path: Path,
    candidates: list[Reader],
    shown: str,
    forced: bool,
    inside: bool = False,
    unpacked: bool = False,
    root: Path | None = None,
    depth: int = 0,
) -> Iterator[Planned]:
    if not path.exists():
        raise SourceError(str(path), None, "no such file or folder")
    if not path.is_dir():
        try:
            empty = base.check_regular(path) == 0
        except OSError as exc:
            raise SourceError(shown, None, exc.strerror or "not a regular file") from None
        if empty:  # one outcome for every reader: an empty file is said, never read
            if inside:
                log.info("passed over an empty file")
                return
            raise SourceError(shown, None, "empty file")
    if path.is_file() and archive.is_zip(path):
        # Only a reader made for archives may take one whole: a text reader could mistake the
        # stored bytes of an uncompressed zip for its own format.
        reader, conf = best(path, [c for c in candidates if getattr(c, "READS_ZIP", False)])
        if reader is not None and conf >= FOLDER_CLAIM:
            yield Planned(reader, path, shown)
            return
        tmp = archive.unpack(path, shown, depth)
        yield from _plan_one(tmp, candidates, shown, forced, inside, unpacked=True, depth=depth + 1)
        return
    reader, conf = best(path, candidates)
    log.debug("planning %s: %s (%.2f)", path, reader.NAME if reader else "no reader", conf)
    if path.is_dir():
        if reader is not None and conf >= FOLDER_CLAIM:
            log.info("a folder read whole by the %s reader (confidence %.2f)", reader.NAME, conf)
            yield Planned(reader, path, shown, unpacked)
            return
        top = root or path
        for child in sorted(path.iterdir()):
            if child.name.startswith("."):
                continue
            if child.is_symlink() and not base.inside(top, child):
                log.info("passed over a link that leads out of the folder or nowhere")
                _passed_over(_join(shown, child.name), "a link that leads out of the folder or nowhere")
                continue
            if not child.is_dir() and not base.is_regular(child):
                log.info("passed over a file that is not a regular file (pipe, device, socket)")
                _passed_over(_join(shown, child.name), "not a regular file (pipe, device, socket)")
                continue
            name = archive.member_name(shown, child.name) if unpacked else _join(shown, child.name)
            yield from _plan_one(child, candidates, name, forced, inside=True, root=top, depth=depth)
        return
    if reader is None or (conf < MIN_CONFIDENCE and not (forced and conf > 0)):
        if inside:
            log.info("passed over a %s file no reader claims", path.suffix or "suffix-less")
            _passed_over(shown, "no reader claims it")
            return  # a stray file in an export folder (README, images) is not an error, but it is said
        if forced and candidates:
            yield Planned(candidates[0], path, shown)
            return
        raise SourceError(shown, None, _why_unknown(path))
    log.info("a %s file of %d KB for the %s reader (confidence %.2f)", path.suffix or "suffix-less",
             _kb(path), reader.NAME, conf)  # fmt: skip
    yield Planned(reader, path, shown)


# Files a folder import passed over, for the import's summary (set by whoever plans an import).
PASSED_OVER: ContextVar[list[tuple[str, str]] | None] = ContextVar("passed_over", default=None)


def _passed_over(shown: str, reason: str) -> None:
    found = PASSED_OVER.get()
    if found is not None:
        found.append((shown, reason))


def _kb(path: Path) -> int:
    try:
        return path.stat().st_size // 1024
    except OSError:
        return 0


def _why_unknown(path: Path) -> str:
    """Why no reader took a file, in the words a user can act on."""
    try:
        with path.open("rb") as fh:
            start = fh.read(4)
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if not start:
        return "empty file"
    if start == b"PK\x03\x04":
        return "truncated or corrupt zip archive (no central directory)"
    return "not a format tieline knows (use --source KIND to force one)"


def _join(shown: str, name: str) -> str:
    return f"{shown}/{name}" if not shown.endswith("/") else shown + name
