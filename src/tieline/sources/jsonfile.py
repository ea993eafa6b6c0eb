"""Reading a whole JSON export safely: size cap, BOM, and every failure as one SourceError."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tieline.errors import SourceError
from tieline.sources.jsonstream import failures_named

MAX_BYTES = 200 * 1024 * 1024


def load(path: Path, too_big: str = "file too large to read at once", max_bytes: int | None = None) -> Any:
    """The parsed document; raises SourceError naming the file (and the line, for invalid JSON).

    For small documents only (jCard); the chat exports stream theirs with ``jsonstream``.
    """
    with failures_named(path):
        size = path.stat().st_size
        if size > (MAX_BYTES if max_bytes is None else max_bytes):
            raise SourceError(str(path), None, f"{too_big} ({size // 2**20} MB)")
        with path.open("r", encoding="utf-8-sig") as fh:
            return json.load(fh)
