"""One import: plan the files, write each in chunked transactions, count, and undo on failure.

Everything one ``tieline import`` writes belongs to one batch. Each file is written in transactions
of a few thousand records; if a file turns out to be unreadable half-way, what it wrote is taken
back, so a file is imported whole or not at all. A killed import leaves whole chunks behind and
the batch marked ``running``; running the import again skips what is stored (source keys) and
``imports undo`` removes the lot.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, func, select

from tieline.errors import ImportInterrupted, SourceError
from tieline.ingest.batch_rows import open_batch, others_wrote, save
from tieline.ingest.context import Context, Counts
from tieline.ingest.history import HistoryWriter
from tieline.ingest.index import HandleIndex
from tieline.ingest.interrupts import Guard
from tieline.ingest.matching import Matcher
from tieline.ingest.people_writer import ContactWriter
from tieline.ingest.undo import TRACKED, marks, undo_since
from tieline.records import ContactRecord, InteractionRecord, ReadOptions, Skipped
from tieline.sources import archive, registry
from tieline.sources.base import ReadMeter, metering
from tieline.store import tables as t
from tieline.store.db import Store

log = logging.getLogger(__name__)
CONTACTS_PER_COMMIT = 2000
MAX_LISTED = 100


@dataclass
class ImportOptions:
    source: str | None = None
    region: str | None = None
    content: bool = True
    create_people: bool = False
    day_first: bool | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # Told the records read so far in the current file and the bytes read of it (0 if the reader
    # does not say), every 1,000 records.
    progress: Callable[[int, int], None] | None = None


@dataclass
class ImportResult:
    batch: int | None  # None: the import wrote nothing, and no batch was recorded
    source: str
    counts: Counts
    errors: list[dict[str, str | None]]  # files that could not be read at all
    files: int
    failed: int = 0  # files planned that could not be imported at all
    skipped: list[dict[str, str | None]] = field(default_factory=list)  # records left out (the first 100)
    passed_over: list[dict[str, str]] = field(default_factory=list)  # files in a folder no reader took

    @property
    def imported(self) -> int:
        """How many files landed (each whole: a file that failed half-way wrote nothing)."""
        return self.files - self.failed

    def as_json(self) -> dict[str, Any]:
        c = self.counts
        return {
            "batch": self.batch,
            "source": self.source,
            "people_created": c.people_created,
            "people_updated": c.people_updated,
            "handles_added": c.handles_added,
            "interactions_created": c.interactions_created,
            "skipped": c.skipped,
            "unchanged": c.unchanged,
            "merge_candidates": c.merge_candidates,
            "skip_reasons": c.skip_reasons,
            "skipped_records": self.skipped,
            "passed_over": self.passed_over,
            "merged": c.merged,
            "notes": c.notes,
            "files": self.files,
            "failed_files": self.failed,  # of the files planned
            "errors": self.errors,
        }


def run_import(
    store: Store, paths: list[Path], options: ImportOptions, on_file: Callable[[str, int], None] | None = None
) -> ImportResult:
    with archive.unpacking():  # archives unpacked once, and removed however the import ends
        return _run_import(store, paths, options, on_file)


def _run_import(
    store: Store, paths: list[Path], options: ImportOptions, on_file: Callable[[str, int], None] | None
) -> ImportResult:
    errors: list[dict[str, str | None]] = []
    planned: list[registry.Planned] = []
    passed: list[tuple[str, str]] = []
    token = registry.PASSED_OVER.set(passed)
    try:
        return _plan_and_import(store, paths, options, on_file, errors, planned, passed)
    finally:
        registry.PASSED_OVER.reset(token)


def _plan_and_import(
    store: Store,
    paths: list[Path],
    options: ImportOptions,
    on_file: Callable[[str, int], None] | None,
    errors: list[dict[str, str | None]],
    planned: list[registry.Planned],
    passed: list[tuple[str, str]],
) -> ImportResult:
    for path in paths:
        try:
            found = list(registry.plan([path], options.source))
        except SourceError as exc:
            errors.append({"file": exc.file, "record": exc.record, "reason": exc.reason})
            continue
        if not found:
            errors.append({"file": str(path), "record": None, "reason": "nothing here that tieline can read"})
        planned.extend(found)
    if not planned and errors:
        # Nothing here can be read at all: one clear error and nothing written, not an empty batch.
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise SourceError(str(first["file"]), first["record"], f"{first['reason']}{more}")
    kinds = sorted({p.reader.NAME for p in planned})
    source = ",".join(kinds) or (options.source or "none")
    now = datetime.now(UTC)
    guard = Guard()
    with guard.installed(), guard.writing(), store.write() as conn:
        batch_id, counts = open_batch(
            conn, store.account_id, source[:60], "\n".join(str(p) for p in paths), now
        )
    failed = 0
    read_options = ReadOptions(
        default_region=options.region,
        day_first=options.day_first,
        content=options.content,
        extra=options.extra,
    )
    with guard.installed():
        for number, item in enumerate(planned, 1):
            if on_file is not None:
                on_file(item.shown_as, _size(item.path))
            try:
                skipped = counts.skipped
                _import_file(store, batch_id, item, read_options, options, counts, errors, now, guard)
                log.info("file %d of %d (%s): imported, %d record(s) skipped", number,
                         len(planned), item.reader.NAME, counts.skipped - skipped)  # fmt: skip
            except SourceError as exc:
                errors.append({"file": exc.file, "record": exc.record, "reason": exc.reason})
                failed += 1
                log.info("file %d of %d (%s): refused as a whole", number, len(planned),
                         item.reader.NAME)  # fmt: skip
            except KeyboardInterrupt:
                with guard.held():
                    _finish(store, batch_id, "interrupted", counts, errors)
                raise ImportInterrupted(
                    batch_id, counts.interactions_created, counts.people_created
                ) from None
            except BaseException:
                with guard.held():
                    _finish(store, batch_id, "interrupted", counts, errors)
                raise
        with guard.writing():
            _finish(store, batch_id, "done", counts, errors)
            kept = _drop_if_empty(store, batch_id)
    # Skips are ordinary (a holiday with no attendees): they are listed apart from the files that failed.
    failures = [e for e in errors if e.get("kind") != "skipped"]
    listed = [{k: v for k, v in e.items() if k != "kind"} for e in errors if e.get("kind") == "skipped"]
    over = [{"file": name, "reason": why} for name, why in passed]
    return ImportResult(kept, source, counts, failures, len(planned), failed, listed, over)


def _drop_if_empty(store: Store, batch_id: int) -> int | None:
    """No batch row for an import that wrote nothing (all failed, or nothing new): the batch id, or None."""
    with store.write() as conn:
        written = [  # whoever added it; the batch's own mark (store/stale.py) is not something it wrote
            table for table in t.metadata.sorted_tables if "batch_id" in table.c and table is not t.stale_ties
        ]
        for table in written:
            if conn.execute(select(table.c.batch_id).where(table.c.batch_id == batch_id).limit(1)).first():
                return batch_id
        conn.execute(delete(t.stale_ties).where(t.stale_ties.c.batch_id == batch_id))
        conn.execute(delete(t.batches).where(t.batches.c.id == batch_id))
    return None


def _import_file(
    store: Store,
    batch_id: int,
    item: registry.Planned,
    read_options: ReadOptions,
    options: ImportOptions,
    counts: Counts,
    errors: list[dict[str, str | None]],
    now: datetime,
    guard: Guard,
) -> None:
    """One file, in chunked transactions; the counts always describe what is committed."""
    at_start = copy.deepcopy(counts)
    committed = copy.deepcopy(counts)
    with guard.writing(), store.read() as conn:
        start = marks(conn)
    conn = store.engine.connect()
    conn.info["immediate"] = True
    tx = conn.begin()
    versions: list[int] = []

    def commit() -> None:
        nonlocal tx, committed
        save(conn, batch_id, counts, len(errors))  # the batch row says what the chunk holds, atomically
        tx.commit()
        committed = copy.deepcopy(counts)
        tx = conn.begin()
        if others_wrote(conn, versions):
            # Another import or a `log` committed between our chunks: nothing we hold in memory is current.
            ctx.index.reload(conn)
            contacts.reload_sources()
            history.forget_cache()

    try:
        with guard.writing():
            ctx = Context(
                conn,
                store.account_id,
                batch_id,
                HandleIndex.load(conn, store.account_id, options.region),
                counts,
                now,
                content=options.content,
                create_people=options.create_people,
                file=item.shown_as[:500],
            )
            history = HistoryWriter(ctx)
            contacts = ContactWriter(ctx, Matcher())
            others_wrote(conn, versions)  # where the database stands as this file starts
        since_commit = 0
        meter = ReadMeter()
        records = enumerate(_records(item, read_options, meter), start=1)
        while True:
            got = next(records, None)  # reading: Ctrl-C stops it at once
            if got is None:
                break
            seen, rec = got
            if options.progress is not None and seen % 1000 == 0:
                options.progress(seen, meter.position())
            with guard.writing():
                if isinstance(rec, InteractionRecord):
                    if contacts.waiting:
                        contacts.flush()  # people first, so messages find their handles
                    before = len(history.pending)
                    history.add(rec)
                    if before and not history.pending:  # a chunk was flushed: make it durable
                        commit()
                elif isinstance(rec, ContactRecord):
                    contacts.add(rec)
                    since_commit += 1
                    if since_commit >= CONTACTS_PER_COMMIT:
                        contacts.flush()
                        commit()
                        since_commit = 0
                elif isinstance(rec, Skipped):
                    counts.skip(rec.reason)
                    if len(errors) < MAX_LISTED:
                        errors.append(
                            {
                                "file": _shown(item, rec.file),
                                "record": rec.record,
                                "reason": rec.reason,
                                "kind": "skipped",
                            }
                        )
        with guard.writing():
            contacts.finish()
            history.flush()
            save(conn, batch_id, counts, len(errors))
            tx.commit()
    except KeyboardInterrupt:
        with guard.held():
            tx.rollback()  # the chunks already committed stay: a second run resumes after them
            counts.restore(committed)
        raise
    except BaseException:
        with guard.held():
            tx.rollback()
            # Take back the chunks this file already committed: a file lands whole or not at all.
            counts.restore(at_start)
            with store.write() as undo_conn:
                undo_since(undo_conn, store.account_id, batch_id, start)
                save(undo_conn, batch_id, counts, len(errors))
        raise
    finally:
        conn.info.pop("immediate", None)
        conn.close()


def _records(item: registry.Planned, options: ReadOptions, meter: ReadMeter) -> Iterator[object]:
    try:
        with metering(meter):
            yield from item.reader.read(item.path, options)
    except SourceError as exc:
        raise SourceError(_shown(item, exc.file), exc.record, exc.reason) from None
    except (UnicodeDecodeError, ValueError, KeyError, IndexError, RecursionError, OSError) as exc:
        # A reader should never let these out; if one does, the user still gets one line, not a traceback.
        raise SourceError(item.shown_as, None, f"could not be read ({type(exc).__name__}: {exc})") from None


def _shown(item: registry.Planned, file: str) -> str:
    """Name the file as the user gave it, not the temporary folder a zip was unpacked into."""
    return item.name_of(file)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size if path.is_file() else 0
    except OSError:
        return 0


def _finish(
    store: Store, batch_id: int, status: str, counts: Counts, errors: list[dict[str, str | None]]
) -> None:
    with store.write() as conn:
        save(conn, batch_id, counts, len(errors), status)


def batch_row_counts(conn: Connection, batch_id: int) -> dict[str, int]:
    """How many rows of each table a batch wrote (for `imports list`)."""
    out: dict[str, int] = {}
    for table in TRACKED:
        if "batch_id" in table.c:
            out[table.name] = int(
                conn.execute(
                    select(func.count()).select_from(table).where(table.c.batch_id == batch_id)
                ).scalar_one()
            )
    return out
