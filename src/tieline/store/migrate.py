"""Alembic, driven from code: ``upgrade(engine)`` brings any database to the newest schema."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from tieline.errors import TielineError

HERE = Path(__file__).resolve().parent


def config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE / "migrations"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    cfg = config()
    with engine.connect() as conn:
        if revision == "head" and _at_head(conn, cfg):
            conn.rollback()
            return
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            conn.rollback()
            # A table rebuilt in SQLite is dropped and renamed: with foreign keys on, dropping it would
            # cascade into every row that points at it. The pragma only takes outside a transaction.
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        conn.info["immediate"] = True
        try:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            if sqlite:
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
                if broken is not None:
                    conn.rollback()
                    raise TielineError(
                        f"the database's links are broken (table {broken[0]}); nothing changed"
                    )
            conn.commit()
        finally:
            conn.info.pop("immediate", None)
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def _at_head(conn: Connection, cfg: Config) -> bool:
    """Whether the database is at the newest revision already (most openings: nothing to do)."""
    current = MigrationContext.configure(conn).get_current_heads()
    return set(current) == set(ScriptDirectory.from_config(cfg).get_heads())
