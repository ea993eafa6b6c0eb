"""Start-up: a command imports only what it uses, and the schema check costs no Alembic."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import text

from tests.insight.network import build
from tieline.store.db import Store
from tieline.store.migrate import at_head, config, head

# Runs the real command in a fresh interpreter, then lists which heavy modules it loaded.
PROBE = """
import sys
sys.argv = ["tieline", *sys.argv[1:]]
from tieline.cli import main
try:
    main()
except SystemExit:
    pass
heavy = ("numpy", "sqlalchemy", "sqlalchemy.orm", "alembic", "rapidfuzz")
sys.stderr.write("LOADED " + " ".join(m for m in heavy if m in sys.modules) + "\\n")
"""


def _loaded(tmp_path: Path, *args: str) -> set[str]:
    env = dict(os.environ, TIELINE_DB=str(tmp_path / "x.db"))
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env, timeout=60
    )
    line = [x for x in proc.stderr.splitlines() if x.startswith("LOADED")][-1]
    return set(line.split()[1:])


def test_version_imports_neither_sqlalchemy_nor_numpy(tmp_path: Path) -> None:
    assert _loaded(tmp_path, "--version") == set()


def test_help_and_me_show_load_neither_the_orm_nor_numpy_nor_alembic(tmp_path: Path) -> None:
    Store(str(tmp_path / "x.db")).dispose()  # migrated once: opening it again needs no Alembic
    assert _loaded(tmp_path, "--help") == set()
    assert _loaded(tmp_path, "me", "show") == {"sqlalchemy"}


def test_health_due_and_who_read_the_cached_scores_without_numpy(tmp_path: Path) -> None:
    store = Store(str(tmp_path / "x.db"))
    build(store)
    store.dispose()
    # The first read of the day scores what changed and the past snapshots health compares with:
    # that needs the model. Every read after it comes from the cache.
    _loaded(tmp_path, "health")
    _loaded(tmp_path, "due")
    for args in (("health",), ("due",), ("who", "chemistry")):
        assert "numpy" not in _loaded(tmp_path, *args), args


def test_the_head_read_from_the_files_is_alembics_head(db_url: str) -> None:
    assert head() == ScriptDirectory.from_config(config()).get_current_head()
    store = Store(db_url)
    assert at_head(store.engine)
    with store.write() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    assert not at_head(store.engine)
    store.dispose()


def test_a_server_loads_every_lazy_module_before_its_threads_can_race_for_one() -> None:
    probe = (
        "import sys\n"
        "import tieline.cli.app\n"
        "from tieline.cli import lazy\n"
        "lazy_ones = [n for n, m in sys.modules.items() if type(m).__name__ == '_LazyModule']\n"
        "lazy.load_all()\n"
        "left = [n for n, m in sys.modules.items() if type(m).__name__ == '_LazyModule']\n"
        "from tieline.services import people\n"
        "print(len(lazy_ones), left, callable(people.listing))\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    waiting, left, loaded = proc.stdout.split(maxsplit=2)
    assert int(waiting) > 0 and left == "[]" and loaded.strip() == "True", proc.stderr
