"""What one batch carries while it writes: the connection, the batch id, the index, the counts."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, insert, select, update

from tieline.store import tables as t

if TYPE_CHECKING:  # read commands import utc() from here: they must not pay for phonenumbers' geodata
    from tieline.ingest.index import HandleIndex, Key


@dataclass
class Counts:
    people_created: int = 0
    people_updated: int = 0
    handles_added: int = 0
    interactions_created: int = 0
    skipped: int = 0
    unchanged: int = 0
    merge_candidates: int = 0
    skip_reasons: dict[str, int] = field(default_factory=dict)
    merged: list[dict[str, object]] = field(default_factory=list)  # automatic merges, each undoable
    notes: dict[str, int] = field(default_factory=dict)  # what the user should know, counted

    def restore(self, other: Counts) -> None:
        """Go back to ``other`` (what was committed), e.g. when a file's chunks are taken back."""
        for name, value in vars(copy.deepcopy(other)).items():
            setattr(self, name, value)

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.skip_reasons[reason] = self.skip_reasons.get(reason, 0) + 1

    def note(self, what: str, n: int = 1) -> None:
        self.notes[what] = self.notes.get(what, 0) + n


@dataclass
class Context:
    conn: Connection
    account_id: int
    batch_id: int
    index: HandleIndex
    counts: Counts
    now: datetime
    content: bool = True
    create_people: bool = False
    touched_people: set[int] = field(default_factory=set)
    file: str | None = None  # the file being read, as the user named it (provenance)
    new_handles: set[int] = field(default_factory=set)  # written by this batch: undo deletes them outright

    def log_change(self, table: Table, row_id: int, op: str = "update") -> None:
        """Keep the row's before-image so the batch can be undone exactly."""
        row = self.conn.execute(select(table).where(table.c.id == row_id)).mappings().one()
        self.conn.execute(
            insert(t.changes).values(
                account_id=self.account_id,
                batch_id=self.batch_id,
                table_name=table.name,
                row_id=row_id,
                op=op,
                before=to_json(dict(row)),
            )
        )

    def add_handle(
        self, person_id: int | None, key: Key, label: str | None, name: str | None, source_key: str
    ) -> int:
        hid = self.conn.execute(
            insert(t.handles)
            .values(
                account_id=self.account_id,
                person_id=person_id,
                kind=key[0],
                value=key[1],
                label=(label or None) and label[:60],
                display_name=(name or None) and name[:300],
                batch_id=self.batch_id,
                source_key=source_key[:300],
                source_file=self.file,
            )
            .returning(t.handles.c.id)
        ).scalar_one()
        self.index.put(key, int(hid), person_id)
        self.new_handles.add(int(hid))
        self.counts.handles_added += 1
        return int(hid)

    def attach(self, handle_id: int, person_id: int) -> None:
        """A handle seen before only in one-way traffic now belongs to a person; its history follows it."""
        if handle_id not in self.new_handles:  # written by this batch: undo deletes it outright
            self.log_change(t.handles, handle_id)
        self.conn.execute(update(t.handles).where(t.handles.c.id == handle_id).values(person_id=person_id))
        self.conn.execute(
            update(t.participants).where(t.participants.c.handle_id == handle_id).values(person_id=person_id)
        )
        self.index.by_id[handle_id][1] = person_id

    def new_person(self, name: str, **fields: Any) -> int:
        pid = self.conn.execute(
            insert(t.people)
            .values(
                account_id=self.account_id,
                name=name[:300],
                created_at=self.now,
                updated_at=self.now,
                batch_id=self.batch_id,
                **fields,
            )
            .returning(t.people.c.id)
        ).scalar_one()
        self.counts.people_created += 1
        self.touched_people.add(int(pid))
        return int(pid)


def to_json(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in row.items():
        if isinstance(v, datetime):
            out[k] = {"$dt": v.isoformat()}
        elif isinstance(v, date):
            out[k] = {"$d": v.isoformat()}
        else:
            out[k] = v
    return out


def from_json(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in row.items():
        if isinstance(v, dict) and "$dt" in v:
            out[k] = datetime.fromisoformat(v["$dt"])
        elif isinstance(v, dict) and "$d" in v:
            out[k] = date.fromisoformat(v["$d"])
        else:
            out[k] = v
    return out


def utc(dt: datetime | None) -> datetime | None:
    """Datetimes come back naive from SQLite: they were stored as UTC."""
    if dt is None:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
