"""Issue 15: a write that queues behind another says that it waits and for what, instead of hanging silently."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime

from sqlalchemy import insert, select

from tieline.ingest.batch_rows import stats_of
from tieline.ingest.context import Counts
from tieline.store import tables as t
from tieline.store.db import Store


def _running_import(store: Store, paths: str) -> int:
    """A batch row as a live import leaves it between its chunks (its owner is this very process)."""
    with store.write() as conn:
        return int(
            conn.execute(
                insert(t.batches)
                .values(
                    account_id=store.account_id,
                    source="vcard",
                    paths=paths,
                    started_at=datetime(2026, 12, 5, 23, 41, tzinfo=UTC),
                    status="running",
                    stats=stats_of(Counts(), 0),
                )
                .returning(t.batches.c.id)
            ).scalar_one()
        )


def test_a_queued_cli_write_says_what_it_waits_for(db_url: str) -> None:
    store = Store(db_url)
    batch = _running_import(store, "/home/ana/Downloads/book.vcf")
    said: list[str] = []
    seen = threading.Event()
    with store.write() as conn:  # the other writer, mid-chunk
        conn.execute(select(t.people.c.id)).all()
        proc = subprocess.Popen(
            [sys.executable, "-m", "tieline", "--db", db_url, "people", "add", "Ana Lima"],
            stderr=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stderr is not None

        def read() -> None:
            assert proc.stderr is not None
            for line in proc.stderr:
                said.append(line)
                if "waiting for" in line:
                    seen.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        # While we still hold the database, the queued command has already said why it waits.
        assert seen.wait(25), "".join(said)
    out, _ = proc.communicate(timeout=60)
    reader.join(5)
    assert proc.returncode == 0, "".join(said)
    text = "".join(said)
    assert f"waiting for import {batch} (book.vcf, started 23:41)" in text
    assert "to finish writing to" in text
    with store.read() as conn:
        assert conn.execute(select(t.people.c.name)).scalars().all() == ["Ana Lima"]
    store.dispose()


def test_a_write_that_need_not_wait_says_nothing(db_url: str) -> None:
    store = Store(db_url)
    said: list[str] = []
    store.on_wait = said.append
    with store.write() as conn:
        conn.execute(select(t.people.c.id)).all()
    assert said == []
    store.dispose()


def test_a_library_writer_is_told_through_its_hook(db_url: str) -> None:
    holder = Store(db_url)
    queued = Store(db_url)
    said: list[str] = []
    queued.on_wait = said.append
    done = threading.Event()

    def write() -> None:
        with queued.write() as conn:
            conn.execute(select(t.people.c.id)).all()
        done.set()

    with holder.write() as conn:
        conn.execute(select(t.people.c.id)).all()
        worker = threading.Thread(target=write, daemon=True)
        worker.start()
        for _ in range(200):
            if said:
                break
            done.wait(0.05)
        assert not done.is_set()  # it queued behind us
    worker.join(30)
    assert done.is_set()
    assert len(said) == 1
    assert said[0].startswith("waiting for another tieline command to finish writing to ")
    holder.dispose()
    queued.dispose()
