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


def open_binary(path: Path) -> BinaryIO:
    """``path.open("rb")``, counted by the importer's progress meter when one is installed."""
    fh = cast(BinaryIO, path.open("rb"))
    meter = _meter.get()
    if meter is not None:
        try:
            size = path.stat().st_size
        except OSError:
            size = 0
        meter.opened(fh, size)
    return fh


def head(path: Path, size: int = 8192) -> bytes:
    """The first ``size`` bytes of a file (empty for a folder or an unreadable file)."""
    try:
        with path.open("rb") as fh:
            return fh.read(size)
    except OSError:
        return b""


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
