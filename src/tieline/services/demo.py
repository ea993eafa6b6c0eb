"""The demo: write the sample network's export files, import them into a fresh database."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from tieline.demo import network
from tieline.ingest.batch import ImportOptions, ImportResult, run_import
from tieline.services import me
from tieline.store.db import Store


@dataclass
class Demo:
    store: Store
    folder: Path
    files: list[Path]
    result: ImportResult


def build(folder: Path | None = None) -> Demo:
    """A fresh demo database (in the user cache dir unless told otherwise), with the sample network imported."""
    folder = folder or Path(platformdirs.user_cache_dir("tieline", appauthor=False)) / "demo"
    if folder.exists():
        shutil.rmtree(folder)
    files = network.write(folder / "exports")
    store = Store(f"sqlite:///{folder / 'demo.db'}")
    me.add(store, network.OWNER[1])
    result = run_import(store, files, ImportOptions())
    return Demo(store, folder, files, result)
