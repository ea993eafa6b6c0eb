"""Small generated export files for the integrity tests: mboxes, vCards, contact CSVs."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

ME = "me@example.org"


def mbox(path: Path, messages: Iterable[tuple[str, str, str]]) -> Path:
    """Write ``(sender, recipient, message id)`` triples as an mbox, one minute apart."""
    with path.open("w", encoding="utf-8") as fh:
        for i, (frm, to, mid) in enumerate(messages):
            fh.write(
                f"From {frm} Mon Jan  1 10:00:00 2024\n"
                f"Message-ID: <{mid}>\n"
                f"Date: Mon, 01 Jan 2024 {10 + i // 60 % 12:02d}:{i % 60:02d}:00 +0000\n"
                f"From: {frm}\nTo: {to}\nSubject: note {mid}\n\nbody\n\n"
            )
    return path


def vcards(path: Path, people: Iterable[tuple[str, str, str | None]]) -> Path:
    """Write ``(name, e-mail, birthday or None)`` as vCard 3.0 cards."""
    with path.open("w", encoding="utf-8", newline="") as fh:
        for name, email, bday in people:
            given, _, family = name.partition(" ")
            fh.write("BEGIN:VCARD\r\nVERSION:3.0\r\n")
            fh.write(f"FN:{name}\r\nN:{family};{given};;;\r\nEMAIL:{email}\r\n")
            if bday:
                fh.write(f"BDAY:{bday}\r\n")
            fh.write("END:VCARD\r\n")
    return path
