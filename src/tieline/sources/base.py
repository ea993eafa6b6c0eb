"""The contract every source reader follows.

A reader is a module (or any object) with:

- ``NAME``: a short kind name (``linkedin``, ``vcard``, ``mbox``...), used by ``--source``;
- ``sniff(path) -> float``: confidence in [0, 1] that it can read ``path`` (a file or a folder),
  judged by content, not only by name, reading at most a few KB;
- ``read(path, options) -> Iterator[Record]``: streams records in constant memory, never touches
  the database, raises :class:`tieline.errors.SourceError` for a file it cannot read at all and
  yields :class:`tieline.records.Skipped` for a single bad record it can step over;
- optionally ``READS_ZIP = True``: it may be given a whole ``.zip`` (others get its unpacked files).
  Such a reader names a file inside the archive with :func:`tieline.sources.archive.member_name`.
"""

from __future__ import annotations

import errno
import io
import logging
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import IO, BinaryIO, Protocol, cast

from tieline.records import ReadOptions, Record


class Reader(Protocol):
    NAME: str

    def sniff(self, path: Path) -> float: ...

    def read(self, path: Path, options: ReadOptions) -> Iterator[Record]: ...


class ReadMeter:
    """How far the readers have got through the bytes of the files they open with :func:`open_binary`.

    The importer installs one per file it imports (:func:`metering`) and asks for :meth:`position`
    when it reports progress; a reader only has to open its files through :func:`open_binary`.
    """

    def __init__(self) -> None:
        self.done = 0  # bytes of the files already finished
        self.current: IO[bytes] | None = None
        self.current_size = 0

    def opened(self, fh: IO[bytes], size: int) -> None:
        self.done += self.current_size if self.current is not None else 0
        self.current, self.current_size = fh, size

    def position(self) -> int:
        fh = self.current
        if fh is None:
            return self.done
        if fh.closed:
            return self.done + self.current_size
        try:
            return self.done + min(fh.tell(), self.current_size)
        except (OSError, ValueError):
            return self.done


_meter: ContextVar[ReadMeter | None] = ContextVar("tieline_read_meter", default=None)


@contextmanager
def metering(meter: ReadMeter) -> Iterator[None]:
    """Count the files the readers open with :func:`open_binary` inside the block on ``meter``."""
    token = _meter.set(meter)
    try:
        yield
    finally:
        _meter.reset(token)


log = logging.getLogger("tieline.sources")

_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


class NotRegularFile(OSError):
    """Raised instead of opening a pipe, device or socket: reading one could block or never end."""


def check_regular(path: Path) -> int:
    """The size of ``path`` when it is a regular file (links followed); raises NotRegularFile otherwise.

    ``stat`` never blocks, unlike opening a FIFO, so this is asked before every open.
    """
    mode = os.stat(path).st_mode
    if stat.S_ISREG(mode):
        return os.stat(path).st_size
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    raise NotRegularFile(errno.EINVAL, f"not a regular file ({kind})", str(path))


def is_regular(path: Path) -> bool:
    """Whether ``path`` is a regular file (links followed); never raises."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def open_binary(path: Path, counted: bool = True) -> BinaryIO:
    """``path.open("rb")`` for a regular file only, counted by the importer's progress meter when one is installed.

    Every reader opens its files here: a pipe or device is refused (:class:`NotRegularFile`, an ``OSError``)
    before it could block, and the import's progress follows the bytes read (``counted=False`` keeps a
    reader's first pass over a file out of it).
    """
    size = check_regular(path)
    fh = cast(BinaryIO, path.open("rb"))
    log.debug("reading %s (%d bytes)", path.name, size)
    meter = _meter.get() if counted else None
    if meter is not None:
        meter.opened(fh, size)
    return fh


def open_text(
    path: Path, encoding: str = "utf-8-sig", errors: str = "replace", newline: str | None = ""
) -> IO[str]:
    """:func:`open_binary` decoded as text (by default line ends are kept as they are: ``newline=""``)."""
    return io.TextIOWrapper(open_binary(path), encoding=encoding, errors=errors, newline=newline)


def head(path: Path, size: int = 8192) -> bytes:
    """The first ``size`` bytes of a regular file (empty for a folder, a pipe, a device or an unreadable file)."""
    if not is_regular(path):
        return b""
    try:
        with path.open("rb") as fh:
            return fh.read(size)
    except OSError:
        return b""


def inside(root: Path, path: Path) -> bool:
    """Whether ``path``, links resolved, lies inside ``root`` (a dangling link does not)."""
    try:
        target = path.resolve(strict=True)
        return target == root.resolve() or target.is_relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):
        return False


def files_under(root: Path, recursive: bool = True, hidden: bool = False) -> list[Path]:
    """The regular files in a folder, in name order; links that lead outside it or nowhere are left out.

    Sub-folders that are links are not entered; pipes, devices and sockets are never listed.
    """
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if hidden or not d.startswith("."))
        for name in sorted(filenames):
            if not hidden and name.startswith("."):
                continue
            p = Path(dirpath) / name
            if p.is_symlink() and not inside(root, p):
                log.info("skipped a link that leads outside the import folder")
                continue
            if is_regular(p):
                found.append(p)
        if not recursive:
            break
    return sorted(found)


def head_text(path: Path, size: int = 8192) -> str:
    """The first bytes of a file as text, BOM stripped, undecodable bytes replaced."""
    raw = head(path, size)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    return raw.decode("utf-8", errors="replace")


def physical_lines(fh: IO[bytes], limit: int, chunk: int = 1 << 16) -> Iterator[bytes]:
    """The lines of a binary stream, ends kept, split at `\\n`, `\\r\\n` and a lone `\\r`.

    Old Mac tools (Excel's "CSV (Macintosh)", Mac OS 9 address books) end lines with a bare CR,
    which ``readline`` does not split on. A line longer than ``limit`` is yielded as soon as it is
    seen to be (with at least ``limit + 1`` bytes), so the caller can refuse it without reading on.
    """
    carry = b""
    while data := fh.read(chunk):
        lines = (carry + data).splitlines(True)
        carry = lines.pop()
        if carry.endswith(b"\n"):
            lines.append(carry)
            carry = b""
        yield from lines
        if len(carry) > limit:
            yield carry
            return
    if carry:
        yield carry
