"""Writing ContactRecords a chunk at a time, through one path for new and stored people alike.

Each record is routed to a person: one already stored (a handle or the source key is known), one
earlier in the same chunk (a shared handle or source key), or a new one. New people get a
placeholder id until the chunk is written; then every record of the chunk — about new or stored
people — is compared with the rows in memory and only what changed is written (see
:mod:`tieline.ingest.updates`). A shared name never joins anyone here; the matcher only queues
likely pairs for the user.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, select

from tieline.ingest.contacts import display_name, write_me
from tieline.ingest.context import Context
from tieline.ingest.index import Key
from tieline.ingest.matching import Matcher
from tieline.ingest.phones import PhoneHolders
from tieline.ingest.updates import Chunk, Update
from tieline.records import ContactRecord
from tieline.store import tables as t
from tieline.store.ids import allocate

CHUNK = 1000


class ContactWriter:
    def __init__(self, ctx: Context, matcher: Matcher) -> None:
        self.ctx = ctx
        self.matcher = matcher
        self.queued: list[Update] = []
        self.fresh: list[Update] = []  # the first record of each new person, placeholder -1, -2, ...
        # Handles a queued record will add or attach, and to whom: later records must find them.
        self.claimed: dict[Key, int] = {}
        self.pending_sources: dict[str, int] = {}
        self.phones = PhoneHolders()
        self.by_source: dict[str, int] = {}
        self.reload_sources()

    def reload_sources(self) -> None:
        """People by the record they came from; read again when another writer has committed."""
        ctx, p = self.ctx, t.people
        self.by_source = {
            sk: pid
            for pid, sk in ctx.conn.execute(
                select(p.c.id, p.c.source_key).where(
                    and_(p.c.account_id == ctx.account_id, p.c.source_key.is_not(None))
                )
            )
        }
        self.by_source.update(merged_sources(ctx))

    def add(self, rec: ContactRecord) -> None:
        ctx = self.ctx
        keys = ctx.index.keys(rec.handles)
        if rec.is_me:
            write_me(ctx, keys)
            return
        if any(k in ctx.index.suppressed for k in keys) or (
            # forgotten by the record it came from, unless the user has since added a handle of it by hand
            ("source", rec.source_key[:300]) in ctx.index.suppressed
            and not any(self._owner(k) is not None for k in keys)
        ):
            ctx.counts.skip("forgotten person")
            return
        name = display_name(rec, keys)
        if not name:
            ctx.counts.skip("no name and no handle")
            return
        source_key = rec.source_key[:300]
        # Only strong handles say who a record is about; a phone number is weighed when the file ends.
        person_id = self._person_of([k for k in keys if k[0] != "phone"], source_key)
        if person_id is None:
            person_id = -(len(self.fresh) + 1)
            self.pending_sources[source_key] = person_id
        update = Update(person_id, rec, name, keys)
        if person_id < 0 and -person_id > len(self.fresh):
            self.fresh.append(update)
        self.queued.append(update)
        for key in keys:
            self.phones.hold(key, update)
            entry = ctx.index.handles.get(key)
            if (entry is None or entry[1] is None) and key not in self.claimed:
                self.claimed[key] = person_id
        if len(self.fresh) >= CHUNK or len(self.queued) >= CHUNK:
            self.flush()

    def _person_of(self, keys: list[Key], source_key: str) -> int | None:
        """Who a record is about: someone new in this chunk first, then someone stored."""
        owners = [pid for k in keys if (pid := self._owner(k)) is not None]
        same = next((pid for pid in owners if pid < 0), None)
        if same is None:
            same = self.pending_sources.get(source_key)
        if same is not None:
            return same
        stored = [pid for pid in owners if pid > 0]
        return min(stored) if stored else self.by_source.get(source_key)

    def _owner(self, key: Key) -> int | None:
        entry = self.ctx.index.handles.get(key)
        if entry is not None and entry[1] is not None:
            return entry[1]
        return self.claimed.get(key)

    def finish(self) -> None:
        """Write what is held, then join or propose the people who share a phone number."""
        self.flush()
        self.phones.settle(self.ctx, self.matcher)
        self.matcher.finish(self.ctx)

    @property
    def waiting(self) -> bool:
        """Whether records are held that are not written yet."""
        return bool(self.queued)

    def flush(self) -> None:
        if not self.queued:
            return
        ctx = self.ctx
        ids = allocate(ctx.conn, t.people, len(self.fresh))
        placeholder = {-(i + 1): pid for i, pid in enumerate(ids)}
        for u in self.queued:
            u.person_id = placeholder.get(u.person_id, u.person_id)
        fresh = {u.person_id: _person_row(ctx, u) for u in self.fresh}
        chunk = Chunk(ctx, self.matcher, self.queued, fresh)
        for u in self.queued:
            chunk.apply(u)
        chunk.write()
        self.phones.written()
        ctx.counts.people_created += len(ids)
        keys: dict[int, dict[Key, None]] = {pid: {} for pid in fresh}
        for u in self.queued:
            if u.person_id in keys:
                keys[u.person_id].update(dict.fromkeys(u.keys))
        for u in self.fresh:
            ctx.touched_people.add(u.person_id)
            self.by_source[u.record.source_key[:300]] = u.person_id
            name = str(fresh[u.person_id]["name"])
            self.matcher.consider(ctx, u.person_id, name, u.record, list(keys[u.person_id]))
        self.queued = []
        self.fresh = []
        self.claimed.clear()
        self.pending_sources.clear()


def merged_sources(ctx: Context) -> dict[str, int]:
    """Source keys of people merged into someone else: their records now describe the one kept."""
    m, ch = t.merges, t.changes
    kept = {
        merged: keep
        for keep, merged in ctx.conn.execute(
            select(m.c.kept_id, m.c.merged_id).where(
                and_(m.c.account_id == ctx.account_id, m.c.undone.is_(False))
            )
        )
    }
    if not kept:
        return {}
    out: dict[str, int] = {}
    for row_id, before in ctx.conn.execute(
        select(ch.c.row_id, ch.c.before).where(
            and_(
                ch.c.account_id == ctx.account_id,
                ch.c.merge_id.is_not(None),
                ch.c.table_name == t.people.name,
                ch.c.op == "delete",
            )
        )
    ):
        key = before.get("source_key") if isinstance(before, dict) else None
        pid = kept.get(row_id)
        for _ in range(len(kept)):  # A merged into B, B later into C: A's records are C's
            if pid is None or pid not in kept:
                break
            pid = kept[pid]
        if key and pid is not None:
            out[key] = pid
    return out


def _person_row(ctx: Context, first: Update) -> dict[str, Any]:
    """A new person's row as its first record gives it; later records of the chunk fill it in memory."""
    rec = first.record
    return {
        "id": first.person_id,
        "account_id": ctx.account_id,
        "name": first.name[:300],
        "created_at": ctx.now,
        "updated_at": ctx.now,
        "batch_id": ctx.batch_id,
        "source_key": rec.source_key[:300],
        "given_name": rec.given_name,
        "family_name": rec.family_name,
        "birthday": rec.birthday,
        "connected_on": rec.connected_on,
        "how_met": rec.how_met,
        "photo_ref": rec.photo_ref,
    }
