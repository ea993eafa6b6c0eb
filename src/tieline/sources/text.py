"""Text repair shared by the readers: bytes that are not UTF-8, and UTF-8 that was read as Latin-1.

``decode_line`` reads a line as UTF-8 when it is, else as Windows-1252 (an Excel re-save), with Latin-1
for the five bytes Windows-1252 leaves undefined, so one stray byte never makes a file unreadable.
``fix_mojibake`` undoes the escaping of Meta's exports, which write UTF-8 bytes as Latin-1 code points.
"""

from __future__ import annotations


def decode_line(raw: bytes, fallback: str = "cp1252") -> str:
    """UTF-8 when it is, else ``fallback`` (Windows-1252), else Latin-1 (which decodes anything)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode(fallback)
        except (UnicodeDecodeError, LookupError):
            return raw.decode("latin-1")


def fix_mojibake(text: str) -> str:
    """Undo UTF-8-read-as-Latin-1; strings that are not mangled come back unchanged."""
    if not any("\x80" <= ch <= "\xff" for ch in text):
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text
