"""Alembic, driven from code: ``upgrade(engine)`` brings any database to the newest schema.

Opening a database that is already at the newest schema must not cost Alembic's start-up (a
quarter of a read command's time): :func:`at_head` compares the stored revision with the newest
one read from the migration files' headers.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from tieline.errors import TielineError

if TYPE_CHECKING:
    from alembic.config import Config

HERE = Path(__file__).resolve().parent
_REVISION = re.compile(r"^(revision|down_revision)\s*=\s*[\"']([^\"']+)[\"']", re.MULTILINE)


@cache
def head() -> str:
    """The newest revision: the one no other migration names as its ``down_revision``."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (HERE / "migrations" / "versions").glob("*.py"):
        found = dict(_REVISION.findall(path.read_text(encoding="utf-8")))
        if "revision" in found:
            revisions.add(found["revision"])
        if "down_revision" in found:
            parents.add(found["down_revision"])
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"the migrations must form one line, found heads {sorted(heads)}")
    return heads.pop()


def at_head(engine: Engine) -> bool:
    """Whether the database is at the newest schema already (False when it has none yet)."""
    try:
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except SQLAlchemyError:
        return False
    return stored == [head()]


def config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(HERE / "migrations"))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` (the newest by default)."""
    _run(engine, "upgrade", revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the database back to ``revision`` (for tests of a migration's data, and by hand)."""
    _run(engine, "downgrade", revision)


def _run(engine: Engine, direction: str, revision: str) -> None:
    from alembic import command

    cfg = config()
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # A table rebuilt in SQLite is dropped and renamed: with foreign keys on, dropping it would
            # cascade into every row that points at it. The pragma only takes outside a transaction.
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        conn.info["immediate"] = True
        try:
            cfg.attributes["connection"] = conn
            getattr(command, direction)(cfg, revision)
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
