"""Backups that restore: ``backup`` makes a consistent copy while tieline may be in use, ``restore`` reads it back.

Two formats: a SQLite file made with SQLite's online backup API (the default on SQLite), and JSON Lines of
the account's rows (the default on PostgreSQL, and how data moves between the two backends).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select, update

from tieline.errors import TielineError
from tieline.store import dump
from tieline.store import tables as t
from tieline.store.db import Store
from tieline.store.files import make_private, private_binary, private_text
from tieline.store.migrate import head

FORMATS = ("sqlite", "jsonl")
SQLITE_MAGIC = b"SQLite format 3\x00"
STALE_DAYS = 30


@dataclass(frozen=True)
class Done:
    path: Path
    format: str
    rows: dict[str, int]


def backup(store: Store, path: Path, fmt: str | None = None) -> Done:
    """Copy the store to ``path`` (mode 0600), written whole or not at all."""
    fmt = fmt or ("sqlite" if store.is_sqlite and path.suffix not in (".jsonl", ".json") else "jsonl")
    if fmt not in FORMATS:
        raise TielineError(f"no backup format {fmt!r}: sqlite or jsonl")
    if fmt == "sqlite" and not store.is_sqlite:
        raise TielineError("a SQLite copy is made of a SQLite store only: use --format jsonl")
    if not path.parent.is_dir():
        raise TielineError(f"cannot write {path}: the folder {path.parent} does not exist")
    partial = path.with_name(f".{path.name}.partial")
    try:
        if fmt == "sqlite":
            _sqlite_copy(store, partial)
        else:
            with _snapshot(store) as conn, private_text(partial) as out:
                out.write(dump.line(dump.header(head())))
                for item in dump.rows(conn, store.account_id):
                    out.write(dump.line(item))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    with store.read() as conn:
        rows = dump.count_rows(conn, store.account_id)
    if not store.read_only:
        with store.write() as conn:
            conn.execute(
                update(t.accounts)
                .where(t.accounts.c.id == store.account_id)
                .values(backed_up_at=datetime.now(UTC))
            )
    return Done(path, fmt, rows)


def last_backup(store: Store) -> datetime | None:
    """When ``tieline backup`` last ran on this store (UTC), or None."""
    with store.read() as conn:
        when = conn.execute(
            select(t.accounts.c.backed_up_at).where(t.accounts.c.id == store.account_id)
        ).scalar()
    if not isinstance(when, datetime):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def backup_warning(store: Store, now: datetime | None = None) -> str | None:
    """A line for `tieline health` when the last backup is older than 30 days (or there never was one
    on a store in use for longer than that)."""
    now = now or datetime.now(UTC)
    last = last_backup(store)
    if last is not None:
        age = (now - last).days
        if age > STALE_DAYS:
            return f"the last backup was {age} days ago: run `tieline backup FILE`"
        return None
    with store.read() as conn:
        since = conn.execute(
            select(t.accounts.c.created_at).where(t.accounts.c.id == store.account_id)
        ).scalar()
    if since is not None and (now - (since if since.tzinfo else since.replace(tzinfo=UTC))).days > STALE_DAYS:
        return "this store was never backed up: run `tieline backup FILE`"
    return None


def restore(store: Store, path: Path, force: bool = False) -> Done:
    """Read a backup into the store, which must be empty (``force``: this account's rows are replaced)."""
    try:
        with path.open("rb") as probe:
            magic = probe.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise TielineError(f"cannot read {path}: {exc.strerror}") from None
    fmt = "sqlite" if magic == SQLITE_MAGIC else "jsonl"
    with store.write() as conn:
        _make_room(conn, store, force)
        if fmt == "sqlite":
            with _opened_copy(path) as source, source.read() as src:
                rows = dump.load(conn, store.account_id, dump.rows(src, source.account_id))
        else:
            rows = dump.load(conn, store.account_id, _lines(path))
    return Done(path, fmt, rows)


def _make_room(conn: Connection, store: Store, force: bool) -> None:
    mine = dump.count_rows(conn, store.account_id)
    everyone = dump.count_rows(conn)
    if everyone != mine:
        raise TielineError(
            f"the database {store.safe_url} holds other accounts' data: restore into an empty database"
        )
    if not mine:
        return
    if not force:
        held = ", ".join(
            f"{n} {name}" for name, n in sorted(mine.items()) if name in ("people", "interactions")
        )
        raise TielineError(
            f"the database {store.safe_url} is not empty ({held or 'it holds data'}): restore only into an "
            "empty store, or add --force to replace what it holds"
        )
    dump.clear(conn, store.account_id)


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for number, text in enumerate(lines, 1):
            try:
                item = json.loads(text)
            except json.JSONDecodeError:
                raise TielineError(f"{path}: line {number}: not a tieline backup (not JSON)") from None
            if number == 1:
                _check_header(path, item)
                continue
            if not isinstance(item, dict) or "table" not in item or not isinstance(item.get("row"), dict):
                raise TielineError(f"{path}: line {number}: not a row of a tieline backup")
            yield item


def _check_header(path: Path, item: Any) -> None:
    if not isinstance(item, dict) or item.get("format") != dump.FORMAT:
        raise TielineError(
            f"{path}: not a tieline backup (a SQLite copy or a JSON Lines file from `tieline backup`)"
        )
    if item.get("version") != dump.VERSION or str(item.get("schema", "")) > head():
        raise TielineError(
            f"{path}: made by a newer tieline (schema {item.get('schema')}): upgrade tieline first"
        )


def _sqlite_copy(store: Store, target: Path) -> None:
    private_binary(target).close()  # 0600 before a byte is written
    raw = store.engine.raw_connection()
    try:
        dest = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(dest)  # type: ignore[union-attr]
            dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dest.close()
    finally:
        raw.close()
    make_private(target)


@contextmanager
def _snapshot(store: Store) -> Iterator[Connection]:
    """One consistent view of every table while others may write."""
    with store.engine.connect() as conn:
        if not store.is_sqlite:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


@contextmanager
def _opened_copy(path: Path) -> Iterator[Store]:
    """A SQLite backup opened from a private temporary copy (it may need migrating to this version)."""
    with tempfile.TemporaryDirectory(prefix="tieline-restore-") as folder:
        copy = Path(folder) / "backup.db"
        shutil.copyfile(path, copy)
        source = Store(f"sqlite:///{copy}", create=False)
        with source.read() as conn:  # the account that holds the data, whatever its name
            found = conn.execute(select(t.people.c.account_id).limit(1)).scalar()
        source.account_id = int(found) if found is not None else source.account_id
        try:
            yield source
        finally:
            source.dispose()
