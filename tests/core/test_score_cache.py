"""Scores are cached; an import, a log or a merge rescores only the ties it touched."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from tests.cli import tieline
from tieline.ingest.batch import ImportOptions
from tieline.services import imports
from tieline.store import tables as t
from tieline.store.db import Store

MBOX_ONE = """From ada@example.com Mon Jan  1 10:00:00 2024
Message-ID: <one-new-message@example.com>
Date: Mon, 01 Jan 2024 10:00:00 +0000
From: Ada Lovelace <ada@example.com>
To: Me <me@example.com>
Subject: hello again

Hi!

"""


def _cache(store: Store) -> dict[int, tuple[object, ...]]:
    ts = t.tie_scores
    with store.read() as conn:
        return {r.person_id: (r.as_of, r.score) for r in conn.execute(select(ts))}


def test_importing_one_message_rescores_only_that_tie(db_url: str, tmp_path: Path) -> None:
    for name, mail in (
        ("Ada Lovelace", "ada@example.com"),
        ("Grace Hopper", "grace@example.com"),
        ("Alan Turing", "alan@example.com"),
    ):
        tieline(db_url, "people", "add", name, "--email", mail)
    tieline(db_url, "me", "add", "me@example.com")
    tieline(db_url, "log", "grace", "lunch", "--when", "2023-12-01")
    tieline(db_url, "people", "list", "--json")  # builds today's cache
    store = Store(db_url)
    before = _cache(store)
    assert len(before) == 3
    mbox = tmp_path / "one.mbox"
    mbox.write_text(MBOX_ONE, encoding="utf-8")
    result, rescored = imports.import_paths(store, [mbox], ImportOptions())
    assert result.counts.interactions_created == 1
    assert rescored == 1
    after = _cache(store)
    changed = [pid for pid in after if after[pid] != before[pid]]
    assert len(changed) == 1
    listed = {r["name"]: r for r in tieline(db_url, "people", "list", "--json").json()}
    assert listed["Ada Lovelace"]["strength"] is not None
    assert listed["Alan Turing"]["strength"] is None
    store.dispose()


def test_a_merge_rescores_the_person_kept_and_nobody_else(db_url: str) -> None:
    for name in ("Ada Lovelace", "A. Lovelace", "Grace Hopper"):
        tieline(db_url, "people", "add", name)
    tieline(db_url, "people", "list", "--json")
    store = Store(db_url)
    before = _cache(store)
    assert len(before) == 3
    tieline(db_url, "people", "merge", "Ada Lovelace", "A. Lovelace")
    after = _cache(store)
    assert sorted(after) == [1, 3]  # the merged person's score went with them
    assert after[3] == before[3] and after[1][0] != before[1][0]
    store.dispose()
