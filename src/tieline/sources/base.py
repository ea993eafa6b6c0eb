"""The contract every source reader follows.

A reader is a module (or any object) with:

- ``NAME``: a short kind name (``linkedin``, ``vcard``, ``mbox``...), used by ``--source``;
- ``sniff(path) -> float``: confidence in [0, 1] that it can read ``path`` (a file or a folder),
  judged by content, not only by name, reading at most a few KB;
- ``read(path, options) -> Iterator[Record]``: streams records in constant memory, never touches
  the database, raises :class:`tieline.errors.SourceError` for a file it cannot read at all and
  yields :class:`tieline.records.Skipped` for a single bad record it can step over.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from tieline.records import ReadOptions, Record


class Reader(Protocol):
    NAME: str

    def sniff(self, path: Path) -> float: ...

    def read(self, path: Path, options: ReadOptions) -> Iterator[Record]: ...


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
