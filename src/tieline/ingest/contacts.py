"""Small pieces of writing a ContactRecord: the name a person is stored under, the owner's own handles.

Contacts are routed to people by :mod:`tieline.ingest.people_writer` and written, new and stored alike, by
:mod:`tieline.ingest.updates`.
"""

from __future__ import annotations

from sqlalchemy import insert

from tieline.ingest.context import Context
from tieline.ingest.index import Key
from tieline.records import ContactRecord
from tieline.store import tables as t


def display_name(rec: ContactRecord, keys: list[Key]) -> str | None:
    name = (rec.name or " ".join(p for p in (rec.given_name, rec.family_name) if p)).strip()
    if name:
        return name
    return keys[0][1] if keys else None


def write_me(ctx: Context, keys: list[Key]) -> None:
    for key in keys:
        if key in ctx.index.me:
            continue
        mid = ctx.conn.execute(
            insert(t.me_handles)
            .values(account_id=ctx.account_id, kind=key[0], value=key[1])
            .returning(t.me_handles.c.id)
        ).scalar_one()
        ctx.log_change(t.me_handles, int(mid), "insert")  # me_handles has no batch column: undo needs this
        ctx.index.me.add(key)
