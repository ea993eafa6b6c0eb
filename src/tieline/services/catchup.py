"""The catch-up every read and write runs first: the marked ties (and those cached by another model
version) rescored, found with two index lookups. Kept apart from the scoring (numpy, the model), which it
loads only when there is something to score, so a read with nothing marked starts without either.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, and_, select

from tieline.services import ties
from tieline.store import stale
from tieline.store import tables as t
from tieline.store.db import Store
from tieline.strength import defaults

Progress = Callable[[int, int], None]


def catch_up(store: Store, progress: Progress | None = None) -> int:
    """Bring the marked ties (``store/stale.py``) and those cached by another model version up to date.

    Every writer marks what it changed in its own transaction and calls this after; a read calls it too,
    so a write whose process died before scoring is caught up by the next read. The work is the marks'
    (one index lookup when there are none), never a pass over every person. Returns how many were scored."""
    if store.read_only:  # nothing can be written there: ties not scored yet show as unknown
        return 0
    with store.read() as conn:
        marks = ties.settled(conn, stale.pending(conn, store.account_id, "scores"))
        ids = set(outdated(conn, store.account_id))
        if marks.everyone:
            ids |= set(
                conn.execute(select(t.people.c.id).where(t.people.c.account_id == store.account_id)).scalars()
            )
        else:
            ids |= marks.people
            for batch_id in sorted(marks.batches):
                ids |= ties.touched_by_batch(conn, batch_id)
    done = _rescore(store, ids, progress) if ids else 0
    if marks:
        with store.write() as conn:
            built = conn.execute(
                select(t.text_index_state.c.account_id).where(
                    t.text_index_state.c.account_id == store.account_id
                )
            ).first()
            stale.clear(conn, store.account_id, marks, "scores", text_too=built is None)
    return done


def outdated(conn: Connection, account_id: int) -> list[int]:
    """Ties whose cached score came from another model version: two index range lookups, empty as a rule."""
    ts = t.tie_scores
    older = select(ts.c.person_id).where(
        and_(ts.c.account_id == account_id, ts.c.model_version < defaults.MODEL_VERSION)
    )
    newer = select(ts.c.person_id).where(
        and_(ts.c.account_id == account_id, ts.c.model_version > defaults.MODEL_VERSION)
    )
    return list(conn.execute(older.union_all(newer)).scalars())


def _rescore(store: Store, ids: set[int], progress: Progress | None) -> int:
    from tieline.services import strength  # the model and numpy, only when there is something to score

    return strength.rescore(store, ids, progress)
