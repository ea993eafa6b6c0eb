"""`tieline review`: the queues, one keystroke per decision, never asked twice, --batch, --undo."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import tieline
from tests.insight.network import build
from tieline.cli.review import walk
from tieline.errors import TielineError
from tieline.insight import review
from tieline.services import people
from tieline.store.db import Store


def _in_queues(store: Store) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for queue, items in review.queues(store).items():
        for item in items:
            out.setdefault(item.person_id, []).append(queue)
    return out


def test_the_review_never_asks_twice_about_a_decided_person(store: Store) -> None:
    ids = build(store)
    first = _in_queues(store)
    assert "prune" in first[ids["linus"]] and "reconnect" in first[ids["ada"]]
    reconnect = [i.person_id for i in review.queues(store)["reconnect"]]
    # Prune: keep Linus. Reconnect: archive the first, log a contact with the second, skip the rest.
    keys = iter("k" + "xa" + "l" + "s" * 50)  # an unknown key ("x") is ignored
    texts = iter(["lunch to catch up"])
    made = walk(store, lambda: next(keys), lambda _prompt: next(texts))
    assert made["keep"] == 1 and made["archive"] == 1 and made["log"] == 1
    again = _in_queues(store)
    assert ids["linus"] not in again
    assert reconnect[0] not in again and reconnect[1] not in again
    assert reconnect[2] in again  # a skip is not a decision: asked again next time


def test_review_undo_takes_the_last_session_back(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    ids = build(store)
    store.dispose()
    decisions = tmp_path / "decisions.txt"
    decisions.write_text(
        f"# my first review\n#{ids['linus']} archive\n#{ids['barbara']} how-met at the Boston conference\n"
        f"#{ids['alan']} cadence 30d\n#{ids['ada']} log called her\n#{ids['grace']} y\n",
        encoding="utf-8",
    )
    out = tieline(db_url, "review", "--batch", str(decisions), "--json")
    assert out.code == 0 and out.json()["decisions"] == {
        "archive": 1,
        "how-met": 1,
        "cadence": 1,
        "log": 1,
        "yes": 1,
    }
    store = Store(db_url)
    assert not {ids[n] for n in ("linus", "barbara", "alan", "ada", "grace")} & set(_in_queues(store))
    ada = people.detail(store, f"#{ids['ada']}")
    assert ada["interactions"][0]["subject"] == "called her"
    assert tieline(db_url, "review", "--undo").code == 0
    assert people.detail(store, f"#{ids['linus']}")["archived"] is None
    assert people.detail(store, f"#{ids['barbara']}")["how_met"] == "Boston chemistry conference"
    assert people.detail(store, f"#{ids['alan']}")["every_days"] is None
    assert people.detail(store, f"#{ids['grace']}")["would_take_call"] is None
    assert people.detail(store, f"#{ids['ada']}")["interactions"][0]["subject"] != "called her"
    assert ids["linus"] in _in_queues(store)  # undone: asked again
    store.dispose()


def test_a_bad_batch_line_is_one_error_naming_file_and_line_and_writes_nothing(
    store: Store, tmp_path: Path
) -> None:
    from tieline.insight.decide import apply_batch

    ids = build(store)
    bad = tmp_path / "bad.txt"
    bad.write_text(f"#{ids['linus']} archive\n#{ids['alan']} cadence soon\n", encoding="utf-8")
    with pytest.raises(TielineError, match=r"bad.txt:2: .*span of time"):
        apply_batch(store, bad)
    assert people.detail(store, f"#{ids['linus']}")["archived"] is None
    nobody = tmp_path / "nobody.txt"
    nobody.write_text('"Nobody Atall" keep\n', encoding="utf-8")
    with pytest.raises(TielineError, match=r"nobody.txt:1: no person matches"):
        apply_batch(store, nobody)


def test_review_without_a_terminal_says_so_and_stops(db_url: str) -> None:
    store = Store(db_url)
    build(store)
    store.dispose()
    out = tieline(db_url, "review")
    assert out.code == 1
    assert "needs a terminal" in out.err and "--batch" in out.err
