"""The one error type a user sees: what went wrong, in which file, at which record."""

from __future__ import annotations


class TielineError(Exception):
    """An error with a plain-language message; the CLI prints it on one line and exits non-zero."""


class SourceError(TielineError):
    """A file that cannot be read, with the file, the record (line, row, member) and the reason."""

    def __init__(self, file: str, record: str | int | None, reason: str) -> None:
        self.file = str(file)
        self.record = None if record is None else str(record)
        self.reason = reason
        where = f"{self.file}" + (f", record {self.record}" if self.record is not None else "")
        super().__init__(f"{where}: {reason}")


class NotFound(TielineError):
    """No such person, batch, ..."""


class Ambiguous(TielineError):
    """A name or query that matches more than one thing."""


class ImportInterrupted(KeyboardInterrupt):
    """Ctrl-C during an import: the open chunk was rolled back; the batch keeps what was committed."""

    def __init__(self, batch: int, interactions: int, people: int) -> None:
        super().__init__()
        self.batch = batch
        self.interactions = interactions
        self.people = people
