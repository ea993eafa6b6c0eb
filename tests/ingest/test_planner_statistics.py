"""A large import refreshes PostgreSQL's planner statistics, so the reads after it are planned for the
tables' real sizes even where autovacuum is off or has not come round yet; a small one does not."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from tests.ingest.test_group_conversations import group_chat
from tieline.ingest.batch import ImportOptions
from tieline.services import imports, me
from tieline.store.db import Store


def _analyzed(store: Store) -> bool:
    with store.read() as conn:
        when = conn.execute(
            text(
                "SELECT last_analyze FROM pg_stat_user_tables "
                "WHERE relname = 'interactions' AND schemaname = current_schema()"
            )
        ).scalar()
    return when is not None


@pytest.mark.parametrize("threshold, expected", [(10, True), (10_000, False)])
def test_an_import_over_the_threshold_analyzes_the_tables(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threshold: int, expected: bool
) -> None:
    if store.is_sqlite:
        pytest.skip("SQLite plans from its indexes; there are no statistics to refresh")
    monkeypatch.setattr(imports, "ANALYZE_AFTER_ROWS", threshold)
    me.add(store, "whatsapp:Me")
    result, _ = imports.import_paths(store, [group_chat(tmp_path / "_chat.txt")], ImportOptions())
    assert result.counts.interactions_created == 40
    assert _analyzed(store) is expected
