"""The one safe way to open a zip export: limits on members, sizes and ratio; no traversal, no links.

A file inside an archive is named ``archive.zip:member/path.csv`` in every message (see
:func:`member_name`), so a user can find the bad row without unpacking anything.

Archives are unpacked inside :func:`unpacking` (one per import): into one temporary folder removed on
every way out (success, error, Ctrl-C), each archive once however often it is planned (the questions
asked before an import plan the same paths again), with one byte budget shared by every nesting level
and a limit on how deep zips may nest.
"""

from __future__ import annotations

import atexit
import logging
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path, PurePosixPath

from tieline.errors import SourceError

log = logging.getLogger("tieline.sources")

MAX_MEMBERS = 100_000
MAX_TOTAL_BYTES = 4 * 1024**3  # what one import may unpack in all, every nesting level together
MAX_MEMBER_BYTES = 2 * 1024**3
MAX_RATIO = 200  # uncompressed / compressed, per member (zip bombs reach thousands)
MAX_DEPTH = 5  # zips inside zips: real exports nest one or two levels


class Unpacker:
    """The temporary folder, byte budget and cache of one import's unpacked archives."""

    def __init__(self) -> None:
        self.root: Path | None = None
        self.used = 0
        self.done: dict[tuple[str, int, int], Path] = {}

    def unpack(self, path: Path, shown: str, depth: int = 0) -> Path:
        """The folder ``path`` is unpacked in (unpacking it on first use); raises SourceError on anything unsafe."""
        if depth >= MAX_DEPTH:
            raise SourceError(shown, None, f"zip archives nested more than {MAX_DEPTH} deep")
        info = path.stat()
        key = (str(path.resolve()), info.st_size, info.st_mtime_ns)
        found = self.done.get(key)
        if found is not None:
            return found
        if self.root is None:
            self.root = Path(tempfile.mkdtemp(prefix="tieline-zip-"))
        dest = Path(tempfile.mkdtemp(dir=self.root))
        written = extract(path, dest, shown, budget=MAX_TOTAL_BYTES - self.used)
        self.used += written
        log.info("unpacked an archive (nesting level %d): %d KB, %d KB in all", depth, written // 1024,
                 self.used // 1024)  # fmt: skip
        self.done[key] = dest
        return dest

    def close(self) -> None:
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
        self.root, self.used, self.done = None, 0, {}


_current: ContextVar[Unpacker | None] = ContextVar("tieline_unpacker", default=None)
_fallback = Unpacker()
atexit.register(_fallback.close)


@contextmanager
def unpacking() -> Iterator[Unpacker]:
    """The unpacker of one import; nested uses share the outermost one, which removes the folder at the end."""
    active = _current.get()
    if active is not None:
        yield active
        return
    unpacker = Unpacker()
    token = _current.set(unpacker)
    try:
        yield unpacker
    finally:
        _current.reset(token)
        unpacker.close()


def unpack(path: Path, shown: str, depth: int = 0) -> Path:
    """Unpack ``path`` with the import's unpacker (outside one: a folder removed when the process ends)."""
    return (_current.get() or _fallback).unpack(path, shown, depth)


def is_zip(path: Path) -> bool:
    return path.is_file() and zipfile.is_zipfile(path)


def member_name(archive: str, member: str) -> str:
    """How messages name a file inside an archive: ``archive.zip:folder/file.csv``."""
    return f"{archive}:{member.replace(chr(92), '/').removeprefix('./')}"


def open_zip(path: Path, shown: str) -> zipfile.ZipFile:
    """The archive opened, or one SourceError (a truncated zip has no central directory)."""
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise SourceError(shown, None, f"not a readable zip archive ({exc})") from None


def checked_members(zf: zipfile.ZipFile, shown: str, budget: int | None = None) -> list[zipfile.ZipInfo]:
    """Every member after the checks: count, traversal, links, sizes, ratio, and the total against ``budget``."""
    budget = MAX_TOTAL_BYTES if budget is None else budget
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise SourceError(shown, None, f"archive has {len(infos)} members (limit {MAX_MEMBERS})")
    total = 0
    for info in infos:
        member = member_name(shown, info.filename)
        name = PurePosixPath(info.filename.replace("\\", "/"))
        if name.is_absolute() or ".." in name.parts:
            raise SourceError(member, None, "member path escapes the archive")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise SourceError(member, None, "archive contains a symbolic link")
        if info.file_size > MAX_MEMBER_BYTES:
            raise SourceError(member, None, "member is too large")
        if (
            info.compress_size
            and info.file_size / info.compress_size > MAX_RATIO
            and info.file_size > 1 << 20
        ):
            raise SourceError(member, None, "compression ratio is suspicious (zip bomb?)")
        total += info.file_size
        if total > budget:
            raise SourceError(shown, None, f"archive unpacks to more than {_size(MAX_TOTAL_BYTES)} in all")
    return infos


def _size(n: int) -> str:
    return f"{n / 1024**3:g} GiB" if n >= 1024**3 else f"{n / 1024**2:g} MB"


def extract(path: Path, dest: Path, shown: str | None = None, budget: int | None = None) -> int:
    """Unpack ``path`` into ``dest`` after checking every member; the bytes written. SourceError on anything unsafe.

    ``shown`` is what to call the archive in messages (for a zip inside a zip, not its temporary path);
    ``budget`` is what may still be unpacked (default ``MAX_TOTAL_BYTES``).
    """
    shown = shown or str(path)
    budget = MAX_TOTAL_BYTES if budget is None else budget
    with open_zip(path, shown) as zf:
        infos = checked_members(zf, shown, budget)
        written_all = 0
        dest.mkdir(parents=True, exist_ok=True)
        for info in infos:
            target = dest / PurePosixPath(info.filename.replace("\\", "/"))
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with zf.open(info) as src, target.open("wb") as out:
                    # Count what is really written: the header's sizes can lie.
                    written = 0
                    while chunk := src.read(1 << 20):
                        written += len(chunk)
                        if written > MAX_MEMBER_BYTES or written_all + written > budget:
                            raise SourceError(
                                member_name(shown, info.filename), None, "member is larger than it claims"
                            )
                        out.write(chunk)
                    written_all += written
            except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
                shutil.rmtree(dest, ignore_errors=True)
                raise SourceError(
                    member_name(shown, info.filename), None, f"truncated or corrupt archive ({exc})"
                ) from None
    return written_all
