"""A person's timeline (`people show`): their own interactions and the owner's messages in their groups,
newest first (equal times newest id first), the same however it is cut into pages; a page is an index
walk, never every interaction of the person sorted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import and_, select

from tests.cli import tieline
from tests.ingest.test_group_conversations import group_chat
from tieline.ingest.batch import ImportOptions
from tieline.ingest.context import utc
from tieline.services import imports, logbook, me, people
from tieline.services import merge as merges
from tieline.store import tables as t
from tieline.store.db import Store


def ada_in_a_group_and_one_to_one(store: Store, tmp_path: Path) -> None:
    """Ada writes in a group with the owner; contacts logged with her one to one at the very times of
    group messages, and two at the time of her newest."""
    me.add(store, "whatsapp:Me")
    imports.import_paths(store, [group_chat(tmp_path / "_chat.txt")], ImportOptions())
    group = people.detail(store, "Ada", limit=None)["interactions"]
    for shown in group[1::3]:
        logbook.log(store, "Ada", "coffee", channel="in-person", when=shown["when"])
    logbook.log(store, "Ada", "a call", channel="call", when=group[0]["when"])
    logbook.log(store, "Ada", "a favour", kind="favor-given", when=group[0]["when"])


def _everything(store: Store, name: str) -> list[tuple[int, Any]]:
    """(id, time) of every interaction of the person's timeline, sorted here, newest first."""
    i, pa, m, h = t.interactions, t.participants, t.conversation_members, t.handles
    with store.read() as conn:
        pid = people.detail(store, name, limit=0)["id"]
        theirs = (
            select(i.c.id, i.c.happened_at)
            .join(pa, pa.c.interaction_id == i.c.id)
            .where(pa.c.person_id == pid)
        )
        groups = select(m.c.conversation_id).join(h, h.c.id == m.c.handle_id).where(h.c.person_id == pid)
        mine = select(i.c.id, i.c.happened_at).where(
            and_(i.c.conversation_id.in_(groups), i.c.direction.in_(("out", "both")))
        )
        rows = {r.id: utc(r.happened_at) for q in (theirs, mine) for r in conn.execute(q)}
    return sorted(rows.items(), key=lambda r: (r[1], r[0]), reverse=True)


def test_pages_of_a_timeline_across_a_group_and_one_to_one_make_the_whole_newest_first(
    store: Store, tmp_path: Path
) -> None:
    ada_in_a_group_and_one_to_one(store, tmp_path)
    expected = [iid for iid, _ in _everything(store, "Ada")]
    whole = people.detail(store, "Ada", limit=None)
    assert [r["id"] for r in whole["interactions"]] == expected
    assert whole["interactions_total"] == len(expected) == 20 + 7 + 2
    times = [r["when"] for r in whole["interactions"]]
    assert len(set(times)) < len(times)  # equal times are there: newest id first among them
    assert {r["channel"] for r in whole["interactions"]} >= {"chat", "in-person", "call"}
    for size in (1, 2, 5, 7, 50):
        paged = [
            r["id"]
            for offset in range(0, len(expected), size)
            for r in people.detail(store, "Ada", limit=size, offset=offset)["interactions"]
        ]
        assert paged == expected, size
    assert people.detail(store, "Ada", limit=5, offset=len(expected))["interactions"] == []


def test_people_show_pages_the_same_timeline_as_the_api(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    ada_in_a_group_and_one_to_one(store, tmp_path)
    whole = people.detail(store, "Ada", limit=None)["interactions"]
    store.dispose()
    first = tieline(db_url, "people", "show", "Ada", "--limit", "4", "--json").json()
    third = tieline(db_url, "people", "show", "Ada", "--limit", "4", "--page", "3", "--json").json()
    every = tieline(db_url, "people", "show", "Ada", "--all", "--json").json()
    assert (first["interactions"], third["interactions"]) == (whole[:4], whole[8:12])
    assert every["interactions"] == json.loads(json.dumps(whole))
    text = tieline(db_url, "people", "show", "Ada", "--limit", "4").out
    assert f"showing 4 of {len(whole)} interactions" in text


def test_a_timeline_of_some_kinds_holds_those_of_the_whole_timeline(store: Store, tmp_path: Path) -> None:
    ada_in_a_group_and_one_to_one(store, tmp_path)
    whole = people.detail(store, "Ada", limit=None)["interactions"]
    with store.read() as conn:
        pid = people.detail(store, "Ada", limit=0)["id"]
        for kinds in {(r["kind"],) for r in whole} | {logbook.FAVOURS}:
            assert people.timeline_of(conn, pid, None, kinds=kinds) == [
                r for r in whole if r["kind"] in kinds
            ]
            assert (
                people.timeline_of(conn, pid, 1, kinds=kinds) == [r for r in whole if r["kind"] in kinds][:1]
            )
    assert [f["subject"] for f in logbook.favours(store, "Ada")] == ["a favour"]


def _untimed(store: Store) -> list[Any]:
    """Participant rows whose time is not their interaction's."""
    i, pa = t.interactions, t.participants
    with store.read() as conn:
        return conn.execute(
            select(pa.c.id, pa.c.happened_at, i.c.happened_at)
            .join(i, i.c.id == pa.c.interaction_id)
            .where(pa.c.happened_at.is_distinct_from(i.c.happened_at))
        ).all()


def test_every_writer_of_participants_copies_the_interactions_time(store: Store, tmp_path: Path) -> None:
    ada_in_a_group_and_one_to_one(store, tmp_path)
    people.add(store, people.NewPerson("Countess of Lovelace"))
    merges.merge(store, "Countess", "Ada")
    assert _untimed(store) == []
    merges.undo_merge(store)
    assert _untimed(store) == []
    with store.read() as conn:
        assert conn.execute(select(t.participants.c.id)).first() is not None


def test_a_backup_from_before_participants_kept_times_restores_with_them(db_url: str, tmp_path: Path) -> None:
    from tieline.services import backup

    store = Store(db_url)
    ada_in_a_group_and_one_to_one(store, tmp_path)
    made = tmp_path / "new.jsonl"
    backup.backup(store, made, "jsonl")
    lines = [json.loads(x) for x in made.read_text(encoding="utf-8").splitlines()]
    for item in lines:
        if item.get("table") == "participants":
            del item["row"]["happened_at"]
    old = tmp_path / "old.jsonl"
    old.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    expected = people.detail(store, "Ada", limit=None)
    backup.restore(store, old, force=True)
    assert _untimed(store) == []
    assert people.detail(store, "Ada", limit=None) == expected
    store.dispose()
