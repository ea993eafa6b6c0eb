"""`tieline who "NEED"`: strength x relevance by the database's full-text search; intros only via close ties."""

from __future__ import annotations

from pathlib import Path

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
