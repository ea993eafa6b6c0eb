import json
from datetime import UTC, datetime

from tests.corpora import FIXTURES, corpus
from tieline.records import InteractionRecord, ReadOptions, Skipped
from tieline.sources.chat import signal, whatsapp


def test_reads_a_signal_text_export_with_continuations_and_system_lines():
    path = FIXTURES / "signal" / "signal-chat.txt"
    records = list(signal.read(path, ReadOptions()))
    found = [r for r in records if isinstance(r, InteractionRecord)]
    assert [r.record for r in records if isinstance(r, Skipped)] == ["line 4"]
    assert len(found) == 3
    assert found[1].subject == "Yes, all of them."
    assert found[0].when == datetime(2021, 6, 1, 8, 0, tzinfo=UTC)
    assert found[2].sender is not None and found[2].sender.handles[0].kind == "phone"
    assert {m.group_size for m in found} == {3}


def test_signal_beats_whatsapp_on_its_own_shape():
    path = FIXTURES / "signal" / "signal-chat.txt"
    assert signal.sniff(path) > whatsapp.sniff(path)


def test_the_chat_miner_sample_gives_the_target_messages():
    folder = corpus("signal", "joweich__chat-miner", "test", "signal")
    target = json.loads((folder / "target.json").read_text(encoding="utf-8"))
    found = [
        r for r in signal.read(folder / "test_export.txt", ReadOptions()) if isinstance(r, InteractionRecord)
    ]
    assert len(found) == len(target) == 2
    got = sorted((m.when.replace(tzinfo=None).isoformat(), m.sender.name if m.sender else "") for m in found)
    assert got == sorted((t["timestamp"], t["author"]) for t in target)
    assert {m.subject for m in found} == {t["message"] for t in target}


def test_an_ios_whatsapp_export_with_iso_dates_is_left_to_the_whatsapp_reader(tmp_path):
    chat = tmp_path / "_chat.txt"
    chat.write_text(
        "[2021-06-01 08:00:00] Ada Lovelace: Hej!\n"
        "[2021-06-01 08:05:00] Grace Hopper: \u200e<attached: 00000001-PHOTO-2021-06-01-08-05-00.jpg>\n",
        encoding="utf-8",
    )
    assert signal.sniff(chat) == 0.0
    assert whatsapp.sniff(chat) >= 0.5
    renamed = tmp_path / "WhatsApp Chat - Grace Hopper.txt"
    renamed.write_text("[2021-06-01 08:00:00] Ada Lovelace: Hej!\n", encoding="utf-8")
    assert signal.sniff(renamed) == 0.0
    found = [r for r in whatsapp.read(chat, ReadOptions()) if isinstance(r, InteractionRecord)]
    assert [m.when for m in found] == [
        datetime(2021, 6, 1, 8, 0, tzinfo=UTC),
        datetime(2021, 6, 1, 8, 5, tzinfo=UTC),
    ]
