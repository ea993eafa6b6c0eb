"""The schema: migrations match tables.py; group chats stored the old way migrate exactly; the hot
read queries use indexes, never a scan of a large table."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from tests.core.test_timeline import ada_in_a_group_and_one_to_one
from tests.ingest.snapshot import snapshot
from tests.ingest.test_group_conversations import group_chat
from tieline.ingest.batch import ImportOptions
from tieline.services import imports, me, people, roster, ties
from tieline.store import tables as t
from tieline.store.db import Store
from tieline.store.migrate import downgrade, upgrade
from tieline.strength import layers

UNDESCRIBED = ("person_text", "text_index_state")


def _undescribed(change: object) -> bool:
    if not isinstance(change, tuple):
        return False
    item = change[1]
    table = getattr(item, "table", item)
    return str(getattr(table, "name", "")).startswith(UNDESCRIBED)


def test_the_migrations_build_the_tables_of_tables_py(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": False}), t.metadata)
    # The full-text index differs by backend and is described by its migration only (0008).
    diff = [d for d in diff if not _undescribed(d)]
    assert diff == []


def test_a_group_chat_stored_the_old_way_migrates_to_the_same_data(store: Store, tmp_path: Path) -> None:
    me.add(store, "whatsapp:Me")
    imports.import_paths(store, [group_chat(tmp_path / "_chat.txt")], ImportOptions())
    before = snapshot(store)
    downgrade(store.engine, "0010")
    with store.read() as conn:
        # The old way: every member of the group a participant of every message.
        assert conn.execute(text("SELECT COUNT(*) FROM participants")).scalar_one() == 30 + 10 * 3 + 30 * 2
    upgrade(store.engine)
    assert _unordered_members(snapshot(store)) == _unordered_members(before)
    assert people.detail(store, "Ada")["interactions_total"] == 20


def _unordered_members(snap: dict[str, list[tuple[object, ...]]]) -> dict[str, object]:
    # Members come back in the order the database groups them: compare them without their ids.
    return snap | {"conversation_members": sorted(str(row[1:]) for row in snap["conversation_members"])}


def test_layers_from_the_top_scores_are_the_models_layers() -> None:
    scores = np.sort(np.random.default_rng(1).random(400))[::-1]
    expected = layers.assign_layers(scores)[:150].tolist()
    assert ties.layers_of_top(scores[:150].tolist()) == expected
    assert roster.STATES == layers.STATES


def _plans(store: Store, sql: str, **params: object) -> str:
    with store.read() as conn:
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, tuple(params.values())).all()
    return "\n".join(str(r[-1]) for r in rows)


def test_the_hot_read_queries_scan_no_large_table(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "x.db"))
    me.add(store, "whatsapp:Me")
    imports.import_paths(store, [group_chat(tmp_path / "_chat.txt")], ImportOptions())
    captured: list[str] = []
    from sqlalchemy import event

    @event.listens_for(store.engine, "before_cursor_execute")
    def _keep(_c: object, _cur: object, statement: str, params: object, *_a: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, params))  # type: ignore[arg-type]

    for sort in ("name", "strength", "last"):
        people.listing(store, sort=sort, limit=20)
    people.detail(store, "Ada", limit=20)
    from tieline.services.strength import explain

    explain(store, "Ada")
    from tieline.insight.due import due
    from tieline.insight.health import health
    from tieline.insight.who import who

    # Once a day or after a change, not hot: the snapshot health compares with (the whole history scored), the text index.
    health(store)
    who(store, "compilers")
    captured.clear()
    for sort in ("name", "strength", "last"):
        people.listing(store, sort=sort, limit=20)
    people.detail(store, "Ada", limit=20)
    explain(store, "Ada")
    health(store)
    due(store)
    who(store, "compilers")
    event.remove(store.engine, "before_cursor_execute", _keep)
    assert len(captured) > 10
    large = (
        "interactions",
        "participants",
        "conversation_members",
        "tie_scores",
        "tie_summaries",
        "handles",
        "people",
        "stale_ties",
    )
    scans = []
    with store.read() as conn:
        for statement, params in captured:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()  # type: ignore[arg-type]
            for row in plan:
                detail = str(row[-1])
                scanned = any(f"SCAN {name}" in detail for name in large)
                # Walking the primary key from its end for the newest row stops at the first one.
                newest = "id DESC" in statement and statement.rstrip().endswith("LIMIT ? OFFSET ?")
                if detail.startswith("SCAN") and scanned and "USING" not in detail and not newest:
                    scans.append((statement, detail))
    store.dispose()
    assert scans == [], "\n".join(map(str, scans))


def test_a_read_finds_what_to_catch_up_through_two_indexes_and_reads_no_person(tmp_path: Path) -> None:
    """Nothing marked: the catch-up of every read is an index lookup of the marks and of the scores cached
    by another model version, never a join of every person against the summaries and scores."""
    from sqlalchemy import event

    from tieline.services import strength

    store = Store(str(tmp_path / "x.db"))
    me.add(store, "whatsapp:Me")
    imports.import_paths(store, [group_chat(tmp_path / "_chat.txt")], ImportOptions())
    captured: list[tuple[str, object]] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def _keep(_c: object, _cur: object, statement: str, params: object, *_a: object) -> None:
        captured.append((statement, params))

    assert strength.catch_up(store) == 0
    event.remove(store.engine, "before_cursor_execute", _keep)
    reads = [(s, p) for s, p in captured if s.lstrip().upper().startswith("SELECT")]
    writes = [s for s, _ in captured if s.split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert (len(reads), writes) == (2, [])  # nothing marked: nothing written either
    with store.read() as conn:
        plans = [
            str(row[-1])
            for statement, params in reads
            for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()  # type: ignore[arg-type]
        ]
    searches = [p for p in plans if p.startswith(("SEARCH", "SCAN"))]
    assert searches == [
        "SEARCH stale_ties USING INDEX ix_stale_ties_account (account_id=?)",
        "SEARCH tie_scores USING INDEX ix_tie_scores_account_version (account_id=? AND model_version<?)",
        "SEARCH tie_scores USING INDEX ix_tie_scores_account_version (account_id=? AND model_version>?)",
    ]
    store.dispose()


def test_a_group_members_timeline_page_walks_the_groups_index_without_sorting(tmp_path: Path) -> None:
    """The owner's messages in a member's groups come newest first straight from the index, one query per
    group and direction, cut at the page: never every message the owner sent to the group, sorted."""
    from sqlalchemy import event

    store = Store(str(tmp_path / "x.db"))
    me.add(store, "whatsapp:Me")
    imports.import_paths(store, [group_chat(tmp_path / "_chat.txt")], ImportOptions())
    captured: list[tuple[str, object]] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def _keep(_c: object, _cur: object, statement: str, params: object, *_a: object) -> None:
        if "interactions.conversation_id =" in statement and "ORDER BY" in statement:
            captured.append((statement, params))

    shown = people.detail(store, "Ada", limit=2)
    event.remove(store.engine, "before_cursor_execute", _keep)
    assert captured
    with store.read() as conn:
        plans = [
            str(row[-1])
            for statement, params in captured
            for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()  # type: ignore[arg-type]
        ]
        whole = people.timeline_of(conn, shown["id"], None)
    assert any("ix_interactions_conversation" in p for p in plans)
    assert not any("TEMP B-TREE" in p for p in plans), plans
    assert people.detail(store, "Ada", limit=2)["interactions"] == whole[:2]
    store.dispose()


def test_a_persons_own_timeline_page_walks_their_time_index_without_sorting(tmp_path: Path) -> None:
    """Someone's own interactions (one to one, mail, their messages in groups) come newest first from
    ix_participants_person_when, cut at the page: never all of them read and sorted."""
    from sqlalchemy import event

    store = Store(str(tmp_path / "x.db"))
    ada_in_a_group_and_one_to_one(store, tmp_path)
    captured: list[tuple[str, object]] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def _keep(_c: object, _cur: object, statement: str, params: object, *_a: object) -> None:
        if "FROM participants JOIN interactions" in statement and "ORDER BY" in statement:
            captured.append((statement, params))

    people.detail(store, "Ada", limit=3, offset=3)
    event.remove(store.engine, "before_cursor_execute", _keep)
    assert len(captured) == 1
    with store.read() as conn:
        plan = [
            str(r[-1])
            for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + captured[0][0], captured[0][1])  # type: ignore[arg-type]
        ]
    assert plan == [
        "SEARCH participants USING COVERING INDEX ix_participants_person_when (person_id=?)",
        "SEARCH interactions USING INTEGER PRIMARY KEY (rowid=?)",
    ]
    store.dispose()


def test_a_persons_favours_walk_the_kind_index_not_their_history(tmp_path: Path) -> None:
    """The favours on a person's page are read through ix_interactions_account_kind, one walk per kind
    cut at the page (favours are few in any account), never through every message of a group member."""
    from sqlalchemy import event

    from tieline.services import logbook

    store = Store(str(tmp_path / "x.db"))
    ada_in_a_group_and_one_to_one(store, tmp_path)
    captured: list[tuple[str, object]] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def _keep(_c: object, _cur: object, statement: str, params: object, *_a: object) -> None:
        if "interactions.kind =" in statement:
            captured.append((statement, params))

    assert [f["subject"] for f in logbook.favours(store, "Ada")] == ["a favour"]
    event.remove(store.engine, "before_cursor_execute", _keep)
    assert len(captured) == len(logbook.FAVOURS)
    with store.read() as conn:
        plans = {
            str(row[-1])
            for statement, params in captured
            for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()  # type: ignore[arg-type]
        }
    assert plans == {
        "SEARCH interactions USING INDEX ix_interactions_account_kind (account_id=? AND kind=?)",
        "CORRELATED SCALAR SUBQUERY 1",
        "SEARCH participants USING COVERING INDEX ix_participants_person (person_id=? AND interaction_id=?)",
    }
    store.dispose()


def test_a_person_named_is_found_through_the_lower_name_index(tmp_path: Path) -> None:
    """`people show "Ada Lovelace"` probes ix_people_account_lower_name, never every person of the account."""
    from sqlalchemy import event

    store = Store(str(tmp_path / "x.db"))
    for name in ("Ada Lovelace", "Grace Hopper", "Alan Turing"):
        people.add(store, people.NewPerson(name))
    captured: list[tuple[str, object]] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def _keep(_c: object, _cur: object, statement: str, params: object, *_a: object) -> None:
        if "lower(name) =" in statement:
            captured.append((statement, params))

    assert people.detail(store, "ada LOVELACE")["name"] == "Ada Lovelace"
    event.remove(store.engine, "before_cursor_execute", _keep)
    assert len(captured) == 1
    with store.read() as conn:
        plan = [
            str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + captured[0][0], captured[0][1])
        ]  # type: ignore[arg-type]
    assert plan == ["SEARCH people USING INDEX ix_people_account_lower_name (account_id=? AND <expr>=?)"]
    store.dispose()


def test_postgresql_reads_favours_through_its_partial_kind_index(store: Store, tmp_path: Path) -> None:
    """On PostgreSQL ix_interactions_account_kind holds only interactions that are not conversations
    (migration 0019): the favours of a person's page and what is owed (`due`; the giving in `health` asks
    the same way) are still read through it, and no conversation is in it."""
    from sqlalchemy import event

    from tieline.insight import due, health
    from tieline.services import logbook

    if store.is_sqlite:
        return  # SQLite keeps the whole index: test_a_persons_favours_walk_the_kind_index_not_their_history
    assert "conversation" not in {*logbook.FAVOURS, *health.GIVING_KINDS}
    ada_in_a_group_and_one_to_one(store, tmp_path)
    captured: list[tuple[str, object]] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def _keep(_c: object, _cur: object, statement: str, params: object, *_a: object) -> None:
        if "interactions.kind" in statement and statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, params))

    assert [f["subject"] for f in logbook.favours(store, "Ada")] == ["a favour"]
    with store.read() as conn:
        due._owed(conn, store.account_id, datetime.now(UTC))
    event.remove(store.engine, "before_cursor_execute", _keep)
    assert len(captured) == len(logbook.FAVOURS) + 1
    with store.engine.connect() as conn, conn.begin():
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        for statement, params in captured:
            plan = "\n".join(str(r[0]) for r in conn.exec_driver_sql("EXPLAIN " + statement, params))  # type: ignore[arg-type]
            assert "ix_interactions_account_kind" in plan, plan
        conn.exec_driver_sql("ANALYZE interactions")
        count = conn.exec_driver_sql(
            "SELECT reltuples FROM pg_class WHERE relname = 'ix_interactions_account_kind' "
            "AND relnamespace = current_schema()::regnamespace"
        ).scalar_one()
    assert count == 1  # the favour alone, none of the group's messages
