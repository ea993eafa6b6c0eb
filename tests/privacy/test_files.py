"""The store's files are private, --db creates no folder, read commands create nothing, secrets stay secret."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.cli import tieline, tieline_process
from tieline.errors import TielineError
from tieline.store.db import Store


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def _umask(value: int) -> Iterator[None]:
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def test_a_new_database_and_its_wal_and_shm_are_readable_by_the_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    viewer = None
    with _umask(0o022):  # what most systems use: new files 0644 unless tieline says otherwise
        assert tieline(str(db), "people", "add", "Ada Lovelace").code == 0
        import sqlite3

        viewer = sqlite3.connect(db)  # keeps the -wal and -shm in place to be looked at
        viewer.execute("select count(*) from people").fetchone()
        assert tieline(str(db), "people", "add", "Grace Hopper").code == 0
        for path in (db, tmp_path / "x.db-wal", tmp_path / "x.db-shm"):
            assert path.exists() and _mode(path) == 0o600, path.name
    viewer.close()


def test_an_existing_database_others_could_read_is_made_private(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    assert tieline(str(db), "people", "add", "Ada Lovelace").code == 0
    db.chmod(0o644)
    assert tieline(str(db), "people", "add", "Grace Hopper").code == 0
    assert _mode(db) == 0o600


def test_the_default_folder_is_made_private(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TIELINE_DB"}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    with _umask(0o022):
        proc = subprocess.run(
            [sys.executable, "-m", "tieline", "people", "add", "Ada Lovelace"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 0, proc.stderr
    folder = tmp_path / "data" / "tieline"
    assert _mode(folder) == 0o700
    assert _mode(folder / "tieline.db") == 0o600


def test_a_read_command_on_a_missing_database_creates_nothing_and_names_the_file(tmp_path: Path) -> None:
    db = tmp_path / "nonexistent" / "dir" / "x.db"
    run = tieline_process(str(db), "people", "list")
    assert run.code == 1
    assert run.err.strip().splitlines() == [
        f"error: no database at {db}: nothing was imported there yet "
        "(a command that only reads never creates one; `tieline import` or `tieline people add` does)"
    ]
    assert not (tmp_path / "nonexistent").exists()
    here = tmp_path / "here.db"
    assert tieline_process(str(here), "imports", "list").code == 1
    assert not here.exists()


def test_db_never_creates_a_folder_and_says_where_the_file_would_go(tmp_path: Path) -> None:
    db = tmp_path / "missing" / "x.db"
    run = tieline_process(str(db), "people", "add", "Ada Lovelace")
    assert run.code == 1
    assert run.err.strip().splitlines() == [
        f"error: cannot create the database {db}: the folder {db.parent} does not exist "
        "(tieline makes only its default folder; create it, or pick another --db)"
    ]
    assert not db.parent.exists()


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://bob:S3cretPW@127.0.0.1:54x32/db",  # a port that is not a number
        "postgresql://bob:S3cretPW@127.0.0.1:5432/test",  # a server that refuses bob
        "postgresql+psycopg://bob:S3cretPW@127.0.0.1:1/db",  # nobody listening
        "mysql://bob:S3cretPW@127.0.0.1/db",  # a database tieline does not support
    ],
)
def test_a_password_in_the_database_url_is_never_printed(url: str) -> None:
    run = tieline_process(url, "people", "list")
    assert run.code == 1
    assert "S3cretPW" not in run.out + run.err
    assert "Traceback" not in run.err
    assert "bob:***@" in run.err or run.err.startswith("error: mysql databases are not supported"), run.err


def test_the_error_a_library_caller_gets_carries_no_password_either() -> None:
    with pytest.raises(TielineError) as raised:
        Store("postgresql://bob:S3cretPW@127.0.0.1:54x32/db")
    assert "S3cretPW" not in str(raised.value) and "bob:***@" in str(raised.value)


@contextmanager
def _read_only(folder: Path) -> Iterator[None]:
    """Make ``folder`` read-only storage: a read-only mount when we are root (root ignores modes)."""
    if os.geteuid() == 0:
        if not shutil.which("mount"):
            pytest.skip("running as root without mount: cannot make read-only storage")
        done = subprocess.run(["mount", "-o", "bind,ro", str(folder), str(folder)], capture_output=True)
        if done.returncode != 0:
            pytest.skip(f"running as root and cannot mount read-only: {done.stderr.decode().strip()}")
        try:
            yield
        finally:
            subprocess.run(["umount", str(folder)], check=True)
        return
    for path in folder.iterdir():
        path.chmod(0o444)
    folder.chmod(0o555)
    try:
        yield
    finally:
        folder.chmod(0o755)


def test_a_database_on_read_only_storage_can_still_be_read(tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    db = folder / "x.db"
    assert tieline_process(str(db), "people", "add", "Ada Lovelace", "--email", "ada@example.com").code == 0
    assert sorted(p.name for p in folder.iterdir()) == ["x.db"]  # closed cleanly: no -wal, no -shm
    with _read_only(folder):
        listed = tieline_process(str(db), "people", "list", "--json")
        assert listed.code == 0, listed.err
        assert [p["name"] for p in listed.json()] == ["Ada Lovelace"]
        shown = tieline_process(str(db), "people", "show", "ada", "--json")
        assert shown.code == 0, shown.err
        added = tieline_process(str(db), "people", "add", "Grace Hopper")
        assert added.code == 1
        assert "read-only" in added.err and "Traceback" not in added.err
