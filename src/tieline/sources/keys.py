"""Source keys: what makes a record the same record when a file is imported again.

Every reader builds its keys here: a prefix naming the source, then the SHA-1 of the parts that identify
the record, joined by the unit separator (``\\x1f``). A key never holds a file's path, so moving or
renaming an export does not import it twice. The shapes below are those already stored in users'
databases: changing one would import every record of that source a second time.
"""

from __future__ import annotations

import hashlib

SEP = "\x1f"


def digest(*parts: str | bytes) -> str:
    """The SHA-1 (hex) of ``parts`` joined by the unit separator; bytes are hashed as they are."""
    if len(parts) == 1 and isinstance(parts[0], bytes):
        return hashlib.sha1(parts[0]).hexdigest()
    text = SEP.join(p.decode("utf-8", "surrogateescape") if isinstance(p, bytes) else p for p in parts)
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def key(prefix: str, *parts: str | bytes) -> str:
    """``prefix`` followed by :func:`digest` of ``parts``."""
    return prefix + digest(*parts)
