"""Writing a ContactRecord: match by exact handle, fill what is missing, keep job history, queue fuzzy matches."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select, update

from tieline.ingest.context import Context, utc
from tieline.ingest.index import Key
from tieline.ingest.matching import Matcher
from tieline.records import ContactRecord, Position
from tieline.store import tables as t


def display_name(rec: ContactRecord, keys: list[Key]) -> str | None:
    name = (rec.name or " ".join(p for p in (rec.given_name, rec.family_name) if p)).strip()
    if name:
        return name
    return keys[0][1] if keys else None


def update_contact(ctx: Context, person_id: int, rec: ContactRecord, name: str, matcher: Matcher) -> None:
    """A record about someone already stored: add what is new, keep what was there, end old jobs."""
    keys = ctx.index.keys(rec.handles)
    matched = {pid for k in keys if (e := ctx.index.handles.get(k)) and (pid := e[1]) is not None}
    changed = _fill_missing(ctx, person_id, name, rec)
    for other in sorted(matched - {person_id}):
        # Two people already share this record's handles: the user decides, nothing merges silently.
        matcher.queue(ctx, person_id, other, "share handles in one record", 1.0)
    for raw in rec.handles:
        key = ctx.index.key(raw)
        if key is None:
            continue
        entry = ctx.index.handles.get(key)
        if entry is None:
            ctx.add_handle(person_id, key, raw.label, name, rec.source_key)
            changed = True
        elif entry[1] is None:
            ctx.attach(int(entry[0]), person_id)  # type: ignore[arg-type]
            changed = True
    changed |= _write_positions(ctx, person_id, rec)
    changed |= write_notes_and_tags(ctx, person_id, rec)
    if changed and person_id not in ctx.touched_people:
        ctx.counts.people_updated += 1
        ctx.touched_people.add(person_id)
    elif not changed:
        ctx.counts.unchanged += 1


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


def _fill_missing(ctx: Context, person_id: int, name: str, rec: ContactRecord) -> bool:
    row = ctx.conn.execute(select(t.people).where(t.people.c.id == person_id)).mappings().one()
    values: dict[str, object] = {}
    for column, value in (
        ("given_name", rec.given_name),
        ("family_name", rec.family_name),
        ("birthday", rec.birthday),
        ("how_met", rec.how_met),
        ("photo_ref", rec.photo_ref),
    ):
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
    ctx.log_change(t.people, person_id)
    values["updated_at"] = ctx.now
    ctx.conn.execute(update(t.people).where(t.people.c.id == person_id).values(**values))
    return True


def _write_positions(ctx: Context, person_id: int, rec: ContactRecord) -> bool:
    if not rec.positions:
        return False
    pos = t.positions
    existing = _positions(ctx, person_id)
    changed = False
    for p in rec.positions:
        if _same_position(p, existing):
            continue
        if p.end is None:
            # A new current job: the old current one ends, it is not overwritten.
            for row in existing:
                if row.end_date is None and row.organization.casefold() != p.organization.casefold():
                    ctx.log_change(pos, row.id)
                    end = p.start or ctx.now.date()
                    ctx.conn.execute(update(pos).where(pos.c.id == row.id).values(end_date=end))
        ctx.conn.execute(
            insert(pos).values(
                account_id=ctx.account_id,
                person_id=person_id,
                organization=p.organization[:300],
                title=(p.title or None) and p.title[:300],
                start_date=p.start,
                end_date=p.end,
                batch_id=ctx.batch_id,
                source_key=rec.source_key[:300],
                source_file=ctx.file,
            )
        )
        changed = True
        existing = _positions(ctx, person_id)  # end dates may have changed too
    return changed


def _positions(ctx: Context, person_id: int) -> list[Any]:
    pos = t.positions
    return list(
        ctx.conn.execute(
            select(pos.c.id, pos.c.organization, pos.c.title, pos.c.start_date, pos.c.end_date).where(
                pos.c.person_id == person_id
            )
        )
    )


def _same_position(p: Position, existing: Sequence[Any]) -> bool:
    for row in existing:
        org, title, start = row.organization, row.title, row.start_date
        if org.casefold() != p.organization.casefold():
            continue
        if p.start is not None and start is not None and p.start != start:
            continue
        if p.title and title and p.title.casefold() != title.casefold():
            continue
        return True
    return False


def write_notes_and_tags(ctx: Context, person_id: int, rec: ContactRecord) -> bool:
    changed = False
    if rec.notes:
        have = set(ctx.conn.execute(select(t.notes.c.body).where(t.notes.c.person_id == person_id)).scalars())
        for body in rec.notes:
            if body and body not in have:
                ctx.conn.execute(
                    insert(t.notes).values(
                        account_id=ctx.account_id,
                        person_id=person_id,
                        body=body,
                        created_at=ctx.now,
                        batch_id=ctx.batch_id,
                        source_key=rec.source_key[:300],
                    )
                )
                have.add(body)
                changed = True
    if rec.tags:
        have = set(ctx.conn.execute(select(t.tags.c.tag).where(t.tags.c.person_id == person_id)).scalars())
        for tag in rec.tags:
            tag = tag.strip()[:100]
            if tag and tag not in have:
                ctx.conn.execute(
                    insert(t.tags).values(
                        account_id=ctx.account_id, person_id=person_id, tag=tag, batch_id=ctx.batch_id
                    )
                )
                have.add(tag)
                changed = True
    return changed
