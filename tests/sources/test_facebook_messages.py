import json

import pytest

from tests.corpora import FIXTURES, corpus
from tieline.records import InteractionRecord, ReadOptions, Skipped
from tieline.sources import facebook_messages, telegram

THREAD = FIXTURES / "facebook_messages" / "inbox" / "gracehopper_10" / "message_1.json"


def test_reads_a_group_thread_and_repairs_mojibake():
    records = list(facebook_messages.read(THREAD, ReadOptions()))
    found = [r for r in records if isinstance(r, InteractionRecord)]
    assert len(found) == 3
    assert found[0].subject == "Thanks Zoë 😆"
    assert found[1].sender is not None and found[1].sender.name == "Zoë Ørsted"
    assert {m.group_size for m in found} == {3}
    assert {p.name for p in found[0].participants} == {"Grace Hopper", "Zoë Ørsted"}
    assert (found[2].channel, found[2].duration_s) == ("call", 125)
    assert [r.reason for r in records if isinstance(r, Skipped)] == [
        "joined the conversation",
        "reaction, not a message",
        "no sender",
    ]


def test_sniff_prefers_facebook_over_telegram_for_meta_files():
    assert facebook_messages.sniff(THREAD) >= 0.7
    assert telegram.sniff(THREAD) == 0.0


def test_fix_text_leaves_correct_strings_alone():
    assert facebook_messages.fix_text("Zoë") == "Zoë"
    assert facebook_messages.fix_text("Zo\u00c3\u00ab") == "Zoë"


def test_the_chat_miner_instagram_export_gives_the_target_messages():
    folder = corpus("facebook", "joweich__chat-miner", "test", "instagram")
    target = json.loads((folder / "target.json").read_text(encoding="utf-8"))
    found = [
        r
        for r in facebook_messages.read(folder / "test_export.json", ReadOptions())
        if isinstance(r, InteractionRecord)
    ]
    assert len(found) == len(target) == 2
    got = [
        (m.when.replace(tzinfo=None).isoformat(), m.sender.name if m.sender else "", m.subject) for m in found
    ]
    assert got == [(t["timestamp"], t["author"], t["message"]) for t in target]


@pytest.mark.parametrize("name", ["target.json"])
def test_files_that_are_not_threads_are_not_claimed(name: str):
    folder = corpus("facebook", "joweich__chat-miner", "test", "instagram")
    assert facebook_messages.sniff(folder / name) == 0.0
