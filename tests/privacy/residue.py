"""Every byte a store keeps: the SQLite files (database, -wal, -shm) or a dump of the PostgreSQL schema."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url


def sqlite_path(url: str) -> Path:
    return Path(url.split("///", 1)[1])


def pg_schema(url: str) -> str:
    options = unquote(make_url(url).query.get("options", ""))  # type: ignore[arg-type]
    return options.split("search_path=", 1)[1]


def store_bytes(url: str) -> bytes:
    """What someone with the files (or the server's dump) could read, lower-cased for searching."""
    if url.startswith("sqlite"):
        db = sqlite_path(url)
        files = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
        return b"".join(f.read_bytes() for f in files if f.exists()).lower()
    schema = pg_schema(url)
    plain = make_url(url).set(drivername="postgresql", query={})
    if shutil.which("pg_dump"):
        dump = subprocess.run(
            ["pg_dump", "--no-owner", "-n", schema, plain.render_as_string(hide_password=False)],
            capture_output=True,
            check=True,
            timeout=60,
        )
        return dump.stdout.lower()
    engine = create_engine(url)  # no pg_dump: every row of every table in the schema
    out: list[bytes] = []
    with engine.connect() as conn:
        for name in inspect(conn).get_table_names(schema=schema):
            for row in conn.execute(text(f'select * from "{schema}"."{name}"')):
                out.append(repr(tuple(row)).encode())
    engine.dispose()
    return b"\n".join(out).lower()


def hits(url: str, words: list[str]) -> dict[str, int]:
    """How often each word appears anywhere in the store (case-insensitive); only words found."""
    blob = store_bytes(url)
    found = {w: blob.count(w.lower().encode()) for w in words}
    return {w: n for w, n in found.items() if n}
