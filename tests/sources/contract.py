"""What the reader contract suite feeds every reader: one good sample each, and hostile variants of it.

A reader gets the suite for free once a fixture of its format is in ``tests/fixtures``: its sample is
the first fixture the registry plans for it that reads whole with at least one record.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from tieline.errors import SourceError
from tieline.records import ContactRecord, InteractionRecord, ReadOptions, Record
from tieline.sources import archive, registry
from tieline.sources.base import Reader

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def read_all(reader: Reader, path: Path) -> list[Record]:
    """What an import reads from ``path`` with ``reader`` forced: planned, then read; SourceError passes."""
    with archive.unpacking():
        out: list[Record] = []
        for item in registry.plan([path], reader.NAME):
            out.extend(item.reader.read(item.path, ReadOptions(extra={"as_of": "2026-01-01"})))
        return out


def _good(reader: Reader, path: Path) -> bool:
    try:
        return any(isinstance(r, ContactRecord | InteractionRecord) for r in read_all(reader, path))
    except SourceError:
        return False


def samples() -> dict[str, Path]:
    """The sample of each reader (a file, or a folder for readers that read folders whole)."""
    found: dict[str, Path] = {}
    with archive.unpacking():
        for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.name != "ingest"):
            with contextlib.suppress(SourceError):
                for item in registry.plan([folder]):
                    name = item.reader.NAME
                    if name not in found and not item.unpacked and _good(item.reader, item.path):
                        found[name] = item.path
        for reader in registry.readers():  # a reader whose fixtures a folder reader takes whole
            folder = FIXTURES / reader.NAME
            if reader.NAME not in found and folder.is_dir():
                for path in files_of(folder):
                    if reader.sniff(path) >= registry.MIN_CONFIDENCE and _good(reader, path):
                        found[reader.NAME] = path
                        break
    return found


def files_of(sample: Path) -> list[Path]:
    return sorted(p for p in sample.rglob("*") if p.is_file()) if sample.is_dir() else [sample]


def variant(sample: Path, dest: Path, change: Callable[[bytes], bytes]) -> Path:
    """A copy of ``sample`` (file or folder) in ``dest`` with every file's bytes changed by ``change``."""
    target = dest / sample.name
    if sample.is_dir():
        shutil.copytree(sample, target)
        for p in files_of(target):
            p.write_bytes(change(p.read_bytes()))
    else:
        target.write_bytes(change(sample.read_bytes()))
    return target


_YEAR = re.compile(rb"(?<!\d)(19|20)\d\d(?!\d)")
_STAMP = re.compile(rb"(?<!\d)1[0-9]{9}(?:[0-9]{3})?(?!\d)")

HOSTILE: dict[str, Callable[[bytes], bytes]] = {
    "empty": lambda data: b"",
    "wrong type": lambda data: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16,
    "truncated": lambda data: data[: len(data) // 2],
    "invalid encoding": lambda data: (
        data[: len(data) // 2] + b"\xff\xfe\xc3\x28\xa0\xa1" + data[len(data) // 2 :]
    ),
    "NUL bytes": lambda data: data.replace(b"\n", b"\x00\n", 3),
    "huge field": lambda data: data[: len(data) // 2] + b"x" * (2 << 20) + data[len(data) // 2 :],
    "year 9999": lambda data: _STAMP.sub(b"99999999999999999999", _YEAR.sub(b"9999", data)),
    "year 0001": lambda data: _STAMP.sub(b"-99999999999999", _YEAR.sub(b"0001", data)),
    "duplicate records": lambda data: data + b"\n" + data,
}


def keys_of(records: Iterator[Record] | list[Record]) -> list[str]:
    return [r.source_key for r in records if isinstance(r, ContactRecord | InteractionRecord)]
