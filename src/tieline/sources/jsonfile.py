"""Reading a whole JSON export safely: size cap, BOM, and every failure as one SourceError."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tieline.errors import SourceError

MAX_BYTES = 200 * 1024 * 1024


def load(path: Path, too_big: str = "file too large to read at once", max_bytes: int | None = None) -> Any:
    """The parsed document; raises SourceError naming the file (and the line, for invalid JSON).

    For small documents only (jCard); the chat exports stream theirs with ``jsonstream``.
    """
    try:
        size = path.stat().st_size
        if size > (MAX_BYTES if max_bytes is None else max_bytes):
            raise SourceError(str(path), None, f"{too_big} ({size // 2**20} MB)")
        with path.open("r", encoding="utf-8-sig") as fh:
            return json.load(fh)
    except SourceError:
        raise
    except json.JSONDecodeError as exc:
        raise SourceError(str(path), f"line {exc.lineno}", f"invalid JSON ({exc.msg})") from None
    except UnicodeDecodeError:
        raise SourceError(str(path), None, "not UTF-8 text") from None
    except RecursionError:
        raise SourceError(str(path), None, "JSON nested too deeply") from None
    except OSError as exc:
        raise SourceError(str(path), None, f"cannot open the file ({exc.strerror or exc})") from None
    except (MemoryError, ValueError) as exc:
        raise SourceError(str(path), None, f"cannot read the file ({exc})") from None
