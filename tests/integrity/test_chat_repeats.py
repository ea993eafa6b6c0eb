"""Issue 9, defect 9: the same words sent twice in the same minute are two messages, in every chat reader."""

from __future__ import annotations

from pathlib import Path

from tieline.ingest.batch import ImportOptions, run_import
from tieline.records import InteractionRecord, ReadOptions
from tieline.sources.chat import signal
from tieline.store.db import Store

CHAT = (
    "[2021-06-01, 08:00] Ada Lovelace: ok\n"
    "[2021-06-01, 08:00] Ada Lovelace: ok\n"
    "[2021-06-01, 08:00] Ada Lovelace: ok\n"
    "[2021-06-01, 08:01] Grace Hopper: ok\n"
)


def test_signal_keys_identical_back_to_back_messages_apart(tmp_path: Path) -> None:
    path = tmp_path / "signal-chat.txt"
    path.write_text(CHAT, encoding="utf-8")
    keys = [r.source_key for r in signal.read(path, ReadOptions()) if isinstance(r, InteractionRecord)]
    assert len(keys) == len(set(keys)) == 4
    assert keys == [
        r.source_key for r in signal.read(path, ReadOptions()) if isinstance(r, InteractionRecord)
    ]


def test_every_repeat_is_stored_once_and_a_reimport_adds_nothing(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "signal-chat.txt"
    path.write_text(CHAT, encoding="utf-8")
    first = run_import(store, [path], ImportOptions(source="signal", create_people=True))
    assert first.counts.interactions_created == 4
    again = run_import(store, [path], ImportOptions(source="signal", create_people=True))
    assert again.counts.interactions_created == 0


def test_linkedin_messages_keep_a_repeated_message_too(tmp_path: Path) -> None:
    from tieline.sources.chat import linkedin_messages

    path = tmp_path / "Messages.csv"
    path.write_text(
        "From,To,Date,Subject,Content,Direction,Folder\n"
        + 'Grace Hopper,Ada Lovelace,"10/16/18, 8:36 AM",Hi,thanks!,INCOMING,INBOX\n' * 2,
        encoding="utf-8",
    )
    keys = [
        r.source_key for r in linkedin_messages.read(path, ReadOptions()) if isinstance(r, InteractionRecord)
    ]
    assert len(keys) == len(set(keys)) == 2


def test_every_chat_reader_passes_its_records_through_the_repeat_keys() -> None:
    from tieline.sources.chat import facebook_messages, linkedin_messages, telegram

    for reader in (signal, facebook_messages, linkedin_messages, telegram):
        assert "repeats_apart" in reader.read.__code__.co_names, reader.NAME
