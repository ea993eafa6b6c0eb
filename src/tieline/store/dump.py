"""An account's rows as JSON Lines, and back: the portable backup, readable on SQLite and PostgreSQL alike.

The first line says what the file is; then one line per row, table by table in the order their foreign
keys need, rows by id. Times are ISO 8601 in UTC, dates ISO 8601, JSON columns as JSON with sorted keys,
bytes in base64, so the same data always gives the same bytes whatever the backend.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Date,
    DateTime,
    LargeBinary,
    Table,
    and_,
    delete,
    func,
    insert,
    select,
    text,
    update,
)

from tieline.errors import TielineError
from tieline.store import tables as t

FORMAT = "tieline-backup"
VERSION = 1
# Per store, not per data: when the account was last backed up does not belong in a backup.
ACCOUNT_FIELDS = ("name", "created_at", "hash_key")
# Rows of the account's own. Bookkeeping keyed by account alone (which search index was built from
# what) is left out: the store rebuilds it. API tokens are credentials of this store, not data: a
# backup restored elsewhere must not let the old store's scripts in.
TABLES: tuple[Table, ...] = tuple(
    table
    for table in t.metadata.sorted_tables
    if table is not t.accounts and table is not t.api_tokens and "id" in table.c and "account_id" in table.c
)


def header(schema: str) -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION, "schema": schema}


def rows(conn: Connection, account_id: int) -> Iterator[dict[str, Any]]:
    """Every row of the account, as the lines of a backup (without the header)."""
    account = conn.execute(select(t.accounts).where(t.accounts.c.id == account_id)).mappings().one()
    yield {"table": "accounts", "row": {k: _out(t.accounts.c[k].type, account[k]) for k in ACCOUNT_FIELDS}}
    for table in TABLES:
        query = select(table).where(table.c.account_id == account_id).order_by(table.c.id)
        for row in conn.execute(query).mappings():
            yield {
                "table": table.name,
                "row": {k: _out(table.c[k].type, v) for k, v in row.items() if k != "account_id"},
            }


def line(item: dict[str, Any]) -> str:
    return json.dumps(item, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def count_rows(conn: Connection, account_id: int | None = None) -> dict[str, int]:
    """How many rows each table holds (for one account, or for all): what "empty" is judged by."""
    out: dict[str, int] = {}
    for table in TABLES:
        query = select(func.count()).select_from(table)
        if account_id is not None:
            query = query.where(table.c.account_id == account_id)
        n = int(conn.execute(query).scalar_one())
        if n:
            out[table.name] = n
    return out


def clear(conn: Connection, account_id: int) -> None:
    """Delete every row of the account (``restore --force``)."""
    for table in reversed(TABLES):
        conn.execute(delete(table).where(table.c.account_id == account_id))


def load(conn: Connection, account_id: int, items: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Write the rows of a backup into the (empty) account, keeping their ids; returns rows per table."""
    by_name = {table.name: table for table in TABLES}
    counts: dict[str, int] = {}
    chunk: list[dict[str, Any]] = []
    current: Table | None = None
    later: list[tuple[Table, int, dict[str, Any]]] = []  # references to rows of the same table, set last

    def flush() -> None:
        if current is not None and chunk:
            conn.execute(insert(current), chunk)
            chunk.clear()

    for item in items:
        name = item.get("table")
        if name == "accounts":
            fields = {k: _in(t.accounts.c[k].type, v) for k, v in item["row"].items() if k in ACCOUNT_FIELDS}
            fields.pop("name", None)  # the account restored into keeps its own name
            conn.execute(update(t.accounts).where(t.accounts.c.id == account_id).values(**fields))
            continue
        table = by_name.get(str(name))
        if table is None:
            raise TielineError(f"a row of an unknown table {name!r}")
        if table is not current:
            flush()
            current = table
        row = {k: _in(table.c[k].type, v) for k, v in item["row"].items() if k in table.c}
        row["account_id"] = account_id
        for col in _self_references(table):
            if row.get(col) is not None:
                later.append((table, int(row["id"]), {col: row[col]}))
                row[col] = None
        chunk.append(row)
        counts[table.name] = counts.get(table.name, 0) + 1
        if len(chunk) >= 2000:
            flush()
    flush()
    for table, rid, values in later:
        conn.execute(update(table).where(table.c.id == rid).values(**values))
    if counts.get(t.participants.name):
        _participant_times(conn, account_id)
    if conn.dialect.name == "postgresql":
        for table in TABLES:  # the next id after the highest restored one
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"GREATEST((SELECT MAX(id) FROM {table.name}), 1))"
                )
            )
    return counts


def _participant_times(conn: Connection, account_id: int) -> None:
    """A backup made before participants kept their interaction's time (schema 0018): copy it now."""
    pa, i = t.participants, t.interactions
    conn.execute(
        update(pa)
        .where(and_(pa.c.account_id == account_id, pa.c.happened_at.is_(None)))
        .values(happened_at=select(i.c.happened_at).where(i.c.id == pa.c.interaction_id).scalar_subquery())
    )


def _self_references(table: Table) -> list[str]:
    return [c.name for c in table.c for fk in c.foreign_keys if fk.column.table is table]


def _out(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(kind, DateTime) and isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).isoformat()
    if isinstance(kind, Date) and isinstance(value, date):
        return value.isoformat()
    if isinstance(kind, JSON) and isinstance(value, str):
        return json.loads(value)
    if isinstance(kind, LargeBinary):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _in(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value)
    return value
