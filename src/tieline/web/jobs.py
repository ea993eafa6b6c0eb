"""Imports running in the background, so the page can say how far they are (``/imports/jobs/ID``).

A job runs in a thread of its own; it owns the upload's temporary folder and removes it when it ends,
however it ends. A job is seen only by the account that started it; its id is random (not a counter
another user could walk), and the last few finished jobs are kept for their result page.
"""

from __future__ import annotations

import secrets
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tieline.errors import NotFound

KEPT = 50


@dataclass
class Job:
    account: str
    folder: Path
    file: str = ""
    records: int = 0
    read: int = 0  # bytes of the current file read so far
    size: int = 0  # and its size (0: unknown)
    result: dict[str, Any] | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def progress(self) -> dict[str, Any]:
        share = self.read / self.size if self.size else None
        return {"file": self.file, "records": self.records, "share": share, "done": self.done.is_set()}


class Jobs:
    def __init__(self) -> None:
        self._by_id: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, account: str, folder: Path, work: Callable[[Job], dict[str, Any]]) -> str:
        """Run ``work(job)`` in a thread; the folder is removed when it ends."""
        job = Job(account, folder)
        job_id = secrets.token_urlsafe(12)
        with self._lock:
            self._by_id[job_id] = job
            finished = [k for k, j in self._by_id.items() if j.done.is_set()]
            for old in finished[: max(0, len(finished) - KEPT)]:
                del self._by_id[old]

        def run() -> None:
            try:
                job.result = work(job)
            except Exception as exc:  # the page says it; the thread must not die silently
                job.result = {"error": f"the import failed: {type(exc).__name__}: {exc}", "notes": []}
            finally:
                shutil.rmtree(folder, ignore_errors=True)
                job.done.set()

        threading.Thread(target=run, name=f"import-{job_id}", daemon=True).start()
        return job_id

    def of(self, account: str, job_id: str) -> Job:
        with self._lock:
            job = self._by_id.get(job_id)
        if job is None or job.account != account:
            raise NotFound(f"no import {job_id}")
        return job
