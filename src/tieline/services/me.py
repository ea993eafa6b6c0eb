"""The owner's own handles: they decide the direction of every interaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from tieline.errors import TielineError
from tieline.ingest.normalise import guess
from tieline.store import stale
from tieline.store import tables as t
from tieline.store.db import Store

if TYPE_CHECKING:  # re-deriving directions needs the importer; listing one's handles does not
    from tieline.ingest.owner import OwnerChange


def add(store: Store, handle: str, region: str | None = None) -> OwnerChange:
    """Add a handle of the owner's, and re-read what it sent: outgoing now, and its people made."""
    key = _key(handle, region)
    with store.write() as conn:
        from tieline.ingest.owner import claim

        change = claim(conn, store.account_id, key)
        if change.redirected:  # directions turned around everywhere (the people it made: its batch's mark)
            stale.mark(conn, store.account_id, everyone=True)
    if change.batch is not None:
        _invalidate(store)
    return change


def remove(store: Store, handle: str, region: str | None = None) -> OwnerChange:
    """A handle is not the owner's after all (a wrong "Is X you?"): what it sent is incoming again."""
    key = _key(handle, region)
    with store.write() as conn:
        from tieline.ingest.owner import release

        change = release(conn, store.account_id, key)
        if change.batch is not None:
            stale.mark(conn, store.account_id, everyone=True)
    if change.batch is None:
        raise TielineError(f"{key[1]} is not one of your handles (see `tieline me show`)")
    _invalidate(store)
    return change


def show(store: Store) -> list[dict[str, str]]:
    m = t.me_handles
    with store.read() as conn:
        rows = conn.execute(
            select(m.c.kind, m.c.value).where(m.c.account_id == store.account_id).order_by(m.c.id)
        ).all()
    return [{"kind": k, "value": v} for k, v in rows]


def _key(handle: str, region: str | None) -> tuple[str, str]:
    key = guess(handle, region)
    if key is None:
        raise TielineError(f"{handle!r} is not an email, phone number, profile URL or service:id")
    return key


def _invalidate(store: Store) -> None:
    # A new owner handle turns directions around everywhere: every tie (marked) is rescored here, so no
    # read has to.
    from tieline.services.catchup import catch_up

    catch_up(store)
