"""The records of one chunk, about new and stored people alike, compared and written together.

A re-import mostly finds nothing new, so its cost is in looking. The chunk's stored people, jobs,
notes and tags are read with one query each (a new person's row is built in memory); every record
is compared with them in memory, in file order, so a second record about the same person sees what
the first one added; and only what changed is written, one statement per table. Before-images for
undo are read whole, once per changed stored row, just before it is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update

from tieline.ingest.context import Context, to_json, utc
from tieline.ingest.index import Key
from tieline.ingest.matching import Matcher
from tieline.records import ContactRecord, Position
from tieline.store import tables as t
from tieline.store.ids import allocate

# Columns a record fills only where nothing is stored yet.
FILLED = ("given_name", "family_name", "birthday", "how_met", "photo_ref")

Row = dict[str, Any]
PEOPLE_COMPARED = tuple(t.people.c[name] for name in ("id", "name", *FILLED, "connected_on"))
POSITIONS_COMPARED = tuple(
    t.positions.c[name] for name in ("id", "person_id", "organization", "title", "start_date", "end_date")
)


@dataclass
class Update:
    person_id: int
    record: ContactRecord
    name: str
    keys: list[Key]


class Chunk:
    """The stored rows of one chunk's people, kept in step as its records are applied, and what to write."""

    def __init__(
        self, ctx: Context, matcher: Matcher, queued: Sequence[Update], fresh: dict[int, Row]
    ) -> None:
        self.ctx = ctx
        self.matcher = matcher
        p, pos = t.people, t.positions
        self.fresh = fresh  # new people's rows, inserted when the chunk is written
        self.attach_later: list[tuple[int, int]] = []  # stored handles that go to one of them
        stored = [u for u in queued if u.person_id not in fresh]
        # Only the columns compared: whole rows are read for the few that change (their before-images).
        self.people = {
            row["id"]: row for row in _rows(ctx, PEOPLE_COMPARED, p.c.id, {u.person_id for u in stored})
        }
        self.people.update(fresh)
        self.positions: dict[int, list[Row]] = defaultdict(list)
        for row in _rows(ctx, POSITIONS_COMPARED, pos.c.person_id, _having(stored, "positions")):
            self.positions[row["person_id"]].append(row)
        self.notes: dict[int, set[str]] = defaultdict(set)
        for row in _rows(
            ctx, (t.notes.c.person_id, t.notes.c.body), t.notes.c.person_id, _having(stored, "notes")
        ):
            self.notes[row["person_id"]].add(row["body"])
        self.tags: dict[int, set[str]] = defaultdict(set)
        for row in _rows(
            ctx, (t.tags.c.person_id, t.tags.c.tag), t.tags.c.person_id, _having(stored, "tags")
        ):
            self.tags[row["person_id"]].add(row["tag"])
        self.added: dict[Key, int] = {}  # handles this chunk adds, and whose
        self.changed_columns: dict[int, set[str]] = {}
        self.logged: dict[Table, set[int]] = {p: set(), pos: set()}  # rows whose before-image undo needs
        self.handle_rows: list[Row] = []
        self.ended: list[Row] = []
        self.position_rows: list[Row] = []
        self.note_rows: list[Row] = []
        self.tag_rows: list[Row] = []

    def apply(self, u: Update) -> None:
        """A record about someone already stored: add what is new, keep what was there, end old jobs."""
        ctx, person_id, rec = self.ctx, u.person_id, u.record
        # A phone number is weak: sharing one is weighed when the file ends (ingest/phones.py).
        matched = {pid for k in u.keys if k[0] != "phone" and (pid := self._owner(k)) is not None}
        changed = self._fill_missing(person_id, u.name, rec)
        for other in sorted(matched - {person_id}):
            # Two people already share this record's handles: the user decides, nothing merges silently.
            self.matcher.queue(ctx, person_id, other, "share handles in one record", 1.0)
        for raw in rec.handles:
            key = ctx.index.key(raw)
            if key is None or key in self.added:
                continue
            entry = ctx.index.handles.get(key)
            if entry is None:
                self._add_handle(person_id, key, raw.label, u.name, rec.source_key)
                changed = True
            elif entry[1] is None:
                if person_id in self.fresh:
                    # Their row is inserted when the chunk is written: attach then, but own it from now.
                    self.attach_later.append((int(entry[0]), person_id))  # type: ignore[arg-type]
                    entry[1] = person_id
                else:
                    ctx.attach(int(entry[0]), person_id)  # type: ignore[arg-type]
                changed = True
        changed |= self._write_positions(person_id, rec)
        changed |= self._write_notes_and_tags(person_id, rec)
        if person_id in self.fresh:
            return  # counted as created
        if changed and person_id not in ctx.touched_people:
            ctx.counts.people_updated += 1
            ctx.touched_people.add(person_id)
        elif not changed:
            ctx.counts.unchanged += 1

    def write(self) -> None:
        """Everything the chunk changed, one statement per table and set of columns."""
        ctx, conn = self.ctx, self.ctx.conn
        if self.fresh:
            conn.execute(insert(t.people), list(self.fresh.values()))
        for handle_id, person_id in self.attach_later:
            ctx.attach(handle_id, person_id)
        self._keep_before_images()
        by_columns: dict[tuple[str, ...], list[Row]] = defaultdict(list)
        for pid, columns in self.changed_columns.items():
            row = self.people[pid]
            cols = tuple(sorted(columns))
            by_columns[cols].append({"_id": pid, **{f"_{c}": row[c] for c in cols}})
        for cols, params in by_columns.items():
            stmt = (
                update(t.people)
                .where(t.people.c.id == bindparam("_id"))
                .values({c: bindparam(f"_{c}") for c in cols})
            )
            conn.execute(stmt, params)
        if self.handle_rows:
            ids = allocate(conn, t.handles, len(self.handle_rows))
            for hid, row in zip(ids, self.handle_rows, strict=True):
                row["id"] = hid
            conn.execute(insert(t.handles), self.handle_rows)
            for hid, row in zip(ids, self.handle_rows, strict=True):
                ctx.index.put((row["kind"], row["value"]), hid, row["person_id"])
                ctx.new_handles.add(hid)
            ctx.counts.handles_added += len(ids)
        if self.ended:
            pos = t.positions
            stmt = update(pos).where(pos.c.id == bindparam("_id")).values(end_date=bindparam("_end"))
            conn.execute(stmt, self.ended)
        for table, rows in (
            (t.positions, self.position_rows),
            (t.notes, self.note_rows),
            (t.tags, self.tag_rows),
        ):
            if rows:
                conn.execute(insert(table), rows)

    def _owner(self, key: Key) -> int | None:
        if key in self.added:
            return self.added[key]
        entry = self.ctx.index.handles.get(key)
        return entry[1] if entry is not None else None

    def _keep_before_images(self) -> None:
        """The whole rows this chunk is about to change, as they are now, so the batch can be undone."""
        images: list[Row] = []
        for table, ids in self.logged.items():
            for row in _rows(self.ctx, tuple(table.c), table.c.id, ids):
                images.append(
                    {
                        "account_id": self.ctx.account_id,
                        "batch_id": self.ctx.batch_id,
                        "table_name": table.name,
                        "row_id": row["id"],
                        "op": "update",
                        "before": to_json(row),
                    }
                )
        if images:
            self.ctx.conn.execute(insert(t.changes), images)

    def _fill_missing(self, person_id: int, name: str, rec: ContactRecord) -> bool:
        row = self.people[person_id]
        values: dict[str, object] = {}
        for column in FILLED:
            value = getattr(rec, column)
            if value and not row[column]:
                values[column] = value
        if rec.connected_on is not None:
            old = utc(row["connected_on"])
            new = utc(rec.connected_on)
            if old is None or (new is not None and new < old):
                values["connected_on"] = rec.connected_on
        # A name that was only a handle (an address seen in mail) gives way to a real one.
        if row["name"] and "@" in row["name"] and "@" not in name:
            values["name"] = name
        if not values:
            return False
        if person_id in self.fresh:  # not written yet: the row is inserted as it ends up
            row.update(values)
            return True
        self.logged[t.people].add(person_id)
        values["updated_at"] = self.ctx.now
        row.update(values)
        self.changed_columns.setdefault(person_id, set()).update(values)
        return True

    def _add_handle(self, person_id: int, key: Key, label: str | None, name: str, source_key: str) -> None:
        ctx = self.ctx
        self.added[key] = person_id
        self.handle_rows.append(
            {
                "account_id": ctx.account_id,
                "person_id": person_id,
                "kind": key[0],
                "value": key[1],
                "label": (label or None) and label[:60],
                "display_name": (name or None) and name[:300],
                "batch_id": ctx.batch_id,
                "source_key": source_key[:300],
                "source_file": ctx.file,
            }
        )

    def _write_positions(self, person_id: int, rec: ContactRecord) -> bool:
        if not rec.positions:
            return False
        ctx = self.ctx
        existing = self.positions[person_id]
        changed = False
        for p in rec.positions:
            if same_position(p, existing):
                continue
            if p.end is None:
                # A new current job: the old current one ends, it is not overwritten.
                for row in existing:
                    if (
                        row["end_date"] is None
                        and row["organization"].casefold() != p.organization.casefold()
                    ):
                        if "id" in row:  # stored before this chunk; a row of this chunk is inserted ended
                            self.logged[t.positions].add(row["id"])
                            self.ended.append({"_id": row["id"], "_end": p.start or ctx.now.date()})
                        row["end_date"] = p.start or ctx.now.date()
            new = {
                "account_id": ctx.account_id,
                "person_id": person_id,
                "organization": p.organization[:300],
                "title": (p.title or None) and p.title[:300],
                "start_date": p.start,
                "end_date": p.end,
                "batch_id": ctx.batch_id,
                "source_key": rec.source_key[:300],
                "source_file": ctx.file,
            }
            self.position_rows.append(new)
            existing.append(new)
            changed = True
        return changed

    def _write_notes_and_tags(self, person_id: int, rec: ContactRecord) -> bool:
        ctx = self.ctx
        changed = False
        if rec.notes:
            have = self.notes[person_id]
            for body in rec.notes:
                if body and body not in have:
                    self.note_rows.append(
                        {
                            "account_id": ctx.account_id,
                            "person_id": person_id,
                            "body": body,
                            "created_at": ctx.now,
                            "batch_id": ctx.batch_id,
                            "source_key": rec.source_key[:300],
                        }
                    )
                    have.add(body)
                    changed = True
        if rec.tags:
            have = self.tags[person_id]
            for tag in rec.tags:
                tag = tag.strip()[:100]
                if tag and tag not in have:
                    self.tag_rows.append(
                        {
                            "account_id": ctx.account_id,
                            "person_id": person_id,
                            "tag": tag,
                            "batch_id": ctx.batch_id,
                        }
                    )
                    have.add(tag)
                    changed = True
        return changed


def same_position(p: Position, existing: Sequence[Row]) -> bool:
    """Whether a job is already stored: same organisation, and no start date or title that differs."""
    for row in existing:
        org, title, start = row["organization"], row["title"], row["start_date"]
        if org.casefold() != p.organization.casefold():
            continue
        if p.start is not None and start is not None and p.start != start:
            continue
        if p.title and title and p.title.casefold() != title.casefold():
            continue
        return True
    return False


def _having(queued: Sequence[Update], what: str) -> set[int]:
    return {u.person_id for u in queued if getattr(u.record, what)}


def _rows(ctx: Context, columns: Sequence[Any], key: Any, ids: set[int]) -> list[Row]:
    """The rows whose ``key`` is one of ``ids``, as dicts, in id order."""
    if not ids:
        return []
    query = select(*columns).where(key.in_(sorted(ids))).order_by(key.table.c.id)
    names = [c.name for c in columns]
    return [dict(zip(names, row, strict=True)) for row in ctx.conn.execute(query).all()]
