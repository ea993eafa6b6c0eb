"""The batch row of an import: opened (or an interrupted one adopted), kept up to date, finished.

The row's ``stats`` are written in the same transaction as every chunk, so after a kill they still
describe exactly what is stored. They also name the process that runs the batch: a ``running``
batch whose process is gone was interrupted, is listed so, and the same import run again adopts
it and continues it rather than starting a second batch for the same files.
"""

from __future__ import annotations

import os
import socket
from dataclasses import asdict, fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, insert, select, update

from tieline.ingest.context import Counts
from tieline.store import stale
from tieline.store import tables as t

UNFINISHED = ("running", "interrupted")


def owner() -> dict[str, Any]:
    return {"host": socket.gethostname(), "pid": os.getpid()}


def shown_status(status: str, stats: dict[str, Any] | None) -> str:
    """``interrupted`` for a batch left ``running`` by a process that is gone."""
    if status == "running" and not _alive((stats or {}).get("owner")):
        return "interrupted"
    return status


def open_batch(
    conn: Connection, account_id: int, source: str, paths: str, now: datetime
) -> tuple[int, Counts]:
    """The interrupted batch of the same files to continue, else a new one; and the counts it holds."""
    b = t.batches
    for row in conn.execute(
        select(b.c.id, b.c.status, b.c.stats)
        .where(
            and_(
                b.c.account_id == account_id,
                b.c.source == source,
                b.c.paths == paths,
                b.c.status.in_(UNFINISHED),
            )
        )
        .order_by(b.c.id.desc())
    ):
        if shown_status(row.status, row.stats) == "interrupted":
            counts = counts_of(row.stats)
            conn.execute(
                update(b).where(b.c.id == row.id).values(status="running", stats=stats_of(counts, 0))
            )
            stale.mark(conn, account_id, batch_id=int(row.id))
            return int(row.id), counts
    counts = Counts()
    batch_id = conn.execute(
        insert(t.batches)
        .values(
            account_id=account_id,
            source=source,
            paths=paths,
            started_at=now,
            status="running",
            stats=stats_of(counts, 0),
        )
        .returning(b.c.id)
    ).scalar_one()
    # Marked before anything is written: whatever the batch commits is caught up, even if the import dies.
    stale.mark(conn, account_id, batch_id=int(batch_id))
    return int(batch_id), counts


def save(conn: Connection, batch_id: int, counts: Counts, errors: int, status: str | None = None) -> None:
    """Write the counts (and the status) in the caller's transaction."""
    values: dict[str, Any] = {"stats": stats_of(counts, errors)}
    if status is not None:
        values |= {"status": status, "finished_at": datetime.now(UTC)}
    conn.execute(update(t.batches).where(t.batches.c.id == batch_id).values(**values))


def stats_of(counts: Counts, errors: int) -> dict[str, Any]:
    return asdict(counts) | {"errors": errors, "owner": owner()}


def counts_of(stats: dict[str, Any] | None) -> Counts:
    stats = stats or {}
    known = {f.name for f in fields(Counts)}
    return Counts(**{k: v for k, v in stats.items() if k in known})


def _alive(who: Any) -> bool:
    if not isinstance(who, dict) or who.get("host") != socket.gethostname():
        return True  # another machine's import (PostgreSQL): it may well be running
    try:
        os.kill(int(who["pid"]), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError, TypeError, KeyError):
        return True
    return True


def others_wrote(conn: Connection, seen: list[int]) -> bool:
    """Whether another connection may have committed since this one last looked.

    SQLite counts other connections' commits (``PRAGMA data_version``); on PostgreSQL we cannot tell
    cheaply, so the answer is always yes.
    """
    if conn.dialect.name != "sqlite":
        return True
    version = int(conn.exec_driver_sql("PRAGMA data_version").scalar_one())
    changed = seen != [version]
    seen[:] = [version]
    return changed
