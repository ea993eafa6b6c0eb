"""The contract every source reader keeps (sources/base.py), checked for all of them at once."""

from __future__ import annotations

import contextlib
import random
from pathlib import Path

import pytest

from tieline.errors import SourceError
from tieline.records import ContactRecord, InteractionRecord, ReadOptions, Skipped
from tieline.sources import registry

READERS = registry.readers()


def _garbage(tmp: Path) -> list[Path]:
    rng = random.Random(11)
    empty = tmp / "empty.txt"
    empty.write_bytes(b"")
    noise = tmp / "noise.bin"
    noise.write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    text = tmp / "prose.txt"
    text.write_text("Networking is not a numbers game.\n" * 50, encoding="utf-8")
    folder = tmp / "folder"
    folder.mkdir()
    (folder / "a.txt").write_text("hello", encoding="utf-8")
    return [empty, noise, text, folder]


def test_every_builtin_reader_is_registered_with_a_unique_name() -> None:
    names = [r.NAME for r in READERS]
    assert len(names) == len(set(names))
    assert {b.rsplit(".", 1)[1] for b in registry.BUILTIN} <= set(names)


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.NAME)
def test_sniff_never_raises_and_stays_between_zero_and_one(reader: registry.Reader, tmp_path: Path) -> None:
    for path in [*_garbage(tmp_path), tmp_path / "missing.file"]:
        conf = reader.sniff(path)
        assert isinstance(conf, float) and 0.0 <= conf <= 1.0
        if path.name in ("empty.txt", "noise.bin", "prose.txt", "missing.file"):
            assert conf < registry.FOLDER_CLAIM, (reader.NAME, path.name)


@pytest.mark.parametrize("reader", READERS, ids=lambda r: r.NAME)
def test_read_yields_only_records_or_raises_one_source_error(reader: registry.Reader, tmp_path: Path) -> None:
    for path in _garbage(tmp_path):
        try:
            for rec in reader.read(path, ReadOptions()):
                assert isinstance(rec, ContactRecord | InteractionRecord | Skipped)
        except SourceError as exc:
            assert exc.file and exc.reason


FIXTURE_DIRS = sorted(
    p
    for p in (Path(__file__).resolve().parents[1] / "fixtures").iterdir()
    if p.is_dir() and p.name != "ingest"
)


def _records(folder: Path) -> list[object]:
    out: list[object] = []
    for item in registry.plan([folder]):
        with contextlib.suppress(SourceError):  # the fixtures include broken files on purpose
            out.extend(item.reader.read(item.path, ReadOptions()))
    return out


@pytest.mark.parametrize("folder", FIXTURE_DIRS, ids=lambda p: p.name)
def test_records_have_stable_keys_and_aware_utc_times(folder: Path) -> None:
    first = _records(folder)
    again = _records(folder)
    keys = [getattr(r, "source_key", None) for r in first]
    assert keys == [getattr(r, "source_key", None) for r in again]  # re-reading gives the same keys
    for rec in first:
        if isinstance(rec, ContactRecord | InteractionRecord):
            assert rec.source_key
        if isinstance(rec, InteractionRecord):
            assert rec.when.tzinfo is not None and rec.when.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
            assert rec.group_size >= 2
