"""Import batches: list them, undo one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, select, update

from tieline.errors import NotFound, TielineError
from tieline.ingest.batch import ImportOptions, ImportResult, batch_row_counts, run_import
from tieline.ingest.batch_rows import shown_status
from tieline.ingest.context import utc
from tieline.ingest.undo import undo_since
from tieline.services.lookup import MAX_ID
from tieline.services.strength import catch_up
from tieline.services.ties import touched_by_batch
from tieline.store import stale
from tieline.store import tables as t
from tieline.store.db import Store


def listing(store: Store) -> list[dict[str, Any]]:
    b = t.batches
    with store.read() as conn:
        rows = (
            conn.execute(select(b).where(b.c.account_id == store.account_id).order_by(b.c.id))
            .mappings()
            .all()
        )
        out = []
        for r in rows:
            started = utc(r["started_at"])
            out.append(
                {
                    "batch": r["id"],
                    "source": r["source"],
                    "paths": r["paths"].split("\n") if r["paths"] else [],
                    "started_at": started.isoformat() if started else None,
                    "status": shown_status(r["status"], r["stats"]),
                    "stats": {k: v for k, v in (r["stats"] or {}).items() if k != "owner"},
                    "rows": batch_row_counts(conn, r["id"]) if r["status"] != "undone" else {},
                }
            )
    return out


def undo(store: Store, batch_id: int, with_later: bool = False) -> list[int]:
    """Undo a batch; with ``with_later``, first the later batches and merges built on it, newest first.

    Returns the batches undone, in the order they were. Without ``with_later`` a batch that later
    work depends on is refused, naming that work, and nothing changes (see ingest/dependents.py).
    """
    from tieline.ingest.dependents import dependents
    from tieline.services.merge import unmerge_in

    b = t.batches
    if not 0 < batch_id <= MAX_ID:
        raise NotFound(f"no import batch {batch_id}")
    with store.write() as conn:
        row = conn.execute(
            select(b.c.status).where(and_(b.c.account_id == store.account_id, b.c.id == batch_id))
        ).first()
        if row is None:
            raise NotFound(f"no import batch {batch_id}")
        if row.status == "undone":
            raise TielineError(f"batch {batch_id} is already undone")
        later = dependents(conn, store.account_id, batch_id)
        if later and not with_later:
            named = ", ".join(str(x) for x in reversed(later))
            raise TielineError(
                f"batch {batch_id} cannot be undone alone: later work built on what it wrote ({named}). "
                f"`tieline imports undo {batch_id} --with-later` undoes that too, newest first."
            )
        stale.mark(conn, store.account_id, _touched(store, conn, batch_id, later))
        undone: list[int] = []
        for x in later:
            if x.kind == "merge":
                unmerge_in(conn, x.id)
            else:
                _undo_one(conn, store.account_id, x.id)
                undone.append(x.id)
        _undo_one(conn, store.account_id, batch_id)
        undone.append(batch_id)
    catch_up(store)
    return undone


def _touched(store: Store, conn: Connection, batch_id: int, later: list[Any]) -> set[int]:
    """Everyone whose tie the undo changes: what the batches wrote or changed, and both sides of a merge."""
    touched = touched_by_batch(conn, batch_id)
    for x in later:
        if x.kind == "merge":
            m = t.merges
            row = conn.execute(select(m.c.kept_id, m.c.merged_id).where(m.c.id == x.id)).one()
            touched |= {row.kept_id, row.merged_id}
        else:
            touched |= touched_by_batch(conn, x.id)
    return touched


def _undo_one(conn: Connection, account_id: int, batch_id: int) -> None:
    undo_since(conn, account_id, batch_id)
    conn.execute(update(t.batches).where(t.batches.c.id == batch_id).values(status="undone"))


def questions(store: Store, paths: list[Path], source: str | None, day_first: bool | None) -> dict[str, Any]:
    """What the import should ask before it starts: who "me" is (from a mailbox's Sent folder) when no
    handle of the owner is known, and the date order of chat exports whose dates could be read both ways."""
    from tieline.services import me as me_service
    from tieline.sources import registry

    out: dict[str, Any] = {"me": None, "me_why": None, "me_certain": False, "ambiguous_dates": []}
    try:
        planned = [p for path in paths for p in registry.plan([path], source)]
    except TielineError:
        return out  # the import itself will report the bad path
    if not me_service.show(store):
        counts: Counter[str] = Counter()
        for item in planned:
            finder = getattr(item.reader, "sent_senders", None)
            if finder is not None:
                counts.update(finder(item.path))
        if counts:
            out["me"] = counts.most_common(1)[0][0]
            out["me_why"] = "it sent most of the Sent mail"
        else:
            out.update(_owner_of_conversations(planned))
    if day_first is None:
        for item in planned:
            order = getattr(item.reader, "date_order", None)
            if order is not None and order(item.path) == "ambiguous":
                out["ambiguous_dates"].append(item.shown_as)
    return out


SAMPLE = 20_000
CONVERSATIONS = ("tieline.sources.chat.", "tieline.sources.calendar.")


def _owner_of_conversations(planned: list[Any]) -> dict[str, Any]:
    """Chats, LinkedIn messages, calendars: the owner is whoever takes part in the most conversations.

    When one handle is in every conversation (two or more) and nobody else is, it is the owner for sure
    (``me_certain``: taken without asking, and said); otherwise it is only proposed.
    """
    from itertools import islice

    from tieline.records import InteractionRecord, ReadOptions

    threads: dict[str, set[str]] = {}
    seen: set[str] = set()
    for item in planned:
        if not str(getattr(item.reader, "__name__", "")).startswith(CONVERSATIONS):
            continue  # contacts say nothing of who "me" is; mail and phone logs are asked their own way
        try:
            records = list(islice(item.reader.read(item.path, ReadOptions(content=False)), SAMPLE))
        except (TielineError, ValueError, OSError):
            continue
        for rec in records:
            if not isinstance(rec, InteractionRecord) or rec.bulk:
                continue
            people = [p for p in (rec.sender, *rec.participants) if p is not None and p.handles]
            thread = f"{item.shown_as}:{rec.thread or '|'.join(sorted(p.handles[0].value for p in people))}"
            seen.add(thread)
            for p in people:
                threads.setdefault(p.handles[0].value, set()).add(thread)
    if len(seen) < 2 or not threads:
        return {}
    ranked = sorted(threads.items(), key=lambda kv: -len(kv[1]))
    top, in_top = ranked[0]
    if len(in_top) < 2 or (len(ranked) > 1 and len(ranked[1][1]) == len(in_top)):
        return {}
    everywhere = [h for h, ts in ranked if len(ts) == len(seen)]
    return {
        "me": top,
        "me_why": f"it takes part in {len(in_top)} of {len(seen)} conversations",
        "me_certain": everywhere == [top],
    }


def import_paths(
    store: Store, paths: list[Path], options: ImportOptions, on_file: Callable[[str, int], None] | None = None
) -> tuple[ImportResult, int]:
    """Import, then rescore only the ties the import touched. Returns the result and how many ties were rescored."""
    result = run_import(store, paths, options, on_file=on_file)
    if result.batch is None:
        return result, 0
    rescored = catch_up(store)  # the batch was marked when it was opened
    c = result.counts
    if c.people_created + c.interactions_created >= ANALYZE_AFTER_ROWS:
        store.analyze()
    return result, rescored


# An import that wrote at least this many people and interactions refreshes the planner's statistics.
ANALYZE_AFTER_ROWS = 5000
