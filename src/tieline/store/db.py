"""Opening the store: SQLite by default (WAL, foreign keys, BEGIN IMMEDIATE for writes), PostgreSQL by URL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Connection, Engine, create_engine, event, insert, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from tieline.errors import TielineError
from tieline.store import tables as t
from tieline.store.suppressions import new_key

DEFAULT_ACCOUNT = "me"


def default_url() -> str:
    """``$TIELINE_DB``, else a SQLite file in the user data directory."""
    env = os.environ.get("TIELINE_DB")
    if env:
        return normalise_url(env)
    folder = Path(platformdirs.user_data_dir("tieline", appauthor=False))
    return f"sqlite:///{folder / 'tieline.db'}"


def normalise_url(url: str) -> str:
    """Accept a plain file path as a SQLite database; ``postgresql://`` means psycopg 3."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class Store:
    """An engine plus the account every query is scoped to."""

    def __init__(self, url: str | None = None, account: str = DEFAULT_ACCOUNT, migrate: bool = True) -> None:
        self.url = normalise_url(url) if url else default_url()
        self.engine = _engine(self.url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        try:
            if migrate:
                from tieline.store.migrate import at_head, upgrade

                if not at_head(self.engine):
                    upgrade(self.engine)
                    if self.is_sqlite:
                        from tieline.store.wipe import checkpoint

                        checkpoint(self.engine, attempts=1)  # a migration may rewrite private data (hashes)
            self.account_id = self._account(account)
        except OperationalError as exc:
            raise TielineError(f"cannot open the database {self.safe_url}: {_reason(exc)}") from None

    @property
    def safe_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: ``BEGIN IMMEDIATE`` on SQLite so writers queue instead of failing later."""
        with self.engine.connect() as conn:
            conn.info["immediate"] = True
            try:
                with conn.begin():
                    yield conn
            finally:
                conn.info.pop("immediate", None)

    def _account(self, name: str) -> int:
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


def _engine(url: str) -> Engine:
    try:
        if url.startswith("sqlite"):
            path = url.split("///", 1)[1] if "///" in url else ""
            if path and path != ":memory:":
                try:
                    Path(path).parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    folder = Path(path).parent
                    raise TielineError(
                        f"cannot create the folder {folder} for the database: {exc.strerror}"
                    ) from None
            engine = create_engine(url, poolclass=NullPool if not path else None)
            _sqlite_setup(engine)
            return engine
        return create_engine(url, pool_pre_ping=True, connect_args=_pg_args())
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise TielineError(f"cannot use the database URL {url!r}: {exc}") from None


def _pg_args() -> dict[str, Any]:
    return {"connect_timeout": 5}


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA secure_delete=ON")  # deleted content is overwritten, not left in free pages
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("immediate") else "BEGIN")


def _reason(exc: OperationalError) -> str:
    text = str(exc.orig) if exc.orig is not None else str(exc)
    return text.strip().splitlines()[0] if text.strip() else "unreachable"
