"""`tieline who "NEED"`: strength x relevance by the database's full-text search; intros only via close ties."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from tests.cli import tieline
from tests.insight.network import build
from tieline.ingest.batch import ImportOptions
from tieline.services import decisions, imports, people
from tieline.store.db import Store

GROUP_MAIL = """From me@example.com Mon Jan  6 10:00:00 2025
Message-ID: <lab-visit@example.com>
Date: Mon, 06 Jan 2025 10:00:00 +0000
From: Me <me@example.com>
To: Alan Turing <alan@northwind.example>, Katherine Johnson <katherine@northwind.example>
Subject: visit to the lab

Hello both.

"""


def _network(store: Store, tmp_path: Path) -> dict[str, int]:
    ids = build(store)
    ids["katherine"] = people.add(
        store,
        people.NewPerson(
            "Katherine Johnson",
            ("katherine@northwind.example",),
            organization="Northwind Labs",
            title="Head of analytical chemistry",
        ),
    )
    people.edit(store, f"#{ids['grace']}", would_take_call=True, closeness=5)
    people.edit(store, f"#{ids['ada']}", would_take_call=True, closeness=5)
    people.edit(store, f"#{ids['alan']}", would_take_call=False, closeness=1)
    mbox = tmp_path / "group.mbox"
    mbox.write_text(GROUP_MAIL, encoding="utf-8")
    imports.import_paths(store, [mbox], ImportOptions())
    return ids


def test_who_ranks_by_strength_and_relevance_with_the_reason(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    ids = _network(store, tmp_path)
    store.dispose()
    out = tieline(db_url, "who", "I lost my job and want analytical chemistry roles in Boston", "--json")
    assert out.code == 0, out.err
    found = out.json()["people"]
    names = [p["name"] for p in found]
    assert set(names) >= {"Grace Hopper", "Katherine Johnson", "Barbara Liskov"}
    assert "Linus Torvalds" not in names and "Ada Lovelace" not in names
    assert names[0] == "Grace Hopper"  # a close tie who matches beats a stranger who matches better
    grace = found[0]
    assert grace["close"] and "Analytical chemist at Northwind Labs" in grace["reason"]
    barbara = next(p for p in found if p["person_id"] == ids["barbara"])
    assert "Boston chemistry conference" in barbara["reason"]


def test_an_introduction_path_goes_only_through_people_you_are_close_to(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    ids = _network(store, tmp_path)
    store.dispose()
    found = {
        p["person_id"]: p for p in tieline(db_url, "who", "analytical chemistry", "--json").json()["people"]
    }
    katherine = found[ids["katherine"]]
    assert not katherine["close"]
    # Alan shares a thread and an employer with her, but he would not take your call: the path is Grace.
    assert katherine["introduction"]["person_id"] == ids["grace"]
    assert "Northwind Labs" in katherine["introduction"]["via"]
    store = Store(db_url)
    decisions.archive(store, f"#{ids['grace']}")
    store.dispose()
    found = {
        p["person_id"]: p for p in tieline(db_url, "who", "analytical chemistry", "--json").json()["people"]
    }
    assert found[ids["katherine"]]["introduction"] is None  # never through Alan


def test_the_index_follows_edits_and_forgetting(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    ids = _network(store, tmp_path)
    assert tieline(db_url, "who", "volcanology", "--json").json()["people"] == []
    people.edit(store, f"#{ids['linus']}", note="knows everyone in volcanology", tags_add=("volcanoes",))
    found = tieline(db_url, "who", "volcanology", "--json").json()["people"]
    assert [p["person_id"] for p in found] == [ids["linus"]]
    people.forget(store, f"#{ids['linus']}")
    assert tieline(db_url, "who", "volcanology", "--json").json()["people"] == []
    store.dispose()


NEW_MAIL = """From me@example.com Tue Jan  7 10:00:00 2025
Message-ID: <seismic@example.com>
Date: Tue, 07 Jan 2025 10:00:00 +0000
From: Me <me@example.com>
To: Grace Hopper <grace@northwind.example>
Subject: seismology workshop

See you there.

"""


def test_the_index_rebuilds_only_the_people_changed_since(db_url: str, tmp_path: Path) -> None:
    from tieline.insight import textindex

    store = Store(db_url)
    ids = _network(store, tmp_path)
    everyone = len(people.listing(store))
    assert textindex.refresh(store) == everyone  # built whole the first time
    assert textindex.refresh(store) == 0  # nothing changed: nothing rebuilt
    people.edit(store, f"#{ids['linus']}", tags_add=("volcanoes",))
    decisions.set_cadence(store, f"#{ids['ada']}", 30)
    assert textindex.refresh(store) == 2
    assert textindex.search(store, "volcanoes") == {ids["linus"]: 1.0}
    mbox = tmp_path / "new.mbox"
    mbox.write_text(NEW_MAIL, encoding="utf-8")
    imports.import_paths(store, [mbox], ImportOptions())
    assert textindex.refresh(store) == 1  # the import's batch names the one person it touched
    assert set(textindex.search(store, "seismology")) == {ids["grace"]}
    store.dispose()


def _strangers(store: Store, n: int, work: str) -> None:
    """``n`` people you have never been in touch with, whose work matches ``work`` (written in bulk)."""
    from datetime import UTC, datetime

    from tieline.store import stale
    from tieline.store import tables as t

    now = datetime.now(UTC)
    with store.write() as conn:
        first = conn.execute(select(func.coalesce(func.max(t.people.c.id), 0))).scalar_one() + 1000
        conn.execute(
            insert(t.people),
            [
                {
                    "id": first + k,
                    "account_id": store.account_id,
                    "name": f"Stranger {k}",
                    "created_at": now,
                    "updated_at": now,
                }
                for k in range(n)
            ],
        )
        conn.execute(
            insert(t.positions),
            [
                {"account_id": store.account_id, "person_id": first + k, "organization": work, "title": work}
                for k in range(n)
            ],
        )
        stale.mark(conn, store.account_id, everyone=True)


def test_a_close_tie_who_matches_beats_any_number_of_strangers_who_match_better(
    db_url: str, tmp_path: Path
) -> None:
    """Every match is weighed by strength, not only the best few hundred by relevance alone."""
    from tieline.insight import textindex
    from tieline.insight.who import who

    store = Store(db_url)
    ids = _network(store, tmp_path)
    _strangers(store, 260, "Analytical chemistry analytical chemistry")
    need = "analytical chemistry"
    assert ids["grace"] not in textindex.search(store, need)  # 260 strangers match better, on words alone
    found = who(store, need, limit=5)["people"]
    assert found[0]["person_id"] == ids["grace"] and found[0]["close"]
    assert any(p["name"].startswith("Stranger") for p in found)
    store.dispose()


def test_who_ranks_in_the_database_and_reads_only_the_rows_it_shows(tmp_path: Path) -> None:
    """The plans `who` relies on (SQLite): the matches ranked by the FTS index and joined to their scores by
    key; the shown people's text read by row id; the introductions through the participants' indexes."""
    from sqlalchemy import event

    from tieline.insight.who import who

    store = Store(str(tmp_path / "x.db"))
    _network(store, tmp_path)
    who(store, "analytical chemistry")  # builds the text index and the scores: not what is pinned
    captured: list[tuple[str, object]] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def _keep(_c: object, _cur: object, statement: str, params: object, *_a: object) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            captured.append((statement, params))

    found = who(store, "analytical chemistry")["people"]
    event.remove(store.engine, "before_cursor_execute", _keep)
    assert any(p["introduction"] for p in found)
    with store.read() as conn:
        plans = [
            str(row[-1])
            for statement, params in captured
            for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()  # type: ignore[arg-type]
        ]
    store.dispose()
    searches = [p for p in plans if p.startswith(("SEARCH", "SCAN"))]
    assert "SCAN person_text VIRTUAL TABLE INDEX 0:M8" in searches  # the MATCH, ranked by bm25
    assert "SEARCH s USING INDEX sqlite_autoindex_tie_scores_1 (account_id=? AND person_id=?)" in searches
    assert "SCAN person_text VIRTUAL TABLE INDEX 0:=" in searches  # the shown people's text, by row id
    assert any(  # ix_participants_person or ix_participants_person_when: both hold (person, interaction)
        p.startswith("SEARCH pa1 USING COVERING INDEX ix_participants_person") and p.endswith("(person_id=?)")
        for p in searches
    )
    assert "SEARCH pa2 USING INDEX ix_participants_interaction (interaction_id=?)" in searches
    assert "SEARCH tie_scores USING INDEX ix_tie_scores_account_score (account_id=? AND score>?)" in searches
    large = ("people", "tie_scores", "participants", "handles", "conversation_members", "positions")
    assert not [p for p in searches if p.startswith("SCAN") and p.split()[1] in large], searches


def test_the_best_match_is_found_once_not_once_per_match(db_url: str, tmp_path: Path) -> None:
    """PostgreSQL: the relevance's denominator (the best rank) is an InitPlan run once; as a joined aggregate
    on tables without statistics the planner ran it again for every match (a minute on 30,000 people)."""
    import pytest
    from sqlalchemy import event

    from tieline.insight.who import who

    if not db_url.startswith("postgresql"):
        pytest.skip("the plan of PostgreSQL")
    store = Store(db_url)
    _network(store, tmp_path)
    who(store, "analytical chemistry")
    captured: list[tuple[str, object]] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def _keep(_c: object, _cur: object, statement: str, params: object, *_a: object) -> None:
        if statement.lstrip().startswith("WITH m AS"):
            captured.append((statement, params))

    who(store, "analytical chemistry")
    event.remove(store.engine, "before_cursor_execute", _keep)
    [(statement, params)] = captured
    with store.read() as conn:
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, params)
        plan = cursor.fetchone()[0][0]["Plan"]
    store.dispose()

    def nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
        return [node, *(n for child in node.get("Plans", ()) for n in nodes(child))]

    aggregates = [n for n in nodes(plan) if n["Node Type"] == "Aggregate"]
    assert aggregates and all(n["Actual Loops"] == 1 for n in aggregates)
    assert all(n.get("Parent Relationship") == "InitPlan" for n in aggregates)


def test_an_index_built_before_rows_were_keyed_by_person_is_rebuilt(tmp_path: Path) -> None:
    """SQLite: migration 0016 empties a text index whose row ids are not person ids; the next search
    rebuilds it, so `who` finds and explains the right people."""
    from sqlalchemy import text

    from tieline.insight import textindex
    from tieline.store.migrate import downgrade, upgrade

    store = Store(str(tmp_path / "x.db"))
    ids = _network(store, tmp_path)
    textindex.refresh(store)
    downgrade(store.engine, "0015")
    with store.write() as conn:  # as the older code left it: row ids of their own
        conn.execute(text("UPDATE person_text SET rowid = rowid + 100000"))
    upgrade(store.engine)
    found = {p["person_id"]: p for p in who_json(store, "analytical chemistry")}
    assert "Analytical chemist at Northwind Labs" in found[ids["grace"]]["reason"]
    with store.read() as conn:
        keys = conn.execute(text("SELECT rowid, person_id FROM person_text")).all()
    assert keys and all(rowid == pid for rowid, pid in keys)
    store.dispose()


def who_json(store: Store, need: str) -> list[dict[str, Any]]:
    from tieline.insight.who import who

    return list(who(store, need)["people"])
