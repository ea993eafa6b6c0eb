"""Imports are idempotent, undoable and all-or-nothing per file, on both backends."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.cli import tieline, tieline_process
from tests.corpora import FIXTURES
from tests.ingest.snapshot import snapshot
from tieline.ingest.batch import ImportOptions, run_import
from tieline.store.db import Store

SMS = FIXTURES / "sms_backup" / "sms-20231115.xml"
CALLS = FIXTURES / "sms_backup" / "calls-20231115.xml"
WHATSAPP = FIXTURES / "whatsapp" / "WhatsApp Chat with Grace Hopper.txt"


def test_reimporting_the_same_export_three_times_changes_nothing(store: Store) -> None:
    first = run_import(store, [SMS, CALLS, WHATSAPP], ImportOptions())
    assert first.counts.interactions_created > 0 and first.counts.people_created > 0
    before = snapshot(store)
    for _ in range(3):
        again = run_import(store, [SMS, CALLS, WHATSAPP], ImportOptions())
        assert again.counts.interactions_created == 0
        assert again.counts.people_created == 0
        assert again.counts.handles_added == 0
        assert snapshot(store) == before


def test_undo_restores_the_database_exactly(store: Store) -> None:
    run_import(store, [SMS], ImportOptions())
    before = snapshot(store)
    second = run_import(store, [CALLS, WHATSAPP], ImportOptions())
    assert snapshot(store) != before
    from tieline.services import imports

    imports.undo(store, second.batch)
    assert snapshot(store) == before
    assert [b["status"] for b in imports.listing(store)] == ["done", "undone"]


def test_undo_of_a_batch_that_promoted_earlier_senders_keeps_their_history(
    store: Store, tmp_path: Path
) -> None:
    # A one-way inbound flood leaves handles without people; a later two-way exchange promotes them.
    run_import(store, [SMS], ImportOptions())
    before = snapshot(store)
    result = run_import(store, [CALLS], ImportOptions())
    from tieline.services import imports

    imports.undo(store, result.batch)
    assert snapshot(store) == before


def test_a_file_that_fails_half_way_writes_nothing_while_the_good_files_land(
    store: Store, tmp_path: Path
) -> None:
    bad = tmp_path / "sms-broken.xml"
    text = SMS.read_text(encoding="utf-8")
    bad.write_text(text[: len(text) * 2 // 3], encoding="utf-8")  # cut off mid-element
    result = run_import(store, [bad, CALLS], ImportOptions())
    assert any(e["file"] and "sms-broken.xml" in e["file"] for e in result.errors)
    only_calls = snapshot(store)
    assert all(row[3] == "call" for row in only_calls["interactions"])  # channel column
    assert only_calls["interactions"]


def test_import_json_summary_has_the_documented_keys(db_url: str) -> None:
    run = tieline(db_url, "import", str(SMS), "--json")
    assert run.code == 0, run.err
    data = run.json()
    assert {
        "batch",
        "source",
        "people_created",
        "people_updated",
        "handles_added",
        "interactions_created",
        "skipped",
        "errors",
    } <= set(data)
    assert data["source"] == "sms_backup"
    assert all({"file", "record", "reason"} <= set(e) for e in data["errors"])


def test_a_missing_file_is_one_error_and_writes_nothing(db_url: str, tmp_path: Path) -> None:
    run = tieline_process(db_url, "import", str(tmp_path / "nope.csv"), "--json")
    assert run.code == 1 and run.json()["batch"] is None and run.json()["errors"][0]["record"] is None
    assert run.err.strip() == f"error: {tmp_path / 'nope.csv'}: no such file or folder"
    assert tieline(db_url, "imports", "list", "--json").json() == []


def test_a_file_nobody_can_read_is_one_error_and_writes_nothing(db_url: str, tmp_path: Path) -> None:
    events = tmp_path / "Events.csv"
    events.write_text('Event Name,Event Time,Status,External Url\nMeetup,"May 07, 2022 08:00 AM",APPROVED,\n')
    run = tieline_process(db_url, "import", str(events), str(tmp_path / "nope.csv"))
    assert run.code == 1
    assert (
        run.err.strip()
        == f"error: {events}: not a format tieline knows (use --source KIND to force one) (and 1 more)"
    )
    assert tieline(db_url, "imports", "list", "--json").json() == []


def test_files_that_can_be_read_are_imported_beside_one_that_cannot(db_url: str, tmp_path: Path) -> None:
    chat = tmp_path / "chat.txt"
    shutil.copy(WHATSAPP, chat)
    data = tieline(db_url, "import", str(chat), str(tmp_path / "nope.csv"), "--json").json()
    assert data["interactions_created"] > 0
    missing = {"file": str(tmp_path / "nope.csv"), "record": None, "reason": "no such file or folder"}
    assert missing in data["errors"]


def test_no_content_keeps_no_snippets(store: Store, tmp_path: Path) -> None:
    copy = tmp_path / "chat.txt"
    shutil.copy(WHATSAPP, copy)
    run_import(store, [copy], ImportOptions(content=False))
    interactions = snapshot(store)["interactions"]
    assert interactions and all(row[9] is None for row in interactions)  # subject column


def test_progress_reports_records_and_the_bytes_read_of_the_file(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "big.mbox"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(3500):
            fh.write(
                f"From a{i}@example.com Mon Jan  1 10:00:00 2024\n"
                f"Message-ID: <p{i}@example.com>\nDate: Mon, 01 Jan 2024 10:{i % 60:02d}:00 +0000\n"
                f"From: a{i % 50}@example.com\nTo: me@example.com\nSubject: s\n\n{'x' * 2000}\n\n"
            )
    calls: list[tuple[int, int]] = []
    run_import(store, [path], ImportOptions(progress=lambda n, done: calls.append((n, done))))
    assert [n for n, _ in calls] == [1000, 2000, 3000]
    done = [b for _, b in calls]
    size = path.stat().st_size
    assert 0 < done[0] < done[1] < done[2] <= size
    assert done[2] > size // 2  # the bar follows the reader through the file, not the end of the import


def test_progress_follows_the_pass_of_a_telegram_export_that_yields_the_records(
    store: Store, tmp_path: Path
) -> None:
    import json

    messages = [
        {"id": i, "type": "message", "date_unixtime": str(1673778600 + i), "from": "Grace Hopper"}
        | {"from_id": "user4242", "text": "x" * 1000}
        for i in range(1, 3501)
    ]
    path = tmp_path / "result.json"
    path.write_text(
        json.dumps({"name": "Grace Hopper", "type": "personal_chat", "id": 4242, "messages": messages})
    )
    calls: list[tuple[int, int]] = []
    run_import(store, [path], ImportOptions(progress=lambda n, done: calls.append((n, done))))
    assert [n for n, _ in calls] == [1000, 2000, 3000]
    done = [b for _, b in calls]
    # The first pass (a check of the whole file) is not counted: the bar does not run past the end.
    assert 0 < done[0] < done[1] < done[2] <= path.stat().st_size
