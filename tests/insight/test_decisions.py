"""What the user decides is stored: cadence, archive, snooze; the migrations match tables.py."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tests.cli import tieline
from tieline.store import tables as t
from tieline.store.db import Store


def test_the_migrations_build_exactly_the_schema_tables_py_describes(db_url: str) -> None:
    store = Store(db_url)
    with store.engine.connect() as conn:
        # Tables, columns and indexes; not column types (SQLite keeps VARCHAR where tables.py says TEXT,
        # on purpose: see migration 0009).
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), t.metadata)
    store.dispose()
    # person_text (and FTS5's own tables) is the text index, dialect-specific by design (migration 0008).
    assert [d for d in diff if "person_text" not in str(d)] == []


def test_people_edit_sets_a_cadence_and_archives(db_url: str) -> None:
    tieline(db_url, "people", "add", "Ada Lovelace", "--email", "ada@example.com")
    assert tieline(db_url, "people", "edit", "ada", "--every", "2w", "--archive").code == 0
    shown = tieline(db_url, "people", "show", "ada", "--json").json()
    assert shown["every_days"] == 14 and shown["archived"] is not None
    tieline(db_url, "people", "edit", "ada", "--every", "none", "--unarchive")
    shown = tieline(db_url, "people", "show", "ada", "--json").json()
    assert shown["every_days"] is None and shown["archived"] is None


def test_a_cadence_that_is_not_a_span_of_time_is_refused_and_nothing_changes(db_url: str) -> None:
    from tieline.errors import TielineError

    tieline(db_url, "people", "add", "Ada Lovelace", "--email", "ada@example.com")
    with pytest.raises(TielineError, match="span of time"):
        tieline(db_url, "people", "edit", "ada", "--every", "soon", "--closeness", "5")
    shown = tieline(db_url, "people", "show", "ada", "--json").json()
    assert shown["closeness"] is None
