"""The owner's own handles: they decide the direction of every interaction."""

from __future__ import annotations

from sqlalchemy import and_, insert, select

from tieline.errors import TielineError
from tieline.ingest.normalise import guess
from tieline.store import tables as t
from tieline.store.db import Store


def add(store: Store, handle: str, region: str | None = None) -> tuple[str, str]:
    key = guess(handle, region)
    if key is None:
        raise TielineError(f"{handle!r} is not an email, phone number, profile URL or service:id")
    with store.write() as conn:
        m = t.me_handles
        if not conn.execute(
            select(m.c.id).where(
                and_(m.c.account_id == store.account_id, m.c.kind == key[0], m.c.value == key[1])
            )
        ).first():
            conn.execute(insert(m).values(account_id=store.account_id, kind=key[0], value=key[1]))
    return key


def show(store: Store) -> list[dict[str, str]]:
    m = t.me_handles
    with store.read() as conn:
        rows = conn.execute(
            select(m.c.kind, m.c.value).where(m.c.account_id == store.account_id).order_by(m.c.id)
        ).all()
    return [{"kind": k, "value": v} for k, v in rows]
