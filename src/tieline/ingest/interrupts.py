"""Ctrl-C during an import: at once while a file is read, after the statement while the database writes.

A KeyboardInterrupt raised in the middle of a database call can leave the connection half-way (on
SQLite a lock held until the process ends). So while the import writes, SIGINT is only noted and
raised as soon as the write is done; while a reader parses, it is raised at once.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Guard:
    def __init__(self) -> None:
        self.depth = 0
        self.pending = False

    @contextmanager
    def installed(self) -> Iterator[Guard]:
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = signal.signal(signal.SIGINT, self._on_sigint)
        try:
            yield self
        finally:
            signal.signal(signal.SIGINT, previous)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """A database write that Ctrl-C must not cut in the middle."""
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
        if self.depth == 0 and self.pending:
            self.pending = False
            raise KeyboardInterrupt

    @contextmanager
    def held(self) -> Iterator[None]:
        """Clean-up after an interrupt: a second Ctrl-C waits for it (and is then forgotten)."""
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1
            self.pending = False

    def _on_sigint(self, _signum: int, _frame: FrameType | None) -> None:
        if self.depth:
            self.pending = True
        else:
            raise KeyboardInterrupt
