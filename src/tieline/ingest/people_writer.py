"""Writing ContactRecords in bulk: new people are gathered and inserted a thousand at a time.

A record whose handle (or source key) is already stored updates that person; such records are
queued and compared and written a chunk at a time too (see :mod:`tieline.ingest.updates`). Every
other record becomes a new person — unless a record earlier in the same chunk shares a handle with
it, in which case the two are the same person. A shared name never joins anyone here; the matcher
only queues likely pairs for the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, insert, select

from tieline.ingest.contacts import display_name, write_me
from tieline.ingest.context import Context
from tieline.ingest.index import Key
from tieline.ingest.matching import Matcher
from tieline.ingest.updates import Updates
from tieline.records import ContactRecord
from tieline.store import tables as t
from tieline.store.ids import allocate

CHUNK = 1000


@dataclass
class NewPerson:
    name: str
    record: ContactRecord
    keys: list[tuple[Key, str | None]] = field(default_factory=list)
    more: list[ContactRecord] = field(
        default_factory=list
    )  # later records in the chunk about the same person


class ContactWriter:
    def __init__(self, ctx: Context, matcher: Matcher) -> None:
        self.ctx = ctx
        self.matcher = matcher
        self.pending: list[NewPerson] = []
        self.pending_keys: dict[Key, int] = {}
        self.pending_sources: dict[str, int] = {}
        self.updates = Updates(ctx, matcher)
        p = t.people
        self.by_source: dict[str, int] = {
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
        if (
            any(k in ctx.index.suppressed for k in keys)
            or ("source", rec.source_key[:300]) in ctx.index.suppressed
        ):
            ctx.counts.skip("forgotten person")
            return
        name = display_name(rec, keys)
        if not name:
            ctx.counts.skip("no name and no handle")
            return
        source_key = rec.source_key[:300]
        same = next((self.pending_keys[k] for k in keys if k in self.pending_keys), None)
        if same is None:
            same = self.pending_sources.get(source_key)
        if same is not None:
            pending = self.pending[same]
            # As for a stored person: a name that was only a handle gives way to a real one.
            if "@" in pending.name and "@" not in name:
                pending.name = name
            self._join(same, rec, keys)
            return
        stored = [pid for k in keys if (pid := self.updates.owner(k)) is not None]
        person_id = min(stored) if stored else self.by_source.get(source_key)
        if person_id is not None:
            self.updates.add(person_id, rec, name, keys)
            if len(self.updates.queued) >= CHUNK:
                self.updates.flush()
            return
        new = NewPerson(name, rec)
        self.pending.append(new)
        self.pending_sources[source_key] = len(self.pending) - 1
        self._join(len(self.pending) - 1, rec, keys, first=True)
        if len(self.pending) >= CHUNK:
            self.flush()

    def _join(self, i: int, rec: ContactRecord, keys: list[Key], first: bool = False) -> None:
        new = self.pending[i]
        if not first:
            new.more.append(rec)
        labels = {self.ctx.index.key(h): h.label for h in rec.handles}
        for k in keys:
            if k not in self.pending_keys:
                self.pending_keys[k] = i
                new.keys.append((k, labels.get(k)))

    @property
    def waiting(self) -> bool:
        """Whether records are held that are not written yet."""
        return bool(self.pending or self.updates.queued)

    def flush(self) -> None:
        # Updates first: they came before the newest of the pending people, and the matcher may look.
        self.updates.flush()
        if not self.pending:
            return
        ctx = self.ctx
        rows = [_person_row(ctx, new) for new in self.pending]
        ids = allocate(ctx.conn, t.people, len(rows))
        for pid, row in zip(ids, rows, strict=True):
            row["id"] = pid
        ctx.conn.execute(insert(t.people), rows)
        ctx.counts.people_created += len(ids)
        handle_rows: list[dict[str, Any]] = []
        handle_keys: list[tuple[Key, int]] = []
        position_rows: list[dict[str, Any]] = []
        for pid, new in zip(ids, self.pending, strict=True):
            ctx.touched_people.add(pid)
            self.by_source[new.record.source_key[:300]] = pid
            for key, label in new.keys:
                entry = ctx.index.handles.get(key)
                if entry is None:
                    handle_rows.append(
                        {
                            "account_id": ctx.account_id,
                            "person_id": pid,
                            "kind": key[0],
                            "value": key[1],
                            "label": (label or None) and label[:60],
                            "display_name": new.name[:300],
                            "batch_id": ctx.batch_id,
                            "source_key": new.record.source_key[:300],
                            "source_file": ctx.file,
                        }
                    )
                    handle_keys.append((key, pid))
                elif entry[1] is None:
                    ctx.attach(int(entry[0]), pid)  # type: ignore[arg-type]
            seen: set[tuple[str, str | None, object]] = set()
            for rec in (new.record, *new.more):
                for pos in rec.positions:
                    mark = (pos.organization.casefold(), (pos.title or "").casefold() or None, pos.start)
                    if mark in seen:
                        continue
                    seen.add(mark)
                    position_rows.append(
                        {
                            "account_id": ctx.account_id,
                            "person_id": pid,
                            "organization": pos.organization[:300],
                            "title": (pos.title or None) and pos.title[:300],
                            "start_date": pos.start,
                            "end_date": pos.end,
                            "batch_id": ctx.batch_id,
                            "source_key": rec.source_key[:300],
                            "source_file": ctx.file,
                        }
                    )
        if handle_rows:
            hids = allocate(ctx.conn, t.handles, len(handle_rows))
            for hid, row in zip(hids, handle_rows, strict=True):
                row["id"] = hid
            ctx.conn.execute(insert(t.handles), handle_rows)
            for hid, (key, pid) in zip(hids, handle_keys, strict=True):
                ctx.index.put(key, int(hid), pid)
            ctx.counts.handles_added += len(hids)
        if position_rows:
            ctx.conn.execute(insert(t.positions), position_rows)
        note_rows: list[dict[str, Any]] = []
        tag_rows: list[dict[str, Any]] = []
        for pid, new in zip(ids, self.pending, strict=True):
            bodies: set[str] = set()
            tags: set[str] = set()
            for rec in (new.record, *new.more):
                for body in rec.notes:
                    if body and body not in bodies:
                        bodies.add(body)
                        note_rows.append(
                            {
                                "account_id": ctx.account_id,
                                "person_id": pid,
                                "body": body,
                                "created_at": ctx.now,
                                "batch_id": ctx.batch_id,
                                "source_key": rec.source_key[:300],
                            }
                        )
                for tag in rec.tags:
                    tag = tag.strip()[:100]
                    if tag and tag not in tags:
                        tags.add(tag)
                        tag_rows.append(
                            {
                                "account_id": ctx.account_id,
                                "person_id": pid,
                                "tag": tag,
                                "batch_id": ctx.batch_id,
                            }
                        )
            self.matcher.consider(ctx, pid, new.name, new.record, [k for k, _ in new.keys])
        if note_rows:
            ctx.conn.execute(insert(t.notes), note_rows)
        if tag_rows:
            ctx.conn.execute(insert(t.tags), tag_rows)
        self.pending.clear()
        self.pending_keys.clear()
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


def _person_row(ctx: Context, new: NewPerson) -> dict[str, Any]:
    rec = new.record
    values: dict[str, Any] = {
        "given_name": rec.given_name,
        "family_name": rec.family_name,
        "birthday": rec.birthday,
        "connected_on": rec.connected_on,
        "how_met": rec.how_met,
        "photo_ref": rec.photo_ref,
    }
    for more in new.more:  # fill what the first record lacked
        for k, v in (
            ("given_name", more.given_name),
            ("family_name", more.family_name),
            ("birthday", more.birthday),
            ("how_met", more.how_met),
            ("photo_ref", more.photo_ref),
        ):
            if values[k] is None and v:
                values[k] = v
        if more.connected_on and (
            values["connected_on"] is None or more.connected_on < values["connected_on"]
        ):
            values["connected_on"] = more.connected_on
    return {
        "account_id": ctx.account_id,
        "name": new.name[:300],
        "created_at": ctx.now,
        "updated_at": ctx.now,
        "batch_id": ctx.batch_id,
        "source_key": rec.source_key[:300],
        **values,
    }
