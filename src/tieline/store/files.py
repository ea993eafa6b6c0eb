"""The files tieline writes hold other people's data: readable by their owner only, made only where asked.

A new database (and so its ``-wal`` / ``-shm``, which SQLite creates with the database's mode) is 0600;
the folder tieline makes for its default database is 0700. ``--db`` never makes a folder, and a command
that only reads never makes a database. A file that cannot be written (read-only storage, no write
permission) is opened read-only.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import IO

from tieline.errors import TielineError

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
_PASSWORD = re.compile(r"(://[^/:@\s]*:)[^@\s]*@")


def hide_password(text: str) -> str:
    """Any ``scheme://user:password@`` in ``text`` with the password as ``***``."""
    return _PASSWORD.sub(r"\1***@", text)


def prepare_sqlite(path: Path, *, create: bool, default: bool) -> bool:
    """Check or make the database file; True when it can only be read."""
    if path.exists():
        writable = os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)
        if writable:
            for each in (path, _sibling(path, "-wal"), _sibling(path, "-shm")):
                make_private(each)
        return not writable
    if not create:
        raise TielineError(
            f"no database at {path}: nothing was imported there yet (a command that only reads never "
            "creates one; `tieline import` or `tieline people add` does)"
        )
    folder = path.parent
    if not folder.is_dir():
        if not default:
            raise TielineError(
                f"cannot create the database {path}: the folder {folder} does not exist "
                "(tieline makes only its default folder; create it, or pick another --db)"
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
            folder.chmod(PRIVATE_FOLDER)
        except OSError as exc:
            raise TielineError(
                f"cannot create the folder {folder} for the database: {exc.strerror}"
            ) from None
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        pass
    except OSError as exc:
        raise TielineError(f"cannot create the database {path}: {exc.strerror}") from None
    return False


def make_private(path: Path) -> None:
    """Readable and writable by the owner only (when we own it and can change it)."""
    try:
        info = path.stat()
        if info.st_mode & 0o077 and info.st_uid == os.getuid():
            path.chmod(PRIVATE_FILE)
    except OSError:
        pass


def private_text(path: Path) -> IO[str]:
    """Open ``path`` for writing text, created (or truncated) with mode 0600 whatever the umask."""
    return os.fdopen(_private_fd(path), "w", encoding="utf-8", newline="")


def private_binary(path: Path) -> IO[bytes]:
    return os.fdopen(_private_fd(path), "wb")


def _private_fd(path: Path) -> int:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
        os.fchmod(fd, PRIVATE_FILE)
    except OSError as exc:
        raise TielineError(f"cannot write {path}: {exc.strerror}") from None
    return fd


def _sibling(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)
