"""Opening the store: SQLite by default (WAL, foreign keys, BEGIN IMMEDIATE for writes), PostgreSQL by URL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import platformdirs
from sqlalchemy import Connection, Engine, create_engine, event, insert, select
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
            _sqlite_setup(engine, store.read_only)
            return engine
        engine = create_engine(url, pool_pre_ping=True, connect_args=_pg_args())
        _pg_setup(engine)
        return engine
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise TielineError(
            f"cannot use the database URL {hide_password(repr(url))}: {hide_password(str(exc))}"
        ) from None


def _pg_args() -> dict[str, Any]:
    return {"connect_timeout": 5}


def _sqlite_setup(engine: Engine, read_only: bool = False) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA secure_delete=ON")  # deleted content is overwritten, not left in free pages
        cur.execute("PRAGMA busy_timeout=30000")
        if not read_only:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("immediate") else "BEGIN")


def _pg_setup(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.info.get("immediate"):
            # Writers take turns, as SQLite's BEGIN IMMEDIATE makes them: two imports that meet the same
            # new correspondent can then neither deadlock nor both insert them (one lock per schema).
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext(current_schema()))")


def _reason(exc: OperationalError) -> str:
    text = hide_password(str(exc.orig) if exc.orig is not None else str(exc))
    return text.strip().splitlines()[0] if text.strip() else "unreachable"
