import json
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.corpora import FIXTURES, corpus
from tieline.errors import SourceError
from tieline.records import ContactRecord, InteractionRecord, ReadOptions, Skipped
from tieline.sources import jsonstream
from tieline.sources.chat import facebook_messages, telegram

HERE = FIXTURES / "telegram"


def test_reads_a_single_personal_chat_and_skips_service_messages():
    records = list(telegram.read(HERE / "single_chat_result.json", ReadOptions()))
    found = [r for r in records if isinstance(r, InteractionRecord)]
    assert len(found) == 3
    assert [r.reason for r in records if isinstance(r, Skipped)] == ["service message"]
    assert found[0].sender is not None and found[0].sender.handles[0].value == "telegram:user1001"
    assert found[0].participants[0].handles[0].value == "telegram:user4242"
    assert found[1].subject == "See https://example.org now"
    assert found[2].when == datetime(2023, 1, 16, 9, 0, tzinfo=UTC)
    assert [m.source_key for m in found] == ["tg:4242:1", "tg:4242:3", "tg:4242:4"]


def test_reads_the_owner_contacts_and_all_chats_of_a_full_account_export():
    records = list(telegram.read(HERE / "full_account_result.json", ReadOptions()))
    contacts = [r for r in records if isinstance(r, ContactRecord)]
    found = [r for r in records if isinstance(r, InteractionRecord)]
    assert [c.is_me for c in contacts] == [True, False, False]
    assert contacts[0].name == "Ada Lovelace"
    assert {h.value for c in contacts for h in c.handles if h.kind == "phone"} == {
        "+44 7700 900001",
        "+1 202 555 0100",
        "+44 7700 900002",
    }
    assert len(found) == 6
    assert [m.direction for m in found] == ["out", "in", "in", "in", "out", "in"]
    assert found[2].group_size == 3
    assert found[-1].bulk is True
    assert "saved messages (notes to self)" in {r.reason for r in records if isinstance(r, Skipped)}


def test_invalid_json_is_a_source_error():
    with pytest.raises(SourceError):
        list(telegram.read(HERE / "broken.json", ReadOptions()))


def test_deep_nesting_is_a_source_error(tmp_path):
    path = tmp_path / "result.json"
    path.write_text('{"messages": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(SourceError):
        list(telegram.read(path, ReadOptions()))


@pytest.mark.parametrize("name", ["test_single_export.json", "test_batch_export.json"])
def test_the_chat_miner_exports_give_the_target_messages(name: str):
    folder = corpus("telegram", "joweich__chat-miner", "test", "telegram")
    target = json.loads((folder / "target.json").read_text(encoding="utf-8"))
    path = folder / name
    assert telegram.sniff(path) > facebook_messages.sniff(path)
    found = [r for r in telegram.read(path, ReadOptions()) if isinstance(r, InteractionRecord)]
    assert len(found) == len(target) == 2
    got = sorted((m.when.replace(tzinfo=None).isoformat(), m.sender.name if m.sender else "") for m in found)
    assert got == sorted((t["timestamp"], t["author"]) for t in target)
    assert [m.subject for m in found] == [t["message"] for t in target]


def _export(per_chat: int, owner_last: bool = False) -> dict[str, Any]:
    """A full-account export: a personal chat, a group whose third member writes only its last
    message, and a channel; with the owner and contacts before the chats (as Telegram writes them)
    or after them."""
    me = {"user_id": 1, "first_name": "Ada", "last_name": "Lovelace", "phone_number": "+44 7700 900001"}
    people = [(1, "Ada Lovelace"), (4242, "Grace Hopper")]

    def messages(chat: int, senders: list[tuple[int, str]], last: tuple[int, str] | None) -> list[Any]:
        out: list[Any] = []
        for i in range(1, per_chat + 1):
            who = last if last is not None and i == per_chat else senders[i % len(senders)]
            out.append(
                {
                    "id": i,
                    "type": "service" if i % 50 == 25 else "message",
                    "date": "2023-01-15T10:30:00",
                    "date_unixtime": str(1673778600 + chat * 10**6 + i),
                    "from": who[1],
                    "from_id": f"user{who[0]}",
                    "text": ["Zoë ", {"type": "bold", "text": f"note {i}"}]
                    if i % 7 == 0
                    else f"hello {i} 👋",
                }
            )
        return out

    chats = {
        "about": "chats",
        "list": [
            {
                "name": "Grace Hopper",
                "type": "personal_chat",
                "id": 4242,
                "messages": messages(0, people, None),
            },
            {
                "name": "Engine Club",
                "type": "private_supergroup",
                "id": 777,
                "messages": messages(1, people, (5005, "Charles Babbage")),
            },
            {"name": "News", "type": "public_channel", "id": 9, "messages": messages(2, [(9, "News")], None)},
        ],
    }
    contacts = {"list": [{"first_name": "Grace", "last_name": "Hopper", "phone_number": "+1 202 555 0100"}]}
    if owner_last:
        return {"chats": chats, "contacts": contacts, "personal_information": me}
    return {"about": "data", "personal_information": me, "contacts": contacts, "chats": chats}


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Read 4 KB at a time, refuse any single value over 8,000 characters, and lower the old
    whole-file limit so that the test files are above it."""
    monkeypatch.setattr(jsonstream, "CHUNK", 4096)
    monkeypatch.setattr(jsonstream, "MAX_VALUE", 8000)
    monkeypatch.setattr(jsonstream, "MAX_BYTES", 64_000)


def test_an_export_above_the_old_limit_is_read_whole_in_small_pieces(tmp_path, small_pieces):
    path = tmp_path / "result.json"
    path.write_text(json.dumps(_export(per_chat=500), indent=1, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SourceError, match="too large"):
        jsonstream.load(path)  # how the reader loaded it before: refused
    records = list(telegram.read(path, ReadOptions()))
    found = [r for r in records if isinstance(r, InteractionRecord)]
    assert len(found) == 3 * 490
    assert [c.is_me for c in records if isinstance(c, ContactRecord)] == [True, False]
    assert found[0].source_key == "tg:4242:1" and found[-1].source_key == "tg:9:500"
    group = [m for m in found if m.thread == "telegram:777"]
    # Charles writes only the last message of the group, near the end of the file: he is a
    # participant of its first message all the same, and the group has three members.
    assert "Charles Babbage" in {p.name for p in group[0].participants}
    assert {m.group_size for m in group} == {3}
    assert group[-1].sender is not None and group[-1].sender.name == "Charles Babbage"
    assert {m.direction for m in found if m.sender and m.sender.name == "Ada Lovelace"} == {"out"}
    assert found[6].subject == "Zoë note 7"
    assert sum(r.reason == "service message" for r in records if isinstance(r, Skipped)) == 30


def test_the_owner_and_contacts_may_come_after_the_chats(tmp_path, small_pieces):
    path = tmp_path / "result.json"
    path.write_text(json.dumps(_export(per_chat=120), indent=1), encoding="utf-8")
    usual = list(telegram.read(path, ReadOptions()))
    assert isinstance(usual[0], ContactRecord) and usual[0].is_me
    path.write_text(json.dumps(_export(per_chat=120, owner_last=True), indent=1), encoding="utf-8")
    assert list(telegram.read(path, ReadOptions())) == usual


def test_a_cut_export_fails_before_any_record_with_the_file_and_line(tmp_path, small_pieces):
    path = tmp_path / "result.json"
    text = json.dumps(_export(per_chat=300), indent=1)
    path.write_text(text[: len(text) * 2 // 3], encoding="utf-8")
    records = telegram.read(path, ReadOptions())
    with pytest.raises(SourceError) as caught:
        next(records)  # the first pass checks the whole file: not even the owner comes out
    assert caught.value.file == str(path)
    assert caught.value.record is not None and caught.value.record.startswith("line ")
    assert caught.value.reason.startswith("invalid JSON")


def test_a_message_over_the_value_limit_is_a_clear_error(tmp_path, small_pieces):
    export = _export(per_chat=20)
    export["chats"]["list"][1]["messages"][3]["text"] = "x" * 20_000
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, indent=1), encoding="utf-8")
    with pytest.raises(SourceError, match="longer than 8000 characters"):
        list(telegram.read(path, ReadOptions()))


@pytest.mark.parametrize(
    "path",
    [
        *sorted(HERE.glob("*.json")),
        *sorted((FIXTURES / "facebook_messages").rglob("*.json")),
    ],
    ids=lambda p: p.name,
)
def test_the_fixtures_give_the_same_records_read_a_byte_at_a_time(path, monkeypatch):
    reader = facebook_messages if "facebook" in str(path) else telegram

    def outcome() -> list[object]:
        try:
            return list(reader.read(path, ReadOptions()))
        except SourceError as exc:
            return [str(exc)]

    whole = outcome()
    monkeypatch.setattr(jsonstream, "CHUNK", 1)
    assert outcome() == whole
