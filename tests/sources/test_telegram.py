import json
from datetime import UTC, datetime

import pytest

from tests.corpora import FIXTURES, corpus
from tieline.errors import SourceError
from tieline.records import ContactRecord, InteractionRecord, ReadOptions, Skipped
from tieline.sources import facebook_messages, telegram

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
