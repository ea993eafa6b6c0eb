"""Taking the data elsewhere: `tieline export vcard|csv|json PATH [--query Q]`.

Everything is read with a few queries for all the people at once; files are written with mode 0600,
whole or not at all.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, and_, select

from tieline.errors import TielineError
from tieline.export import table, vcard
from tieline.ingest.context import utc
from tieline.services import people as people_service
from tieline.store import tables as t
from tieline.store.db import Store
from tieline.store.files import private_text

FORMAT = "tieline-export"
VERSION = 1


def export_vcard(store: Store, path: Path, query: str | None = None, version: int = 4) -> int:
    if version not in (3, 4):
        raise TielineError("--vcard-version is 3 or 4")
    chosen = gather(store, query)

    def write(out: IO[str]) -> None:
        for text in vcard.cards(chosen, version):
            out.write(text)

    _write(path, write)
    return len(chosen)


def export_csv(store: Store, path: Path, query: str | None = None, raw: bool = False) -> int:
    chosen = gather(store, query, with_ties=True)
    _write(path, lambda out: table.write(out, chosen, raw))
    return len(chosen)


def export_json(store: Store, path: Path, query: str | None = None) -> int:
    chosen = gather(store, query, with_ties=True)
    with store.read() as conn:
        history = interactions(conn, store.account_id, {p["id"] for p in chosen})
        m = t.me_handles
        me = [
            {"kind": r.kind, "value": r.value}
            for r in conn.execute(
                select(m.c.kind, m.c.value).where(m.c.account_id == store.account_id).order_by(m.c.id)
            )
        ]
    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": datetime.now(UTC).isoformat(),
        "query": query,
        "me": me,
        "people": chosen,
        "interactions": history,
    }
    _write(path, lambda out: json.dump(document, out, ensure_ascii=False, indent=1, default=_plain))
    return len(chosen)


def gather(store: Store, query: str | None = None, with_ties: bool = False) -> list[dict[str, Any]]:
    """Every matching person with everything tieline knows about them (the export's ``people``)."""
    if with_ties:
        listed = people_service.listing(store, query)
        ties = {
            r["id"]: {k: r.get(k) for k in ("strength", "p_call", "layer", "state", "last_contact")}
            for r in listed
        }
        ids = [r["id"] for r in listed]
    else:
        with store.read() as conn:
            ids = [r["id"] for r in people_service.summaries(conn, store.account_id, query)]
        ties = {}
    wanted = set(ids)
    with store.read() as conn:
        found = _people(conn, store.account_id, wanted)
    out = []
    for pid in ids:
        person = found[pid]
        if with_ties:
            person["tie"] = ties.get(pid)
        out.append(person)
    return out


def _people(conn: Connection, account_id: int, wanted: set[int]) -> dict[int, dict[str, Any]]:
    p = t.people
    names = {r.id: r.name for r in conn.execute(select(p.c.id, p.c.name).where(p.c.account_id == account_id))}
    found: dict[int, dict[str, Any]] = {}
    for r in conn.execute(select(p).where(p.c.account_id == account_id).order_by(p.c.id)).mappings():
        if r["id"] not in wanted:
            continue
        found[r["id"]] = {
            "id": r["id"],
            "uid": f"{account_id}:{r['id']}",
            "name": r["name"],
            "given_name": r["given_name"],
            "family_name": r["family_name"],
            "birthday": _plain(r["birthday"]),
            "connected_on": _plain(utc(r["connected_on"])),
            "how_met": r["how_met"],
            "why_connected": r["why_connected"],
            "introduced_by": names.get(r["introduced_by_id"]) if r["introduced_by_id"] else None,
            "relationship": r["relationship"],
            "closeness": r["closeness"],
            "would_take_call": r["would_take_call"],
            "created_at": _plain(utc(r["created_at"])),
            "handles": [],
            "positions": [],
            "notes": [],
            "tags": [],
        }
    for row in _rows(conn, t.handles, account_id, t.handles.c.id):
        if row["person_id"] in found and not row["value"].startswith("name:"):
            found[row["person_id"]]["handles"].append(
                {"kind": row["kind"], "value": row["value"], "label": row["label"]}
            )
    pos = t.positions
    for row in _rows(conn, pos, account_id, pos.c.start_date.is_(None), pos.c.start_date, pos.c.id):
        if row["person_id"] in found:
            found[row["person_id"]]["positions"].append(
                {
                    "organization": row["organization"],
                    "title": row["title"],
                    "start": _plain(row["start_date"]),
                    "end": _plain(row["end_date"]),
                }
            )
    for row in _rows(conn, t.notes, account_id, t.notes.c.id):
        if row["person_id"] in found:
            found[row["person_id"]]["notes"].append(row["body"])
    for row in _rows(conn, t.tags, account_id, t.tags.c.tag):
        if row["person_id"] in found:
            found[row["person_id"]]["tags"].append(row["tag"])
    return found


def interactions(conn: Connection, account_id: int, wanted: set[int]) -> list[dict[str, Any]]:
    """Every interaction with any of ``wanted``, oldest first, with who took part."""
    pa, h = t.participants, t.handles
    handle_of = {
        r.id: f"{r.kind}:{r.value}"
        for r in conn.execute(select(h.c.id, h.c.kind, h.c.value).where(h.c.account_id == account_id))
        if not r.value.startswith("name:")
    }
    members: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in conn.execute(select(pa).where(pa.c.account_id == account_id).order_by(pa.c.id)).mappings():
        members[r["interaction_id"]].append(
            {"person_id": r["person_id"], "handle": handle_of.get(r["handle_id"]), "role": r["role"]}
        )
    i = t.interactions
    out = []
    for r in conn.execute(
        select(i).where(i.c.account_id == account_id).order_by(i.c.happened_at, i.c.id)
    ).mappings():
        who = members.get(r["id"], [])
        if not any(m["person_id"] in wanted for m in who):
            continue
        out.append(
            {
                "id": r["id"],
                "when": _plain(utc(r["happened_at"])),
                "channel": r["channel"],
                "direction": r["direction"],
                "kind": r["kind"],
                "group_size": r["group_size"],
                "duration_s": r["duration_s"],
                "thread": r["thread"],
                "subject": r["subject"],
                "bulk": r["bulk"],
                "participants": who,
            }
        )
    return out


def _rows(conn: Connection, table: Any, account_id: int, *order: Any) -> Iterator[Any]:
    return iter(
        conn.execute(select(table).where(and_(table.c.account_id == account_id)).order_by(*order)).mappings()
    )


def _write(path: Path, write: Callable[[IO[str]], Any]) -> None:
    if not path.parent.is_dir():
        raise TielineError(f"cannot write {path}: the folder {path.parent} does not exist")
    partial = path.with_name(f".{path.name}.partial")
    try:
        with private_text(partial) as out:
            write(out)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
