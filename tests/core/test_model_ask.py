"""`tieline model ask`: the ties where an answer helps most, asked in a terminal or answered by a file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from tests.cli import tieline
from tieline.errors import TielineError
from tieline.services.logbook import log
from tieline.services.model import ask_candidates
from tieline.store.db import Store
from tieline.strength.ask import answer_value, choose


def _network(db: str) -> None:
    now = datetime.now(UTC)
    for name in ("Ada", "Grace", "Alan", "Kurt", "Emmy"):
        tieline(db, "people", "add", name, "--email", f"{name.lower()}@example.com")
    store = Store(db)
    for week in range(30):  # Ada: weekly for seven months, up to last week
        log(store, "ada", "coffee", channel="in-person", when=(now - timedelta(weeks=week + 1)).isoformat())
    for month in range(4):  # Grace: a few calls, some months apart
        log(store, "grace", "call", channel="call", when=(now - timedelta(days=20 + 60 * month)).isoformat())
    log(store, "alan", "one email", channel="email", when=(now - timedelta(days=400)).isoformat())
    for week in range(8):
        log(store, "kurt", "chat", channel="chat", when=(now - timedelta(weeks=week + 1)).isoformat())
    store.dispose()


def test_the_most_uncertain_and_top_ranked_ties_are_asked_first() -> None:
    p = np.array([0.99, 0.5, 0.05, np.nan, 0.6])
    value = answer_value(p)
    assert np.isnan(value[3])
    assert value[1] > value[0] and value[4] > value[0] and value[1] > value[2]
    assert set(choose(p, 2)) == {1, 4}
    assert list(choose(p, 5, asked=np.array([False, True, False, False, False]))) == [4, 2, 0]


def test_ask_candidates_skip_answered_and_unknown_ties(db_url: str) -> None:
    _network(db_url)
    tieline(db_url, "people", "edit", "kurt", "--would-take-call")
    store = Store(db_url)
    try:
        chosen = ask_candidates(store, limit=10)
    finally:
        store.dispose()
    names = [c.name for c in chosen]
    assert "Kurt" not in names and "Emmy" not in names  # answered; no evidence
    assert set(names) == {"Ada", "Grace", "Alan"}
    assert all(c.reasons for c in chosen)
    assert [c.value for c in chosen] == sorted((c.value for c in chosen), reverse=True)
    assert len(ask_candidates(Store(db_url), limit=1)) == 1


def test_ask_without_a_terminal_says_so_and_stops(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'ask.db'}"
    _network(db_url)
    run = tieline(db_url, "model", "ask")
    assert run.code == 1 and "needs a terminal" in run.err and "--batch" in run.err
    listed = tieline(db_url, "model", "ask", "--json", "--limit", "2").json()
    assert len(listed) == 2 and {"id", "name", "p_call", "reasons"} <= set(listed[0])


def test_answers_typed_in_the_terminal_are_pinned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db_url = f"sqlite:///{tmp_path / 'ask.db'}"
    _network(db_url)
    monkeypatch.setattr("tieline.cli.model._interactive", lambda: True)
    first = tieline(db_url, "model", "ask", "--json", "--limit", "1").json()[0]
    run = tieline(db_url, "model", "ask", "--limit", "1", input="n\n2\n")
    assert run.code == 0, run.err
    shown = tieline(db_url, "people", "show", f"#{first['id']}", "--json").json()
    assert shown["would_take_call"] is False and shown["closeness"] == 2
    explained = tieline(db_url, "model", "explain", f"#{first['id']}", "--json").json()
    assert explained["p_call"] == pytest.approx(0.03)


def test_a_batch_file_pins_answers_and_a_bad_row_writes_nothing(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'ask.db'}"
    _network(db_url)
    bad = tmp_path / "bad.csv"
    bad.write_text("person,would_take_call,closeness\nada,yes,5\ngrace,perhaps,\n", encoding="utf-8")
    with pytest.raises(TielineError, match="bad.csv:3: would_take_call is yes, no or empty"):
        tieline(db_url, "model", "ask", "--batch", str(bad))
    assert tieline(db_url, "people", "show", "ada", "--json").json()["would_take_call"] is None
    good = tmp_path / "answers.csv"
    good.write_text("person,would_take_call,closeness\nada,yes,5\nalan,,1\n", encoding="utf-8")
    done = tieline(db_url, "model", "ask", "--batch", str(good), "--json").json()
    assert done == {"answered": 2, "would_take_call": 1, "closeness": 2}
    ada = tieline(db_url, "model", "explain", "ada", "--json").json()
    assert ada["p_call"] == pytest.approx(0.97)
    assert "Ada" not in [c["name"] for c in tieline(db_url, "model", "ask", "--json").json()]
