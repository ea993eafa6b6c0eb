"""Every writer of people or interactions marks the ties it changed in its own transaction, so a process
that dies before scoring leaves the mark, and the next read brings exactly those ties up to date."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select, update

from tieline.ingest.batch import ImportOptions
from tieline.insight import decide
from tieline.services import decisions, imports, logbook, me, merge, people, strength
from tieline.services.people import NewPerson
from tieline.store import stale
from tieline.store import tables as t
from tieline.store.db import Store

MBOX = """From ada@example.com Mon Jan  1 10:00:00 2024
Message-ID: <one@example.com>
Date: Mon, 01 Jan 2024 10:00:00 +0000
From: Ada Lovelace <ada@example.com>
To: Me <me@example.com>
Subject: the engine

Hi!

From me@example.com Tue Jan  2 10:00:00 2024
Message-ID: <two@example.com>
Date: Tue, 02 Jan 2024 10:00:00 +0000
From: Me <me@example.com>
To: Ada Lovelace <ada@example.com>
Subject: Re: the engine

Hello.

"""


class Died(Exception):
    """The process died after the write committed, before any tie was scored."""


def _dies_before_scoring(monkeypatch: pytest.MonkeyPatch) -> None:
    def die(*_a: object, **_k: object) -> int:
        raise Died

    monkeypatch.setattr(strength, "rescore", die)


def _marks(store: Store) -> stale.Marks:
    with store.read() as conn:
        return stale.pending(conn, store.account_id, "scores")


def _summary(store: Store, pid: int) -> int | None:
    ts = t.tie_summaries
    with store.read() as conn:
        return conn.execute(select(ts.c.interactions).where(ts.c.person_id == pid)).scalar()


def _network(store: Store, tmp_path: Path) -> dict[str, int]:
    me.add(store, "me@example.com")
    ids = {
        name: people.add(store, NewPerson(name, emails=(mail,)))
        for name, mail in (("Ada Lovelace", "ada@example.com"), ("Grace Hopper", "grace@example.com"))
    }
    mbox = tmp_path / "mail.mbox"
    mbox.write_text(MBOX, encoding="utf-8")
    imports.import_paths(store, [mbox], ImportOptions())
    people.listing(store)
    assert not _marks(store)
    return ids


def _crash(monkeypatch: pytest.MonkeyPatch, write: Callable[[], object]) -> None:
    with monkeypatch.context() as m:
        _dies_before_scoring(m)
        with contextlib.suppress(Died):
            write()


def test_an_import_that_dies_before_scoring_is_caught_up_by_the_next_read(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    me.add(store, "me@example.com")
    mbox = tmp_path / "mail.mbox"
    mbox.write_text(MBOX, encoding="utf-8")
    with monkeypatch.context() as m:
        _dies_before_scoring(m)
        with pytest.raises(Died):
            imports.import_paths(store, [mbox], ImportOptions(create_people=True))
    marks = _marks(store)
    assert marks.batches and not marks.people
    ada = people.listing(store, query="ada")[0]
    assert ada["strength"] is not None and ada["last_contact"] is not None
    assert _summary(store, ada["id"]) == 2
    assert not _marks(store)


def test_a_log_that_dies_before_scoring_is_caught_up_by_the_next_read(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _network(store, tmp_path)
    _crash(monkeypatch, lambda: logbook.log(store, "Grace Hopper", "coffee", when="2024-02-01"))
    assert _marks(store).people == {ids["Grace Hopper"]}
    assert _summary(store, ids["Grace Hopper"]) == 0
    people.listing(store, limit=1)
    assert _summary(store, ids["Grace Hopper"]) == 1
    assert not _marks(store)


@pytest.mark.parametrize(
    "writer",
    ["add", "edit", "archive", "merge", "unmerge", "undo", "review-undo", "forget", "me-add", "me-remove"],
)
def test_every_writer_marks_the_ties_it_changed_in_its_own_transaction(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer: str
) -> None:
    ids = _network(store, tmp_path)
    ada, grace = ids["Ada Lovelace"], ids["Grace Hopper"]
    expected: set[int] = set()
    everyone = False
    if writer == "add":
        _crash(monkeypatch, lambda: people.add(store, NewPerson("Alan Turing")))
        with store.read() as conn:
            expected = {
                conn.execute(select(t.people.c.id).where(t.people.c.name == "Alan Turing")).scalar_one()
            }
    elif writer == "edit":
        _crash(monkeypatch, lambda: people.edit(store, "Grace Hopper", closeness=5))
        expected = {grace}
    elif writer == "archive":
        _crash(monkeypatch, lambda: decisions.archive(store, "Grace Hopper"))
        expected = {grace}
    elif writer == "merge":
        _crash(monkeypatch, lambda: merge.merge(store, "Ada Lovelace", "Grace Hopper"))
        expected = {ada, grace}
    elif writer == "unmerge":
        merge.merge(store, "Ada Lovelace", "Grace Hopper")
        _crash(monkeypatch, lambda: merge.undo_merge(store))
        expected = {ada, grace}
    elif writer == "undo":
        with store.read() as conn:
            batch = conn.execute(
                select(t.batches.c.id).where(t.batches.c.source == "mbox").order_by(t.batches.c.id.desc())
            ).scalar_one()
        _crash(monkeypatch, lambda: imports.undo(store, batch))
        expected = {ada}
    elif writer == "review-undo":
        session = decide.new_session(store)
        decide.decide(store, session, "nurture", "Grace Hopper", "log", "a call")
        _crash(monkeypatch, lambda: decide.undo_last(store))
        expected = {grace}
    elif writer == "forget":
        with store.write() as conn:
            conn.execute(update(t.people).where(t.people.c.id == ada).values(introduced_by_id=grace))
        _crash(monkeypatch, lambda: people.forget(store, "Grace Hopper"))
        expected = {ada}
    elif writer == "me-add":
        _crash(monkeypatch, lambda: me.add(store, "ada@example.com"))
        everyone = True
    elif writer == "me-remove":
        _crash(monkeypatch, lambda: me.remove(store, "me@example.com"))
        everyone = True
    marks = _marks(store)
    assert marks, f"{writer} left no mark"
    assert marks.people >= expected
    assert marks.everyone == everyone
    people.listing(store)
    assert not _marks(store)
    with store.read() as conn:
        scored = set(conn.execute(select(t.tie_scores.c.person_id)).scalars())
        living = set(conn.execute(select(t.people.c.id)).scalars())
    assert scored == living


def test_a_read_with_nothing_marked_scores_nothing(store: Store, tmp_path: Path) -> None:
    _network(store, tmp_path)
    assert strength.catch_up(store) == 0


def test_a_read_during_an_import_leaves_the_running_batch_marked_for_the_import_to_catch_up(
    store: Store, tmp_path: Path
) -> None:
    from datetime import UTC, datetime

    from tieline.ingest.batch_rows import open_batch, save

    _network(store, tmp_path)
    with store.write() as conn:
        batch_id, counts = open_batch(conn, store.account_id, "mbox", "elsewhere.mbox", datetime.now(UTC))
    strength.catch_up(store)  # a read while this process's import is still writing
    assert _marks(store).batches == {batch_id}
    with store.write() as conn:
        save(conn, batch_id, counts, 0, status="done")
    strength.catch_up(store)
    assert not _marks(store)
