"""The one contract every registered reader passes (issue 12): hostile variants of its own sample end
in records or one SourceError, never a traceback, in bounded time and memory; re-reading gives the same
source keys; progress goes through ``open_binary``; nothing is written outside the import."""

from __future__ import annotations

import os
import tempfile
import time
import tracemalloc
from pathlib import Path

import pytest

from tests.sources.contract import HOSTILE, files_of, keys_of, read_all, samples, variant
from tieline.errors import SourceError
from tieline.ingest.batch import ImportOptions, run_import
from tieline.records import ContactRecord, InteractionRecord, Skipped
from tieline.sources import registry
from tieline.sources.base import ReadMeter, metering
from tieline.store.db import Store

SAMPLES = samples()
READERS = {r.NAME: r for r in registry.readers()}


def test_every_registered_reader_has_a_sample() -> None:
    assert set(SAMPLES) == set(READERS), set(READERS) - set(SAMPLES)


def _outcome(name: str, path: Path) -> tuple[list[object], SourceError | None]:
    try:
        return list(read_all(READERS[name], path)), None
    except SourceError as exc:
        assert exc.file and exc.reason  # one line: which file, why
        return [], exc


@pytest.mark.parametrize("case", list(HOSTILE))
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_a_hostile_variant_ends_in_records_or_one_clean_error(
    name: str, case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = variant(SAMPLES[name], tmp_path, HOSTILE[case])
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    tmp_before = sorted(os.listdir(private_tmp))
    began = time.perf_counter()
    records, error = _outcome(name, path)  # anything but SourceError fails here: a traceback
    took = time.perf_counter() - began
    size_mb = max(sum(p.stat().st_size for p in files_of(path)) / 2**20, 1.0)
    assert took / size_mb < 5.0, f"{took:.1f} s for {size_mb:.1f} MB"
    assert all(isinstance(r, ContactRecord | InteractionRecord | Skipped) for r in records)
    assert sorted(os.listdir(private_tmp)) == tmp_before  # no writes outside the import
    if case == "empty" and SAMPLES[name].is_file():
        assert error is not None and error.reason == "empty file", (error, records[:3])
    if case == "empty":
        assert not keys_of(records)  # type: ignore[arg-type]
    if case == "wrong type":
        assert error is not None or not keys_of(records)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_re_reading_gives_the_same_source_keys(name: str) -> None:
    first = keys_of(read_all(READERS[name], SAMPLES[name]))
    assert first and first == keys_of(read_all(READERS[name], SAMPLES[name]))


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_progress_is_reported_through_open_binary(name: str) -> None:
    meter = ReadMeter()
    with metering(meter):
        read_all(READERS[name], SAMPLES[name])
    assert meter.position() > 0, "the reader opened its files without open_binary"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_memory_stays_bounded_on_a_huge_field(name: str, tmp_path: Path) -> None:
    path = variant(SAMPLES[name], tmp_path, lambda data: data[:100] + b"x" * (1 << 20) + data[100:])
    size = sum(p.stat().st_size for p in files_of(path))
    tracemalloc.start()
    try:
        _outcome(name, path)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 12 * size + (32 << 20), f"{peak >> 20} MB for a {size >> 20} MB input"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_the_sample_imports_on_both_backends_and_again_changes_nothing(name: str, store: Store) -> None:
    options = ImportOptions(source=name, extra={"as_of": "2026-01-01"})
    first = run_import(store, [SAMPLES[name]], options)
    assert first.failed == 0, first.errors[:3]
    done = first.counts
    assert done.people_created + done.interactions_created + done.people_updated + done.skipped > 0
    again = run_import(store, [SAMPLES[name]], options)
    assert (again.counts.people_created, again.counts.interactions_created) == (0, 0)
