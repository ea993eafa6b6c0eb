"""After a delete, no copy of the deleted bytes may stay behind.

SQLite runs with ``secure_delete`` (deleted content is overwritten with zeros), but older copies of the
pages live on in the ``-wal`` file until a checkpoint copies them back and truncates it; a program holding
a read transaction open prevents that, so the checkpoint is retried and, failing that, the user is told.
On PostgreSQL deleted rows stay in the table files until ``VACUUM`` reclaims them.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from tieline.store import tables as t
from tieline.store.db import Store

HELD_OPEN = "another program holds the database open; close it and run `tieline maintenance`"
ATTEMPTS = 8
WAIT_MS = 500


def wipe(store: Store) -> str | None:
    """Push deleted bytes out of every file; ``None`` when done, else what the user should do."""
    if store.is_sqlite:
        compact_text_index(store.engine)
        return None if checkpoint(store.engine) else HELD_OPEN
    return vacuum(store)


def compact_text_index(engine: Engine) -> None:
    """SQLite's full-text index keeps a deleted row's words in its segments until they are merged."""
    raw = engine.raw_connection()
    try:
        sqlite = raw.driver_connection
        assert sqlite is not None
        if sqlite.execute("SELECT 1 FROM sqlite_master WHERE name = 'person_text'").fetchone():
            sqlite.execute("INSERT INTO person_text(person_text) VALUES ('optimize')")
    finally:
        raw.close()


def maintenance(store: Store) -> str | None:
    """Rebuild the store so that no freed space keeps old bytes; ``None`` when done."""
    if store.is_sqlite:
        raw = store.engine.raw_connection()  # VACUUM runs outside any transaction
        try:
            compact_text_index(store.engine)
            raw.driver_connection.execute("VACUUM")  # type: ignore[union-attr]
        finally:
            raw.close()
        return None if checkpoint(store.engine) else HELD_OPEN
    return vacuum(store)


def checkpoint(engine: Engine, attempts: int = ATTEMPTS) -> bool:
    """``wal_checkpoint(TRUNCATE)``, retried while readers finish; True when the -wal file is empty."""
    raw = engine.raw_connection()  # outside any transaction, or the checkpoint waits for itself
    sqlite = raw.driver_connection
    assert sqlite is not None
    try:
        sqlite.execute(f"PRAGMA busy_timeout={WAIT_MS}")
        for _ in range(attempts):
            busy, _log, _done = sqlite.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                return True
        return False
    finally:
        sqlite.execute("PRAGMA busy_timeout=30000")
        raw.close()


def vacuum(store: Store) -> str | None:
    """``VACUUM`` every tieline table (it cannot run inside a transaction, hence autocommit)."""
    try:
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in t.metadata.sorted_tables:
                conn.exec_driver_sql(f'VACUUM "{table.name}"')
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        return (
            f"the deleted rows stay in the database files until VACUUM runs ({reason}); "
            "run `tieline maintenance` as the database's owner"
        )
    return None
