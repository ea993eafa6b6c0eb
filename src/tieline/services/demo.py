"""The demo: write the sample network's export files, import them into a fresh database."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from sqlalchemy import func, select

from tieline.demo import network
from tieline.errors import TielineError
from tieline.ingest.batch import ImportOptions, ImportResult, run_import
from tieline.services import me
from tieline.store import tables as t
from tieline.store.db import Store


@dataclass
class Demo:
    store: Store
    folder: Path
    files: list[Path]
    result: ImportResult


def build(folder: Path | None = None, db: str | None = None) -> Demo:
    """A fresh demo database (in the user cache dir unless told otherwise), with the sample network
    imported; ``db`` (``--db``) puts it in that database instead, which must hold nobody yet."""
    folder = folder or Path(platformdirs.user_cache_dir("tieline", appauthor=False)) / "demo"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)  # the demo's own folder: tieline creates no folder for a --db
    store = Store(db if db is not None else f"sqlite:///{folder / 'demo.db'}")
    with store.read() as conn:
        held = conn.execute(
            select(func.count()).select_from(t.people).where(t.people.c.account_id == store.account_id)
        ).scalar_one()
    if held:
        store.dispose()
        raise TielineError(
            f"the demo needs an empty database, and {store.safe_url} holds {held} people: "
            "give another --db, or leave --db out (the demo then uses its own)"
        )
    files = network.write(folder / "exports")
    me.add(store, network.OWNER[1])
    result = run_import(store, files, ImportOptions())
    from tieline.services import people

    for email, yes in network.answers():
        people.edit(store, email, would_take_call=yes)
    from datetime import timedelta

    from tieline.services import logbook

    for email, kind, channel, what, days in network.ledger():
        when = (network.AS_OF - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")
        logbook.log(store, email, what, channel=channel, kind=kind, when=when)
    return Demo(store, folder, files, result)
