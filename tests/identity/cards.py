"""Small vCard files written for identity tests."""

from __future__ import annotations

from pathlib import Path


def card(name: str, *lines: str) -> str:
    return "\r\n".join(["BEGIN:VCARD", "VERSION:3.0", f"FN:{name}", *lines, "END:VCARD"]) + "\r\n"


def vcf(path: Path, *cards: str) -> str:
    path.write_text("".join(cards), encoding="utf-8")
    return str(path)
