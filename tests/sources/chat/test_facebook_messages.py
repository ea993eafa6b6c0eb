import json

import pytest

from tests.corpora import FIXTURES, corpus
from tieline.records import InteractionRecord, ReadOptions, Skipped
from tieline.sources import jsonstream
from tieline.sources.chat import facebook_messages, telegram

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


def _mojibake(text: str) -> str:
    return text.encode("utf-8").decode("latin-1")


def _thread(count: int, meta_first: bool) -> dict[str, object]:
    """A long group thread, newest first, with every non-ASCII string written as Meta writes it."""
    names = ["Ada Lovelace", "Zoë Ørsted", "Grace Hopper"]
    messages = [
        {
            "sender_name": _mojibake(names[i % 2]),
            "timestamp_ms": 1654321000000 - i * 60_000,
            "content": _mojibake(f"Ça va? {i} 😆"),
            "type": "Generic",
        }
        for i in range(count)
    ]
    messages.append({"sender_name": "Grace Hopper", "timestamp_ms": 1554321000000, "content": "first!"})
    meta = {"participants": [{"name": _mojibake(n)} for n in names[:2]], "title": _mojibake("Zoë & Ada")}
    tail = {"is_still_participant": True, "thread_path": "inbox/zoe_42"}
    return {**meta, "messages": messages, **tail} if meta_first else {"messages": messages, **tail, **meta}


def test_a_long_thread_is_read_in_small_pieces_with_names_repaired(tmp_path, monkeypatch):
    monkeypatch.setattr(jsonstream, "CHUNK", 4096)
    monkeypatch.setattr(jsonstream, "MAX_VALUE", 8000)  # the thread is ~40 times that
    monkeypatch.setattr(jsonstream, "MAX_BYTES", 64_000)
    path = tmp_path / "message_1.json"
    got = []
    for meta_first in (True, False):
        path.write_text(json.dumps(_thread(2000, meta_first), indent=2), encoding="utf-8")
        assert path.stat().st_size > jsonstream.MAX_BYTES
        got.append(list(facebook_messages.read(path, ReadOptions())))
    assert got[0] == got[1]  # the title and names may come before or after the messages
    found = [r for r in got[0] if isinstance(r, InteractionRecord)]
    assert len(found) == 2001
    assert found[1].sender is not None and found[1].sender.name == "Zoë Ørsted"
    assert found[1].subject == "Ça va? 1 😆"
    # Grace writes once, at the end of the file: the thread has three members from the first message on.
    assert {p.name for p in found[0].participants} == {"Zoë Ørsted", "Grace Hopper"}
    assert {m.group_size for m in found} == {3}
    assert {m.thread for m in found} == {"facebook:inbox/zoe_42"}
