"""Alembic, driven from code: ``upgrade(engine)`` brings any database to the newest schema."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

HERE = Path(__file__).resolve().parent


def config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE / "migrations"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> bool:
    """Migrate; True when anything changed."""
    cfg = config()
    with engine.connect() as conn:
        conn.info["immediate"] = True
        try:
            before = MigrationContext.configure(conn).get_current_revision()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            conn.commit()
            return MigrationContext.configure(conn).get_current_revision() != before
        finally:
            conn.info.pop("immediate", None)
