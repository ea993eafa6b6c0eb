"""`model explain` without a date reads the tie's cached explanation: the same answer scoring gives at
the cached moment, one row instead of the tie's whole history; an older row without one still explains."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from tests.cli import tieline
from tests.ingest.test_group_conversations import group_chat
from tieline.ingest.batch import ImportOptions
from tieline.services import imports, me, people, strength
from tieline.services.logbook import log
from tieline.services.lookup import find_person
from tieline.services.strength import explain, rescore_all
from tieline.store import tables as t
from tieline.store.db import Store

PEOPLE = ("Ada", "Grace", "Alan", "Dora")


def _network(store: Store, tmp_path: Path) -> None:
    """A group chat (Ada, Grace, Alan), calls, favours, ratings and an answer, and one tie with nothing."""
    me.add(store, "whatsapp:Me")
    imports.import_paths(store, [group_chat(tmp_path / "_chat.txt")], ImportOptions())
    log(store, "Ada", "long call", channel="call", when="2024-03-01")
    log(store, "Ada", "lunch", when="2024-05-20")
    log(store, "Grace", "lent her my notes", kind="favor-given", when="2024-02-01")
    log(store, "Grace", "she read my draft", kind="favor-received", when="2024-04-01")
    people.edit(store, "Grace", would_take_call=True)
    people.edit(store, "Alan", closeness=5, relationship="friend")
    people.add(store, people.NewPerson(name="Dora Nobody"))


def _rows(store: Store) -> list[Any]:
    ts = t.tie_scores
    with store.read() as conn:
        return list(conn.execute(select(ts.c.person_id, ts.c.explanation).order_by(ts.c.person_id)))


def _scored_at_the_same_moment(store: Store, cached: dict[str, Any]) -> dict[str, Any]:
    return explain(store, f"#{cached['id']}", datetime.fromisoformat(cached["as_of"]))


def _no_history(*_args: object) -> None:
    raise AssertionError("explained from the history, not the cache")


def test_explaining_from_the_cache_says_what_scoring_at_that_moment_says(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _network(store, tmp_path)
    rescore_all(store)
    strength.catch_up(store)  # the marks of the writes above
    assert all(row.explanation for row in _rows(store))
    with monkeypatch.context() as m:
        m.setattr(strength, "load", _no_history)
        explained = [explain(store, name) for name in PEOPLE]
    for cached in explained:
        assert cached == _scored_at_the_same_moment(store, cached)
    assert explain(store, "Dora")["strength"] is None
    assert explain(store, "Grace")["p_call"] == 0.97


def test_a_cache_row_kept_before_explanations_still_explains_and_keeps_one(
    store: Store, tmp_path: Path
) -> None:
    _network(store, tmp_path)
    rescore_all(store)
    ts = t.tie_scores
    with store.write() as conn:
        conn.execute(update(ts).values(explanation=None))
        conn.execute(update(ts).where(ts.c.person_id == people_id(store, "Grace")).values(explanation=b"old"))
    for name in PEOPLE:
        cached = explain(store, name)
        assert cached == _scored_at_the_same_moment(store, cached)
    assert all(row.explanation and row.explanation != b"old" for row in _rows(store))


def people_id(store: Store, name: str) -> int:
    with store.read() as conn:
        return find_person(conn, store.account_id, name)


def test_a_contact_logged_shows_in_the_next_explanation(db_url: str) -> None:
    tieline(db_url, "people", "add", "Grace Hopper", "--email", "grace@example.com")
    tieline(db_url, "log", "grace", "one email", "--channel", "email", "--when", "2023-03-01")
    before = tieline(db_url, "model", "explain", "grace", "--json").json()
    assert tieline(db_url, "log", "grace", "coffee", "--channel", "in-person").code == 0
    after = tieline(db_url, "model", "explain", "grace", "--json").json()
    assert after["as_of"] > before["as_of"] and after["strength"] > before["strength"]
    volume = {term["term"]: term["words"] for term in after["terms"]}["volume"]
    assert volume.startswith("2 interactions")
    text = tieline(db_url, "model", "explain", "grace").out
    assert text.startswith("Grace Hopper") and after["as_of"][:10] in text
