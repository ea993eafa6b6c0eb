"""Issue 9, defect 5: eight processes importing overlapping files and logging at once all succeed, on both
backends, and leave the database as importing the same files one after the other does."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from tests.integrity.files import ME, mbox, vcards
from tieline.store import tables as t
from tieline.store.db import Store

IMPORTERS = 6
LOGGERS = 2
LOGS_EACH = 5
LOGGER = """
import sys
from tieline.services import logbook
from tieline.store.db import Store
store = Store(sys.argv[1])
for i in range(int(sys.argv[2])):
    logbook.log(store, "log@example.com", f"coffee {sys.argv[3]}-{i}", channel="in-person")
"""


def overlapping_files(folder: Path) -> list[Path]:
    """Six exports that share most of their correspondents: contacts and mailboxes."""
    files = [
        vcards(
            folder / "book.vcf", [(f"Person {i} Shared", f"p{i}@example.com", None) for i in range(0, 60, 2)]
        )
    ]
    for n in range(IMPORTERS - 1):
        messages = []
        for i in range(120):
            who = f"p{(i * 7 + n * 11) % 60}@example.com"
            messages.append((who, ME, f"f{n}-in{i}@x") if i % 3 else (ME, who, f"f{n}-out{i}@x"))
        files.append(mbox(folder / f"mail{n}.mbox", messages))
    return files


def content(db_url: str) -> dict[str, object]:
    """What is stored, by value: who holds which handle, who took part in which message, what was logged."""
    store = Store(db_url)
    p, h, i, pa = t.people, t.handles, t.interactions, t.participants
    with store.read() as conn:
        handles = sorted(
            (r.value, r.name)
            for r in conn.execute(select(h.c.value, p.c.name).outerjoin(p, p.c.id == h.c.person_id))
        )
        taking_part = sorted(
            (r.source_key if not r.source_key.startswith("manual:") else r.subject, r.value, r.name, r.role)
            for r in conn.execute(
                select(i.c.source_key, i.c.subject, h.c.value, p.c.name, pa.c.role)
                .join(pa, pa.c.interaction_id == i.c.id)
                .outerjoin(h, h.c.id == pa.c.handle_id)
                .outerjoin(p, p.c.id == pa.c.person_id)
            )
        )
        people = sorted(conn.execute(select(p.c.name)).scalars())
    store.dispose()
    return {"people": people, "handles": handles, "participants": taking_part}


def prepare(db_url: str) -> None:
    from tieline.services import me, people

    store = Store(db_url)
    me.add(store, ME)
    people.add(store, people.NewPerson("Log Target", emails=("log@example.com",)))
    store.dispose()


def test_eight_processes_importing_and_logging_at_once_all_succeed_like_a_serial_run(
    db_url: str, tmp_path: Path
) -> None:
    files = overlapping_files(tmp_path)
    prepare(db_url)
    env = dict(os.environ, TIELINE_DB=db_url)
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tieline", "import", str(f), "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for f in files
    ] + [
        subprocess.Popen(
            [sys.executable, "-c", LOGGER, db_url, str(LOGS_EACH), str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for n in range(LOGGERS)
    ]
    failures = []
    for proc in procs:
        out, err = proc.communicate(timeout=240)
        if proc.returncode != 0:
            failures.append((proc.args, proc.returncode, err[-2000:]))
    assert failures == []
    together = content(db_url)

    serial = tmp_path / "serial.db"
    serial_url = f"sqlite:///{serial}"
    prepare(serial_url)
    from tieline.ingest.batch import ImportOptions, run_import
    from tieline.services import logbook

    store = Store(serial_url)
    for f in files:
        run_import(store, [f], ImportOptions())
    for n in range(LOGGERS):
        for i in range(LOGS_EACH):
            logbook.log(store, "log@example.com", f"coffee {n}-{i}", channel="in-person")
    store.dispose()
    assert together == content(serial_url)


def test_contacts_imported_after_a_mailbox_that_saw_them_one_way_get_their_handles(
    store: Store, tmp_path: Path
) -> None:
    from tieline.ingest.batch import ImportOptions, run_import

    run_import(store, [mbox(tmp_path / "in.mbox", [("p1@example.com", ME, "only-in@x")])], ImportOptions())
    book = vcards(tmp_path / "book.vcf", [("Person 1 Shared", "p1@example.com", None)])
    result = run_import(store, [book], ImportOptions())
    assert result.failed == 0 and result.counts.people_created == 1
    taking_part = content(store.url)["participants"]
    assert ("mid:only-in@x", "p1@example.com", "Person 1 Shared", "sender") in taking_part  # type: ignore[operator]
