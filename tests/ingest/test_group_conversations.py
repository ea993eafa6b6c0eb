"""A group chat is stored once: the conversation holds its members, a message only its sender; the
tie figures are derived from that, and undo, forget and merge stay exact across it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from tests.cli import tieline
from tests.ingest.snapshot import snapshot
from tieline.ingest.batch import ImportOptions
from tieline.services import imports, me, people
from tieline.services.strength import explain
from tieline.store import tables as t
from tieline.store.db import Store

MEMBERS = ("Ada Lovelace", "Grace Hopper", "Alan Turing", "Me")


def group_chat(path: Path, messages: int = 40) -> Path:
    """A WhatsApp group of four (the owner is "Me") where everyone writes in turn, one a day."""
    lines = []
    for n in range(messages):
        author = MEMBERS[n % len(MEMBERS)]
        lines.append(f"[1/{1 + n % 28}/22, 9:{n % 60:02d}:00 AM] {author}: message {n}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _count(store: Store, table: t.Table) -> int:
    with store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _import(store: Store, path: Path) -> int:
    me.add(store, "whatsapp:Me")
    result, _ = imports.import_paths(store, [path], ImportOptions())
    return result.batch


def test_a_group_message_stores_its_sender_not_every_member(store: Store, tmp_path: Path) -> None:
    _import(store, group_chat(tmp_path / "_chat.txt"))
    assert _count(store, t.interactions) == 40
    assert _count(store, t.conversations) == 1
    assert _count(store, t.conversation_members) == 3  # everyone but the owner, once
    assert _count(store, t.participants) == 30  # the 30 messages not the owner's, their sender each
    ada = people.detail(store, "Ada")
    # Ada's own 10 messages and the owner's 10 in the group she is in.
    assert ada["interactions_total"] == 20
    assert {(i["direction"], i["group_size"]) for i in ada["interactions"]} == {("in", 4), ("out", 4)}
    listed = {r["name"]: r for r in people.listing(store, sort="last")}
    assert listed["Ada Lovelace"]["last_contact"] is not None
    assert explain(store, "Ada")["strength"] is not None


def test_undoing_a_group_chat_leaves_the_database_as_before(store: Store, tmp_path: Path) -> None:
    me.add(store, "whatsapp:Me")
    before = snapshot(store)
    batch = _import(store, group_chat(tmp_path / "_chat.txt"))
    imports.undo(store, batch)
    assert snapshot(store) == before


def test_forgetting_a_member_takes_their_membership_and_messages(store: Store, tmp_path: Path) -> None:
    _import(store, group_chat(tmp_path / "_chat.txt"))
    people.forget(store, "Grace")
    assert _count(store, t.conversation_members) == 2
    assert _count(store, t.interactions) == 30  # her 10 messages are gone, everyone else's stay
    assert people.detail(store, "Ada")["interactions_total"] == 20


def test_merge_carries_the_membership_and_unmerge_takes_it_back(store: Store, tmp_path: Path) -> None:
    from tieline.services import merge

    _import(store, group_chat(tmp_path / "_chat.txt"))
    people.add(store, people.NewPerson("Countess of Lovelace"))
    before = snapshot(store)
    merge.merge(store, "Countess", "Ada")
    assert people.detail(store, "Countess")["interactions_total"] == 20
    merge.undo_merge(store)
    assert snapshot(store) == before
    assert people.detail(store, "Ada")["interactions_total"] == 20


def test_re_importing_the_group_chat_adds_nothing(db_url: str, tmp_path: Path) -> None:
    chat = group_chat(tmp_path / "_chat.txt")
    tieline(db_url, "me", "add", "whatsapp:Me")
    tieline(db_url, "import", str(chat))
    store = Store(db_url)
    before = snapshot(store)
    tieline(db_url, "import", str(chat))
    assert snapshot(store) == before
    store.dispose()


def test_a_later_chat_export_builds_on_the_group_an_earlier_one_began(store: Store, tmp_path: Path) -> None:
    import pytest

    from tieline.errors import TielineError

    first = _import(store, group_chat(tmp_path / "_chat.txt", messages=20))
    before_second = snapshot(store)
    (tmp_path / "later").mkdir()
    _import(store, group_chat(tmp_path / "later" / "_chat.txt", messages=40))
    with pytest.raises(TielineError, match="later work built on"):
        imports.undo(store, first)
    imports.undo(store, first + 1)
    assert snapshot(store) == before_second


def test_saying_who_the_owner_is_after_the_import_makes_people_of_the_members(
    store: Store, tmp_path: Path
) -> None:
    imports.import_paths(store, [group_chat(tmp_path / "_chat.txt")], ImportOptions())
    assert people.listing(store) == []  # nobody wrote to anybody the owner knows of
    me.add(store, "whatsapp:Me")
    assert {r["name"] for r in people.listing(store)} == {"Ada Lovelace", "Grace Hopper", "Alan Turing"}
    assert people.detail(store, "Ada")["interactions_total"] == 20
