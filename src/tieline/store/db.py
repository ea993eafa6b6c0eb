"""Opening the store: SQLite by default (WAL, foreign keys, BEGIN IMMEDIATE for writes), PostgreSQL by URL."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import platformdirs
from sqlalchemy import Connection, Engine, create_engine, event, insert, select, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from tieline.errors import TielineError
from tieline.store import tables as t
from tieline.store.files import hide_password, prepare_sqlite
from tieline.store.suppressions import new_key

DEFAULT_ACCOUNT = "me"


def default_url() -> str:
    """``$TIELINE_DB``, else a SQLite file in the user data directory."""
    env = os.environ.get("TIELINE_DB")
    if env:
        return normalise_url(env)
    folder = Path(platformdirs.user_data_dir("tieline", appauthor=False))
    return f"sqlite:///{folder / 'tieline.db'}"


SUPPORTED = "a SQLite file (a path or sqlite:///path) or PostgreSQL (postgresql://user@host/database)"


def normalise_url(url: str) -> str:
    """Accept a plain file path as a SQLite database; ``postgresql://`` means psycopg 3; refuse the rest."""
    if not url.strip():
        raise TielineError(f"no database named (--db is empty): give {SUPPORTED}, or leave --db out")
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if not url.startswith(("sqlite:", "sqlite+", "postgresql+")):
        scheme = url.split("://", 1)[0]
        raise TielineError(f"{scheme} databases are not supported: give {SUPPORTED}")
    return url


class Store:
    """An engine plus the account every query is scoped to."""

    def __init__(
        self,
        url: str | None = None,
        account: str = DEFAULT_ACCOUNT,
        migrate: bool = True,
        create: bool = True,
    ) -> None:
        """``create=False`` (commands that only read): a database that does not exist is an error, not made."""
        default = url is None and not os.environ.get("TIELINE_DB")
        self.url = normalise_url(url) if url is not None else default_url()
        self.read_only = False
        # Told, once per wait, when a write must queue behind another writer (the CLI prints it).
        self.on_wait: Callable[[str], None] | None = None
        self.engine = _engine(self.url, create, default, self)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        try:
            if migrate:
                from tieline.store.migrate import at_head, upgrade

                if not at_head(self.engine):
                    self._may_migrate(create)
                    upgrade(self.engine)
                    if self.is_sqlite:
                        from tieline.store.wipe import checkpoint

                        checkpoint(self.engine, attempts=1)  # a migration may rewrite private data (hashes)
            self.account_id = self._account(account)
        except OperationalError as exc:
            raise TielineError(f"cannot open the database {self.safe_url}: {_reason(exc)}") from None

    def _may_migrate(self, create: bool) -> None:
        if self.read_only:
            raise TielineError(
                f"the database {self.safe_url} can only be read here and was made by another version of "
                "tieline: open it once where it can be written"
            )
        if not create and not self.is_sqlite:
            from sqlalchemy import inspect

            if "alembic_version" not in inspect(self.engine).get_table_names():
                raise TielineError(
                    f"no tieline database at {self.safe_url}: nothing was imported there yet (a command "
                    "that only reads never creates one; `tieline import` or `tieline people add` does)"
                )

    @property
    def safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def refuse_writes(self) -> None:
        if self.read_only:
            raise TielineError(
                f"the database {self.safe_url} is read-only here (read-only storage or no permission to "
                "write it): this command needs to change it"
            )

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: ``BEGIN IMMEDIATE`` on SQLite so writers queue instead of failing later."""
        self.refuse_writes()
        with self.engine.connect() as conn:
            conn.info["immediate"] = True
            try:
                with conn.begin():
                    yield conn
            finally:
                conn.info.pop("immediate", None)

    def _account(self, name: str) -> int:
        """The account's id; made on first use (a plain read otherwise, so a busy writer does not block it)."""
        with self.read() as conn:
            found = conn.execute(select(t.accounts.c.id).where(t.accounts.c.name == name)).scalar()
        if found is not None:
            return int(found)
        if self.read_only:
            raise TielineError(f"the database {self.safe_url} has no account {name!r}")
        with self.write() as conn:
            found = conn.execute(select(t.accounts.c.id).where(t.accounts.c.name == name)).scalar()
            if found is not None:
                return int(found)
            new = conn.execute(
                insert(t.accounts)
                .values(name=name, created_at=datetime.now(UTC), hash_key=new_key())
                .returning(t.accounts.c.id)
            ).scalar_one()
            return int(new)

    def analyze(self) -> None:
        """Refresh PostgreSQL's planner statistics of tieline's tables (after a large import: a server
        whose autovacuum is off, or has not come round yet, would otherwise plan joins over millions of
        rows as if the tables were empty). SQLite plans from its indexes alone; nothing to do there."""
        if self.is_sqlite or self.read_only:
            return

        with self.engine.connect() as conn, conn.begin():
            for table in t.metadata.sorted_tables:
                conn.execute(text(f'ANALYZE "{table.name}"'))

    def dispose(self) -> None:
        self.engine.dispose()


def _engine(url: str, create: bool, default: bool, store: Store) -> Engine:
    try:
        if url.startswith("sqlite"):
            path = url.split("///", 1)[1] if "///" in url else ""
            if path and path != ":memory:" and not path.startswith("file:"):
                store.read_only = prepare_sqlite(Path(path), create=create, default=default)
            if store.read_only:
                # A folder that cannot be written cannot hold the -shm file either: then the file is immutable.
                how = "mode=ro" if os.access(Path(path).parent, os.W_OK) else "immutable=1"
                url = f"sqlite:///file:{quote(path)}?{how}&uri=true"
            engine = create_engine(url, poolclass=NullPool if not path else None)
            _sqlite_setup(engine, store)
            return engine
        engine = create_engine(url, pool_pre_ping=True, connect_args=_pg_args())
        _pg_setup(engine, store)
        return engine
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise TielineError(
            f"cannot use the database URL {hide_password(repr(url))}: {hide_password(str(exc))}"
        ) from None


def _pg_args() -> dict[str, Any]:
    return {"connect_timeout": 5}


BUSY_WAIT_SECONDS = 30  # how long a writer queues behind another before giving up


def _sqlite_setup(engine: Engine, store: Store) -> None:
    read_only = store.read_only

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA secure_delete=ON")  # deleted content is overwritten, not left in free pages
        cur.execute(f"PRAGMA busy_timeout={BUSY_WAIT_SECONDS * 1000}")
        if not read_only:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if not conn.info.get("immediate"):
            conn.exec_driver_sql("BEGIN")
            return
        if store.on_wait is not None and not _sqlite_begin_now(conn):
            store.on_wait(_waiting_for(store))
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_begin_now(conn: Connection) -> bool:
    """Try ``BEGIN IMMEDIATE`` without waiting: False when another writer holds the database."""
    import sqlite3

    raw = conn.connection.dbapi_connection
    assert raw is not None
    raw.execute("PRAGMA busy_timeout=0")
    try:
        raw.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc) and "busy" not in str(exc):
            raise
        return False
    else:
        raw.execute("ROLLBACK")  # SQLAlchemy begins the transaction itself, just after
        return True
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_WAIT_SECONDS * 1000}")


def _waiting_for(store: Store) -> str:
    """What a writer queues behind, in words: the running import when there is one (its batch row is committed)."""
    from tieline.ingest.batch_rows import shown_status

    what = "another tieline command"
    try:
        with store.engine.connect() as conn:
            rows = conn.execute(
                select(t.batches.c.id, t.batches.c.paths, t.batches.c.started_at, t.batches.c.stats)
                .where(t.batches.c.status == "running")
                .order_by(t.batches.c.id.desc())
                .limit(20)
            ).all()
    except SQLAlchemyError:
        rows = []
    live = [r for r in rows if shown_status("running", r.stats) == "running"]
    if live:
        row = live[0]
        name = Path(str(row.paths).split("\n")[0]).name or str(row.paths)[:80]
        started = row.started_at.strftime("%H:%M") if row.started_at is not None else "earlier"
        what = f"import {row.id} ({name}, started {started})"
    return (
        f"waiting for {what} to finish writing to {store.safe_url} (up to {BUSY_WAIT_SECONDS} s at a time)…"
    )


def _pg_setup(engine: Engine, store: Store) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if not conn.info.get("immediate"):
            return
        # Writers take turns, as SQLite's BEGIN IMMEDIATE makes them: two imports that meet the same
        # new correspondent can then neither deadlock nor both insert them (one lock per schema).
        if store.on_wait is not None:
            got = conn.exec_driver_sql(
                "SELECT pg_try_advisory_xact_lock(hashtext(current_schema()))"
            ).scalar()
            if got:
                return
            store.on_wait(_waiting_for(store))
        conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext(current_schema()))")


def _reason(exc: OperationalError) -> str:
    text = hide_password(str(exc.orig) if exc.orig is not None else str(exc))
    return text.strip().splitlines()[0] if text.strip() else "unreachable"
