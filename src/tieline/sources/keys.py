"""Source keys: what makes a record the same record when a file is imported again.

Every reader builds its keys here: a prefix naming the source, then the SHA-1 of the parts that identify
the record, joined by the unit separator (``\\x1f``). A key never holds a file's path, so moving or
renaming an export does not import it twice. The shapes below are those already stored in users'
databases: changing one would import every record of that source a second time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import TypeVar

from tieline.records import InteractionRecord

SEP = "\x1f"
R = TypeVar("R")


def digest(*parts: str | bytes) -> str:
    """The SHA-1 (hex) of ``parts`` joined by the unit separator; bytes are hashed as they are."""
    if len(parts) == 1 and isinstance(parts[0], bytes):
        return hashlib.sha1(parts[0]).hexdigest()
    text = SEP.join(p.decode("utf-8", "surrogateescape") if isinstance(p, bytes) else p for p in parts)
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def key(prefix: str, *parts: str | bytes) -> str:
    """``prefix`` followed by :func:`digest` of ``parts``."""
    return prefix + digest(*parts)


def repeats_apart(records: Iterable[R]) -> Iterator[R]:
    """Chat messages that repeat back-to-back word for word in the same minute ("ok", "ok") are two
    messages: the first keeps its key, the next ones get ``:1``, ``:2``... so none is dropped as already
    stored, and a re-import gives the same keys again."""
    last = ""
    repeat = 0
    for rec in records:
        key_now = getattr(rec, "source_key", None)
        if isinstance(rec, InteractionRecord) and key_now is not None:
            repeat = repeat + 1 if key_now == last else 0
            last = key_now
            if repeat:
                rec = replace(rec, source_key=f"{key_now}:{repeat}")
        yield rec
